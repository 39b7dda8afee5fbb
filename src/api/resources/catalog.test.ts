// The catalog: lookups, discovery groups, OpenAPI v3 documents and version conversions.

import { describe, expect, it } from "vitest";
import type { KubeObject } from "../types.js";
import { hpaV1ToV2, hpaV2ToV1 } from "./autoscaling-hpa.js";
import { builtinCatalog } from "./catalog.js";
import { coreToEventsV1, eventsV1ToCore } from "./core-event.js";

const catalog = builtinCatalog();
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("lookups", () => {
  it("finds every kind of issue 4 by resource and by kind", () => {
    const kinds = catalog.all().map((d) => `${d.group}/${d.version}/${d.kind}`);
    for (const k of [
      "/v1/Namespace",
      "/v1/Pod",
      "/v1/Service",
      "/v1/Endpoints",
      "/v1/ConfigMap",
      "/v1/Secret",
      "/v1/ServiceAccount",
      "/v1/Node",
      "/v1/Event",
      "/v1/LimitRange",
      "/v1/ResourceQuota",
      "apps/v1/Deployment",
      "apps/v1/ReplicaSet",
      "apps/v1/DaemonSet",
      "apps/v1/StatefulSet",
      "apps/v1/ControllerRevision",
      "autoscaling/v1/HorizontalPodAutoscaler",
      "autoscaling/v2/HorizontalPodAutoscaler",
      "networking.k8s.io/v1/Ingress",
      "networking.k8s.io/v1/IngressClass",
      "coordination.k8s.io/v1/Lease",
      "discovery.k8s.io/v1/EndpointSlice",
      "rbac.authorization.k8s.io/v1/Role",
      "rbac.authorization.k8s.io/v1/ClusterRole",
      "rbac.authorization.k8s.io/v1/RoleBinding",
      "rbac.authorization.k8s.io/v1/ClusterRoleBinding",
      "events.k8s.io/v1/Event",
      "authorization.k8s.io/v1/SelfSubjectAccessReview",
      "authorization.k8s.io/v1/SubjectAccessReview",
    ])
      expect(kinds).toContain(k);
    expect(catalog.get("apps", "v1", "deployments")?.shortNames).toEqual(["deploy"]);
    expect(catalog.byKind({ group: "", version: "v1", kind: "Pod" })?.resource).toBe("pods");
    expect(catalog.get("", "v1", "nodes")?.namespaced).toBe(false);
    expect(catalog.get("authorization.k8s.io", "v1", "selfsubjectaccessreviews")?.verbs).toEqual(["create"]);
  });

  it("groups versions with HPA v2 preferred and stored", () => {
    expect(catalog.groups().find((g) => g.group === "autoscaling")).toEqual({
      group: "autoscaling",
      versions: ["v2", "v1"],
      preferred: "v2",
    });
    expect(catalog.get("autoscaling", "v1", "horizontalpodautoscalers")?.storageVersion).toBe("v2");
    expect(catalog.get("events.k8s.io", "v1", "events")?.storageGroup).toBe("");
  });

  it("declares scale and status subresources", () => {
    for (const r of ["deployments", "replicasets", "statefulsets"])
      expect(catalog.get("apps", "v1", r)?.subresources.scale).toEqual({
        specReplicasPath: ".spec.replicas",
        statusReplicasPath: ".status.replicas",
        labelSelectorPath: ".spec.selector",
      });
    expect(catalog.get("", "v1", "configmaps")?.subresources).toEqual({ status: false });
    expect(catalog.get("", "v1", "pods")?.subresources.status).toBe(true);
    expect(catalog.get("apps", "v1", "deployments")?.hasGeneration).toBe(true);
  });

  it("offers the field selectors kubectl and controllers use", () => {
    const pods = catalog.get("", "v1", "pods");
    const pod: KubeObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p" },
      spec: { restartPolicy: "Always" },
      status: { phase: "Running" },
    };
    expect(pods?.fieldSelectors["status.phase"]?.(pod)).toBe("Running");
    expect(pods?.fieldSelectors["spec.nodeName"]?.(pod)).toBe("");
    const events = catalog.get("", "v1", "events");
    expect(
      events?.fieldSelectors["involvedObject.name"]?.({
        apiVersion: "v1",
        kind: "Event",
        metadata: {},
        involvedObject: { name: "web" },
      }),
    ).toBe("web");
    expect(
      catalog
        .get("", "v1", "secrets")
        ?.fieldSelectors.type?.({ apiVersion: "v1", kind: "Secret", metadata: {}, type: "Opaque" }),
    ).toBe("Opaque");
  });
});

describe("OpenAPI v3", () => {
  it("indexes every group-version with a content hash", () => {
    const index = catalog.openapiV3Index();
    expect(Object.keys(index.paths)).toContain("api/v1");
    expect(Object.keys(index.paths)).toContain("apis/autoscaling/v1");
    expect(index.paths["apis/apps/v1"]?.serverRelativeURL).toMatch(
      /^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/,
    );
    expect(catalog.openapiV3Index()).toEqual(index);
  });

  it("gives each kind a PATCH operation with its GVK and a fieldValidation parameter", () => {
    const doc = catalog.openapiV3({ group: "apps", version: "v1" }) as Json;
    const patch = doc.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"].patch;
    expect(patch["x-kubernetes-group-version-kind"]).toEqual({
      group: "apps",
      version: "v1",
      kind: "Deployment",
    });
    expect(patch.parameters.map((p: Json) => p.name)).toContain("fieldValidation");
    const scale = doc.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"].patch;
    expect(scale["x-kubernetes-group-version-kind"]).toEqual({
      group: "autoscaling",
      version: "v1",
      kind: "Scale",
    });
    const core = catalog.openapiV3({ group: "", version: "v1" }) as Json;
    expect(core.paths["/api/v1/nodes/{name}"].patch["x-kubernetes-group-version-kind"].kind).toBe("Node");
  });

  it("carries component schemas with list and patch extensions", () => {
    const doc = catalog.openapiV3({ group: "apps", version: "v1" }) as Json;
    const schemas = doc.components.schemas;
    expect(schemas["io.k8s.api.apps.v1.Deployment"]["x-kubernetes-group-version-kind"]).toEqual([
      { group: "apps", version: "v1", kind: "Deployment" },
    ]);
    expect(schemas["io.k8s.api.apps.v1.DeploymentSpec"].required).toEqual(["selector", "template"]);
    expect(schemas["io.k8s.api.apps.v1.DeploymentSpec"].properties.replicas).toMatchObject({
      type: "integer",
      format: "int32",
    });
    expect(schemas["io.k8s.api.apps.v1.DeploymentSpec"].properties.strategy).toMatchObject({
      allOf: [{ $ref: "#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy" }],
      "x-kubernetes-patch-strategy": "retainKeys",
    });
    expect(schemas["io.k8s.api.core.v1.PodSpec"].properties.containers).toMatchObject({
      type: "array",
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["name"],
      "x-kubernetes-patch-merge-key": "name",
      "x-kubernetes-patch-strategy": "merge",
    });
    expect(schemas["io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"]["x-kubernetes-map-type"]).toBe(
      "atomic",
    );
    expect(schemas["io.k8s.api.apps.v1.DeploymentList"]["x-kubernetes-group-version-kind"][0].kind).toBe(
      "DeploymentList",
    );
    expect(schemas["io.k8s.apimachinery.pkg.util.intstr.IntOrString"].format).toBe("int-or-string");
  });

  it("has no document for a group-version it does not serve", () => {
    expect(catalog.hasOpenapiV3({ group: "batch", version: "v1" })).toBe(false);
  });
});

describe("conversions", () => {
  it("round-trips an autoscaling/v1 HPA through v2", () => {
    const v1: KubeObject = {
      apiVersion: "autoscaling/v1",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "web", namespace: "default" },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
        minReplicas: 2,
        maxReplicas: 5,
        targetCPUUtilizationPercentage: 70,
      },
      status: { currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 90 },
    };
    const v2 = hpaV1ToV2(v1);
    expect(v2.apiVersion).toBe("autoscaling/v2");
    expect(v2.spec).toEqual({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
        },
      ],
    });
    expect(v2.status).toEqual({
      currentReplicas: 2,
      desiredReplicas: 3,
      currentMetrics: [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: 90 } } }],
    });
    expect(hpaV2ToV1(v2)).toEqual(v1);
  });

  it("stores a v1 HPA without a target with the v2 default of 80% CPU", () => {
    const def = catalog.get("autoscaling", "v1", "horizontalpodautoscalers");
    const stored = def?.toStorage({
      apiVersion: "autoscaling/v1",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "h" },
      spec: { maxReplicas: 3, scaleTargetRef: { kind: "Deployment", name: "web" } },
    });
    expect((stored?.spec as Json).metrics[0].resource.target.averageUtilization).toBe(80);
    expect((def?.fromStorage(stored as KubeObject).spec as Json).targetCPUUtilizationPercentage).toBe(80);
  });

  it("round-trips events between core/v1 and events.k8s.io/v1", () => {
    const core: KubeObject = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: "web.1", namespace: "default" },
      involvedObject: { kind: "Pod", name: "web-1", namespace: "default" },
      reason: "Started",
      message: "Started container nginx",
      type: "Normal",
      source: { component: "kubelet", host: "node-1" },
      reportingComponent: "kubelet",
      reportingInstance: "node-1",
      firstTimestamp: "2026-11-22T10:00:00Z",
      lastTimestamp: "2026-11-22T10:01:00Z",
      count: 2,
      eventTime: "2026-11-22T10:00:00.000000Z",
      action: "Start",
    };
    const ev = coreToEventsV1(core);
    expect(ev).toMatchObject({
      apiVersion: "events.k8s.io/v1",
      regarding: core.involvedObject,
      note: "Started container nginx",
      reportingController: "kubelet",
      deprecatedSource: core.source,
      deprecatedCount: 2,
      deprecatedFirstTimestamp: core.firstTimestamp,
    });
    expect(eventsV1ToCore(ev)).toEqual(core);
  });
});
