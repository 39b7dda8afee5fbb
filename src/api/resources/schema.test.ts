// What the schemas yield: strategic-merge / SSA metadata and strict field validation.

import { describe, expect, it } from "vitest";
import type { KubeObject } from "../types.js";
import { builtinCatalog } from "./catalog.js";
import type { PatchSchema } from "./def.js";

const catalog = builtinCatalog();
function patchSchema(group: string, version: string, resource: string): PatchSchema {
  const d = catalog.get(group, version, resource);
  if (!d) throw new Error(resource);
  return d.patchSchema;
}
/** The node at a dotted path; `[]` steps into list items, `{}` into map values. */
function at(s: PatchSchema, path: string): PatchSchema {
  let cur: PatchSchema | undefined = s;
  for (const step of path.split(".")) {
    cur = step === "[]" ? cur?.items : step === "{}" ? cur?.additional : cur?.fields?.[step];
    if (!cur) throw new Error(`no ${step} in ${path}`);
  }
  return cur;
}

describe("patch schema", () => {
  const deploy = patchSchema("apps", "v1", "deployments");
  const podSpec = at(deploy, "spec.template.spec");

  it.each([
    ["containers", "merge", "name"],
    ["initContainers", "merge", "name"],
    ["containers.[].ports", "merge", "containerPort"],
    ["containers.[].env", "merge", "name"],
    ["containers.[].volumeMounts", "merge", "mountPath"],
    ["containers.[].volumeDevices", "merge", "devicePath"],
    ["volumes", "merge,retainKeys", "name"],
    ["imagePullSecrets", "merge", "name"],
    ["hostAliases", "merge", "ip"],
    ["topologySpreadConstraints", "merge", "topologyKey"],
  ])("merges pod spec %s (%s by %s)", (path, strategy, key) => {
    expect(at(podSpec, path)).toMatchObject({ patchStrategy: strategy, patchMergeKey: key, listType: "map" });
  });

  it("replaces lists without a strategy and keeps SSA list types", () => {
    expect(at(podSpec, "tolerations")).toEqual({ items: expect.any(Object), listType: "atomic" });
    expect(at(podSpec, "containers.[].args")).toEqual({ items: { scalar: "string" }, listType: "atomic" });
    expect(at(podSpec, "containers.[].envFrom").patchStrategy).toBeUndefined();
    expect(at(podSpec, "containers.[].ports").listMapKeys).toEqual(["containerPort", "protocol"]);
  });

  it("retains keys of the Deployment strategy", () => {
    expect(at(deploy, "spec.strategy").patchStrategy).toBe("retainKeys");
    expect(at(deploy, "spec.strategy.rollingUpdate.maxSurge").scalar).toBe("int-or-string");
  });

  it("describes metadata lists and maps", () => {
    expect(at(deploy, "metadata.ownerReferences")).toMatchObject({
      patchStrategy: "merge",
      patchMergeKey: "uid",
    });
    expect(at(deploy, "metadata.finalizers")).toMatchObject({ patchStrategy: "merge", listType: "set" });
    expect(at(deploy, "metadata.labels.{}").scalar).toBe("string");
    expect(at(deploy, "spec.selector").mapType).toBe("atomic");
    expect(at(deploy, "status.conditions")).toMatchObject({ patchStrategy: "merge", patchMergeKey: "type" });
  });

  it("merges service ports by port and pod status lists by their keys", () => {
    expect(at(patchSchema("", "v1", "services"), "spec.ports")).toMatchObject({
      patchMergeKey: "port",
      listMapKeys: ["port", "protocol"],
    });
    const pod = patchSchema("", "v1", "pods");
    expect(at(pod, "status.podIPs").patchMergeKey).toBe("ip");
    expect(at(pod, "status.conditions").patchMergeKey).toBe("type");
    expect(at(pod, "spec.containers.[].resources.limits.{}").scalar).toBe("quantity");
    expect(at(patchSchema("", "v1", "nodes"), "status.addresses").patchMergeKey).toBe("type");
    expect(at(patchSchema("", "v1", "serviceaccounts"), "secrets").patchMergeKey).toBe("name");
  });
});

describe("strict field validation", () => {
  it("reports unknown fields with their paths", () => {
    const d = catalog.get("apps", "v1", "deployments");
    const o: KubeObject = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", labelz: {} } as KubeObject["metadata"],
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: {
            containers: [
              { name: "a", image: "x" },
              { name: "b", imagee: "y", ports: [{ containerPort: 80, proto: "TCP" }] },
            ],
          },
        },
        extra: true,
      },
    };
    expect(d?.unknownFields(o)).toEqual([
      ".metadata.labelz",
      ".spec.template.spec.containers[1].imagee",
      ".spec.template.spec.containers[1].ports[0].proto",
      ".spec.extra",
    ]);
  });

  it("accepts every field of a realistic manifest and opaque sources as given", () => {
    const d = catalog.get("", "v1", "pods");
    const o: KubeObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: "p",
        annotations: { a: "b" },
        ownerReferences: [{ apiVersion: "v1", kind: "X", name: "x", uid: "u", controller: true }],
      },
      spec: {
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: {} } },
        containers: [
          {
            name: "c",
            image: "x",
            env: [{ name: "A", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
            livenessProbe: { httpGet: { path: "/", port: "http" }, periodSeconds: 5 },
            resources: { limits: { cpu: "500m" } },
            securityContext: { capabilities: { drop: ["ALL"] } },
            volumeMounts: [{ name: "v", mountPath: "/v" }],
          },
        ],
        volumes: [
          { name: "v", configMap: { name: "cm", items: [{ key: "k", path: "p" }] } },
          { name: "w", csi: { driver: "d", anything: 1 } },
        ],
        tolerations: [{ key: "k", operator: "Exists" }],
      },
      status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
    };
    expect(d?.unknownFields(o)).toEqual([]);
  });
});
