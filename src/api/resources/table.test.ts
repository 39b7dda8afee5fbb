// Table rows as the real server's printers produce them (what `kubectl get` shows).

import { describe, expect, it } from "vitest";
import type { KubeObject } from "../types.js";
import { builtinCatalog } from "./catalog.js";

const catalog = builtinCatalog();
const now = new Date("2026-11-22T10:00:00Z");
const created = "2026-11-22T09:54:57Z"; // 5m3s before now

function table(group: string, version: string, resource: string) {
  const d = catalog.get(group, version, resource);
  if (!d) throw new Error(resource);
  return {
    names: d.table.columns.map((c) => `${c.name}${c.priority ? "*" : ""}`),
    row: (o: KubeObject) => d.table.cells(o, now),
  };
}
const meta = (name: string, extra: Partial<KubeObject["metadata"]> = {}) => ({
  name,
  namespace: "default",
  creationTimestamp: created,
  ...extra,
});

describe("tables", () => {
  it("prints pods with READY, STATUS, RESTARTS and the wide columns", () => {
    const t = table("", "v1", "pods");
    expect(t.names).toEqual([
      "Name",
      "Ready",
      "Status",
      "Restarts",
      "Age",
      "IP*",
      "Node*",
      "Nominated Node*",
      "Readiness Gates*",
    ]);
    const pod: KubeObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: meta("web-1"),
      spec: { nodeName: "node-1", containers: [{ name: "a" }, { name: "b" }] },
      status: {
        phase: "Running",
        podIP: "10.244.0.9",
        containerStatuses: [
          { name: "a", ready: true, restartCount: 0, state: { running: {} } },
          {
            name: "b",
            ready: false,
            restartCount: 3,
            state: { waiting: { reason: "CrashLoopBackOff" } },
            lastState: { terminated: { exitCode: 1, finishedAt: "2026-11-22T09:58:00Z" } },
          },
        ],
      },
    };
    expect(t.row(pod)).toEqual([
      "web-1",
      "1/2",
      "CrashLoopBackOff",
      "3 (2m ago)",
      "5m3s",
      "10.244.0.9",
      "node-1",
      "<none>",
      "<none>",
    ]);
  });

  it("prints a new pod as Pending and a deleted one as Terminating", () => {
    const t = table("", "v1", "pods");
    const pod: KubeObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: meta("p"),
      spec: { containers: [{ name: "a" }] },
      status: { phase: "Pending" },
    };
    expect(t.row(pod).slice(1, 4)).toEqual(["0/1", "Pending", "0"]);
    pod.metadata.deletionTimestamp = created;
    expect(t.row(pod)[2]).toBe("Terminating");
    const init: KubeObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: meta("i"),
      spec: { initContainers: [{ name: "i1" }, { name: "i2" }], containers: [{ name: "a" }] },
      status: {
        phase: "Pending",
        initContainerStatuses: [
          { name: "i1", state: { terminated: { exitCode: 0 } } },
          { name: "i2", state: { running: {} } },
        ],
      },
    };
    expect(t.row(init)[2]).toBe("Init:1/2");
  });

  it("prints deployments as NAME READY UP-TO-DATE AVAILABLE AGE", () => {
    const t = table("apps", "v1", "deployments");
    expect(t.names).toEqual([
      "Name",
      "Ready",
      "Up-to-date",
      "Available",
      "Age",
      "Containers*",
      "Images*",
      "Selector*",
    ]);
    const d: KubeObject = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta("web"),
      spec: {
        replicas: 3,
        selector: {
          matchLabels: { app: "web" },
          matchExpressions: [{ key: "tier", operator: "In", values: ["b", "a"] }],
        },
        template: {
          spec: {
            containers: [
              { name: "nginx", image: "nginx:1.25" },
              { name: "side", image: "busybox" },
            ],
          },
        },
      },
      status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    };
    expect(t.row(d)).toEqual([
      "web",
      "2/3",
      3,
      2,
      "5m3s",
      "nginx,side",
      "nginx:1.25,busybox",
      "app=web,tier in (a,b)",
    ]);
  });

  it("prints services with cluster IP, external IP and ports", () => {
    const t = table("", "v1", "services");
    expect(t.names).toEqual(["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector*"]);
    const svc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject => ({
      apiVersion: "v1",
      kind: "Service",
      metadata: meta("web"),
      spec,
      status,
    });
    expect(
      t.row(
        svc({
          type: "ClusterIP",
          clusterIP: "10.96.0.10",
          ports: [{ port: 80, protocol: "TCP" }],
          selector: { app: "web" },
        }),
      ),
    ).toEqual(["web", "ClusterIP", "10.96.0.10", "<none>", "80/TCP", "5m3s", "app=web"]);
    expect(
      t
        .row(
          svc({
            type: "LoadBalancer",
            clusterIP: "10.96.0.11",
            ports: [{ port: 80, nodePort: 30080, protocol: "TCP" }],
          }),
        )
        .slice(3, 5),
    ).toEqual(["<pending>", "80:30080/TCP"]);
  });

  it("prints configmaps, secrets and namespaces", () => {
    expect(
      table("", "v1", "configmaps").row({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: meta("c"),
        data: { a: "1" },
        binaryData: { b: "" },
      }),
    ).toEqual(["c", 2, "5m3s"]);
    const secrets = table("", "v1", "secrets");
    expect(secrets.names).toEqual(["Name", "Type", "Data", "Age"]);
    expect(
      secrets.row({
        apiVersion: "v1",
        kind: "Secret",
        metadata: meta("s"),
        type: "Opaque",
        data: { a: "", b: "" },
      }),
    ).toEqual(["s", "Opaque", 2, "5m3s"]);
    expect(
      table("", "v1", "namespaces").row({
        apiVersion: "v1",
        kind: "Namespace",
        metadata: meta("ns"),
        status: { phase: "Active" },
      }),
    ).toEqual(["ns", "Active", "5m3s"]);
  });

  it("prints nodes with status, roles, age and version", () => {
    const t = table("", "v1", "nodes");
    expect(t.names.slice(0, 5)).toEqual(["Name", "Status", "Roles", "Age", "Version"]);
    const node: KubeObject = {
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name: "n1",
        creationTimestamp: created,
        labels: { "node-role.kubernetes.io/control-plane": "" },
      },
      spec: { unschedulable: true },
      status: {
        conditions: [{ type: "Ready", status: "True" }],
        addresses: [{ type: "InternalIP", address: "10.0.0.10" }],
        nodeInfo: {
          kubeletVersion: "v1.32.0",
          osImage: "Debian GNU/Linux 13",
          kernelVersion: "6.1.0",
          containerRuntimeVersion: "skiff://0.1.0",
        },
      },
    };
    expect(t.row(node)).toEqual([
      "n1",
      "Ready,SchedulingDisabled",
      "control-plane",
      "5m3s",
      "v1.32.0",
      "10.0.0.10",
      "<none>",
      "Debian GNU/Linux 13",
      "6.1.0",
      "skiff://0.1.0",
    ]);
  });

  it("prints HPAs with reference and targets (v1 and v2 alike)", () => {
    const v2: KubeObject = {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: meta("web"),
      spec: {
        scaleTargetRef: { kind: "Deployment", name: "web" },
        minReplicas: 2,
        maxReplicas: 5,
        metrics: [
          {
            type: "Resource",
            resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } },
          },
        ],
      },
      status: {
        currentReplicas: 2,
        currentMetrics: [
          { type: "Resource", resource: { name: "cpu", current: { averageUtilization: 12 } } },
        ],
      },
    };
    const t = table("autoscaling", "v2", "horizontalpodautoscalers");
    expect(t.names).toEqual(["Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age"]);
    expect(t.row(v2)).toEqual(["web", "Deployment/web", "cpu: 12%/80%", "2", 5, 2, "5m3s"]);
    const v1: KubeObject = {
      apiVersion: "autoscaling/v1",
      kind: "HorizontalPodAutoscaler",
      metadata: meta("web"),
      spec: {
        scaleTargetRef: { kind: "Deployment", name: "web" },
        maxReplicas: 5,
        targetCPUUtilizationPercentage: 80,
      },
    };
    expect(table("autoscaling", "v1", "horizontalpodautoscalers").row(v1)).toEqual([
      "web",
      "Deployment/web",
      "cpu: <unknown>/80%",
      "<unset>",
      5,
      0,
      "5m3s",
    ]);
  });

  it("prints events without a leading name column", () => {
    const t = table("", "v1", "events");
    expect(t.names).toEqual([
      "Last Seen",
      "Type",
      "Reason",
      "Object",
      "Subobject*",
      "Source*",
      "Message",
      "First Seen*",
      "Count*",
      "Name*",
    ]);
    const e: KubeObject = {
      apiVersion: "v1",
      kind: "Event",
      metadata: meta("web.1"),
      involvedObject: { kind: "Pod", name: "web-1" },
      reason: "Pulled",
      message: "Container image pulled",
      type: "Normal",
      source: { component: "kubelet", host: "node-1" },
      firstTimestamp: created,
      lastTimestamp: "2026-11-22T09:59:30Z",
      count: 2,
    };
    expect(t.row(e)).toEqual([
      "30s",
      "Normal",
      "Pulled",
      "pod/web-1",
      "",
      "kubelet, node-1",
      "Container image pulled",
      "5m3s",
      2,
      "web.1",
    ]);
  });

  it("prints roles with their creation time and bindings with their role", () => {
    expect(
      table("rbac.authorization.k8s.io", "v1", "roles").row({
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: meta("r"),
      }),
    ).toEqual(["r", created]);
    const rb = table("rbac.authorization.k8s.io", "v1", "rolebindings");
    expect(
      rb.row({
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: meta("b"),
        roleRef: { kind: "ClusterRole", name: "view" },
        subjects: [
          { kind: "User", name: "alice" },
          { kind: "ServiceAccount", name: "sa", namespace: "default" },
        ],
      }),
    ).toEqual(["b", "ClusterRole/view", "5m3s", "alice", "", "default/sa"]);
  });

  it("prints endpoints, leases and ingresses", () => {
    const ep: KubeObject = {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: meta("web"),
      subsets: [
        { addresses: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }], ports: [{ port: 80 }, { port: 443 }] },
      ],
    };
    expect(table("", "v1", "endpoints").row(ep)).toEqual([
      "web",
      "10.0.0.1:80,10.0.0.1:443,10.0.0.2:80 + 1 more...",
      "5m3s",
    ]);
    expect(
      table("coordination.k8s.io", "v1", "leases").row({
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: meta("n1"),
        spec: { holderIdentity: "n1" },
      }),
    ).toEqual(["n1", "n1", "5m3s"]);
    const ing: KubeObject = {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: meta("web"),
      spec: {
        ingressClassName: "skiff",
        rules: [{ host: "a.example.com" }, {}],
        tls: [{ hosts: ["a.example.com"] }],
      },
    };
    expect(table("networking.k8s.io", "v1", "ingresses").row(ing)).toEqual([
      "web",
      "skiff",
      "a.example.com,*",
      "",
      "80, 443",
      "5m3s",
    ]);
  });
});
