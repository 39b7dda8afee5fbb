// Defaulting as the real API server does it (what `kubectl get -o yaml` shows after a create).

import { describe, expect, it } from "vitest";
import type { KubeObject } from "../types.js";
import { builtinCatalog } from "./catalog.js";
import { defaultPullPolicy } from "./defaults-podspec.js";

const catalog = builtinCatalog();
function defaulted(group: string, version: string, resource: string, o: KubeObject): KubeObject {
  const d = catalog.get(group, version, resource);
  if (!d) throw new Error(resource);
  d.setDefaults(o);
  return o;
}

describe("defaults", () => {
  it("fills a Deployment like the real server", () => {
    const o = defaulted("apps", "v1", "deployments", {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "default" },
      spec: {
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "nginx", image: "nginx:1.25", ports: [{ containerPort: 80 }] }] },
        },
      },
    });
    expect(o.spec).toEqual({
      replicas: 1,
      selector: { matchLabels: { app: "web" } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      template: {
        metadata: { labels: { app: "web" } },
        spec: {
          containers: [
            {
              name: "nginx",
              image: "nginx:1.25",
              ports: [{ containerPort: 80, protocol: "TCP" }],
              imagePullPolicy: "IfNotPresent",
              resources: {},
              terminationMessagePath: "/dev/termination-log",
              terminationMessagePolicy: "File",
            },
          ],
          restartPolicy: "Always",
          terminationGracePeriodSeconds: 30,
          dnsPolicy: "ClusterFirst",
          securityContext: {},
          schedulerName: "default-scheduler",
          enableServiceLinks: true,
        },
      },
    });
  });

  it("leaves a Recreate strategy without rollingUpdate", () => {
    const o = defaulted("apps", "v1", "deployments", {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: { strategy: { type: "Recreate" }, template: { spec: { containers: [] } } },
    });
    expect((o.spec as { strategy: unknown }).strategy).toEqual({ type: "Recreate" });
  });

  it.each([
    ["nginx", "Always"],
    ["nginx:latest", "Always"],
    ["nginx:1.25", "IfNotPresent"],
    ["localhost:5000/app", "Always"],
    ["localhost:5000/app:v1", "IfNotPresent"],
    ["nginx@sha256:abc", "IfNotPresent"],
  ])("pulls %s with %s", (image, policy) => {
    expect(defaultPullPolicy(image)).toBe(policy);
  });

  it("gives a Pod its admission defaults and a Pending status", () => {
    const o = defaulted("", "v1", "pods", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", namespace: "default" },
      spec: {
        containers: [{ name: "c", image: "busybox", resources: { limits: { cpu: "1", memory: "1Gi" } } }],
      },
    });
    const spec = o.spec as Record<string, unknown>;
    expect(spec.serviceAccountName).toBe("default");
    expect(spec.serviceAccount).toBe("default");
    expect(spec.priority).toBe(0);
    expect(spec.tolerations).toEqual([
      {
        key: "node.kubernetes.io/not-ready",
        operator: "Exists",
        effect: "NoExecute",
        tolerationSeconds: 300,
      },
      {
        key: "node.kubernetes.io/unreachable",
        operator: "Exists",
        effect: "NoExecute",
        tolerationSeconds: 300,
      },
    ]);
    expect((spec.containers as { resources: unknown }[])[0]?.resources).toEqual({
      limits: { cpu: "1", memory: "1Gi" },
      requests: { cpu: "1", memory: "1Gi" },
    });
    expect(o.status).toEqual({ phase: "Pending", qosClass: "Guaranteed" });
  });

  it("defaults Service type, affinity, protocol and targetPort", () => {
    const o = defaulted("", "v1", "services", {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web", namespace: "default" },
      spec: { selector: { app: "web" }, ports: [{ port: 80 }, { port: 443, targetPort: "https" }] },
    });
    expect(o.spec).toMatchObject({
      type: "ClusterIP",
      sessionAffinity: "None",
      internalTrafficPolicy: "Cluster",
      ports: [
        { port: 80, protocol: "TCP", targetPort: 80 },
        { port: 443, protocol: "TCP", targetPort: "https" },
      ],
    });
  });

  it("folds Secret stringData into data and types it Opaque", () => {
    const o = defaulted("", "v1", "secrets", {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s", namespace: "default" },
      data: { a: "YQ==" },
      stringData: { b: "hello" },
    });
    expect(o.type).toBe("Opaque");
    expect(o.data).toEqual({ a: "YQ==", b: "aGVsbG8=" });
    expect(o.stringData).toBeUndefined();
  });

  it("makes a Namespace Active with the kubernetes finalizer and its name label", () => {
    const o = defaulted("", "v1", "namespaces", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "team" },
    });
    expect(o.spec).toEqual({ finalizers: ["kubernetes"] });
    expect(o.status).toEqual({ phase: "Active" });
    expect(o.metadata.labels).toEqual({ "kubernetes.io/metadata.name": "team" });
  });

  it("defaults HPA v2 metrics and behavior", () => {
    const o = defaulted("autoscaling", "v2", "horizontalpodautoscalers", {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "h", namespace: "default" },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
        maxReplicas: 5,
        behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
      },
    });
    expect(o.spec).toMatchObject({
      minReplicas: 1,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } },
        },
      ],
      behavior: {
        scaleUp: {
          stabilizationWindowSeconds: 0,
          selectPolicy: "Max",
          policies: [
            { type: "Pods", value: 4, periodSeconds: 15 },
            { type: "Percent", value: 100, periodSeconds: 15 },
          ],
        },
        scaleDown: {
          stabilizationWindowSeconds: 60,
          selectPolicy: "Max",
          policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
        },
      },
    });
  });
});
