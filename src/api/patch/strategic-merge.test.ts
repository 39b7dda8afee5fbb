import { describe, expect, it } from "vitest";
import { deploymentSchema, everyDirectivePatch } from "./fixtures.js";
import { deployment, failure, smp } from "./smp.test-util.js";
import { applyStrategicMergePatch } from "./strategic-merge.js";

describe("applyStrategicMergePatch: what kubectl sends", () => {
  it("kubectl set image: merges the container by name and keeps its other fields", () => {
    const live = deployment([
      { name: "nginx", image: "nginx:1.26", ports: [{ containerPort: 80, protocol: "TCP" }] },
      { name: "log", image: "busybox" },
    ]);
    const out = smp(live, {
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "nginx" }, { name: "log" }],
            containers: [{ image: "nginx:1.27", name: "nginx" }],
          },
        },
      },
    });
    expect(out.spec.template.spec.containers).toEqual([
      { name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 80, protocol: "TCP" }] },
      { name: "log", image: "busybox" },
    ]);
    expect(live.spec.template.spec.containers[0]).toMatchObject({ image: "nginx:1.26" });
  });

  it("kubectl rollout restart adds a template annotation", () => {
    const out = smp(deployment([{ name: "nginx", image: "nginx" }]), {
      spec: {
        template: {
          metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "2026-11-22T02:46:16Z" } },
        },
      },
    });
    expect(out.spec.template.metadata).toEqual({
      labels: { app: "web" },
      annotations: { "kubectl.kubernetes.io/restartedAt": "2026-11-22T02:46:16Z" },
    });
  });

  it("kubectl rollout pause and resume set and delete spec.paused", () => {
    const paused = smp(deployment([]), { spec: { paused: true } });
    expect(paused.spec.paused).toBe(true);
    const resumed = smp(paused, { spec: { paused: null } });
    expect(resumed.spec).not.toHaveProperty("paused");
  });

  it("kubectl apply: image and replicas changed, env removed with null", () => {
    const live = deployment([{ name: "nginx", image: "nginx:1.25", env: [{ name: "A", value: "1" }] }]);
    const out = smp(live, {
      metadata: { annotations: { "kubectl.kubernetes.io/last-applied-configuration": '{"x":1}\n' } },
      spec: {
        replicas: 3,
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "nginx" }],
            containers: [{ env: null, image: "nginx:1.26", name: "nginx" }],
          },
        },
      },
    });
    expect((out.metadata as Record<string, unknown>).annotations).toEqual({
      "kubectl.kubernetes.io/last-applied-configuration": '{"x":1}\n',
    });
    expect(out.spec.replicas).toBe(3);
    expect(out.spec.template.spec.containers).toEqual([{ name: "nginx", image: "nginx:1.26" }]);
  });

  it("kubectl apply of an edited two-container Deployment: every directive at once (kubectl-wire §8.1)", () => {
    const live = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: {
        name: "web",
        finalizers: ["example.com/a", "example.com/b"],
        labels: { app: "web", tier: "front" },
      },
      spec: {
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
        template: {
          spec: {
            containers: [
              {
                name: "main",
                image: "nginx:1.25",
                env: [
                  { name: "A", value: "1" },
                  { name: "B", value: "2" },
                ],
                ports: [
                  { containerPort: 80, protocol: "TCP" },
                  { containerPort: 443, protocol: "TCP" },
                ],
                volumeMounts: [
                  { mountPath: "/etc/cfg", name: "cfg" },
                  { mountPath: "/tmp", name: "scratch" },
                ],
              },
              { name: "sidecar", image: "busybox" },
            ],
            volumes: [
              { name: "cfg", configMap: { name: "app-cfg" } },
              { name: "scratch", emptyDir: {} },
            ],
          },
        },
      },
    };
    const patch = everyDirectivePatch;
    const out = applyStrategicMergePatch(live, patch, deploymentSchema);
    expect(out).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: {
        name: "web",
        finalizers: ["example.com/b"],
        labels: { app: "web" },
        annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}\n" },
      },
      spec: {
        strategy: { type: "Recreate" },
        template: {
          spec: {
            containers: [
              {
                name: "main",
                image: "nginx:1.26",
                env: [
                  { name: "B", value: "2" },
                  { name: "A", value: "1" },
                  { name: "C", value: "3" },
                ],
                ports: [{ containerPort: 443, protocol: "TCP" }],
                volumeMounts: [{ mountPath: "/etc/cfg", name: "cfg" }],
              },
            ],
            volumes: [{ name: "cfg", secret: { secretName: "app-sec" } }],
          },
        },
      },
    });
  });
});

describe("applyStrategicMergePatch: maps", () => {
  it("merges maps recursively and deletes keys set to null", () => {
    const out = smp(
      { metadata: { labels: { a: "1", b: "2" } } },
      { metadata: { labels: { b: null, c: "3" } } },
    );
    expect(out.metadata.labels).toEqual({ a: "1", c: "3" });
  });

  it("ignores a null for a key that is not there", () => {
    expect(smp({ a: 1 }, { b: null })).toEqual({ a: 1 });
  });

  it("$patch: replace replaces a map wholesale", () => {
    const out = smp(
      { metadata: { labels: { a: "1", b: "2" } } },
      { metadata: { labels: { $patch: "replace", c: "3" } } },
    );
    expect(out.metadata.labels).toEqual({ c: "3" });
  });

  it("$patch: delete empties a map, $patch: merge is the default", () => {
    expect(
      smp({ spec: { selector: { matchLabels: { a: "1" } } } }, { spec: { selector: { $patch: "delete" } } })
        .spec.selector,
    ).toEqual({});
    expect(
      smp({ metadata: { labels: { a: "1" } } }, { metadata: { labels: { $patch: "merge", b: "2" } } })
        .metadata.labels,
    ).toEqual({
      a: "1",
      b: "2",
    });
  });

  it("refuses an unknown $patch directive", () => {
    const e = failure({}, { metadata: { $patch: "frob" } });
    expect(e.code).toBe(400);
    expect(e.message).toBe("unknown patch type: frob in map: map[$patch:frob]");
  });

  it("takes a value of another shape as a whole, without its nulls", () => {
    expect(smp({ a: "x" }, { a: { b: 1, c: null } })).toEqual({ a: { b: 1 } });
    expect(smp({ a: { b: 1 } }, { a: [1] })).toEqual({ a: [1] });
  });

  it("merges fields the schema does not know like a merge patch", () => {
    const out = smp({ spec: { extra: { a: 1, list: [1, 2] } } }, { spec: { extra: { b: 2, list: [3] } } });
    expect(out.spec.extra).toEqual({ a: 1, b: 2, list: [3] });
  });

  it("processes directives inside a value that is new to the object", () => {
    const out = smp(
      { spec: {} },
      {
        spec: {
          template: {
            spec: {
              "$setElementOrder/containers": [{ name: "a" }],
              containers: [{ name: "a", image: "x", env: [{ name: "E", value: null }] }],
            },
          },
        },
      },
    );
    expect(out.spec.template).toEqual({
      spec: { containers: [{ name: "a", image: "x", env: [{ name: "E" }] }] },
    });
  });
});

describe("applyStrategicMergePatch: $retainKeys", () => {
  it("switches a Deployment strategy to Recreate (the Kubernetes docs' example)", () => {
    const live = deployment([], {});
    (live.spec as Record<string, unknown>).strategy = {
      type: "RollingUpdate",
      rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" },
    };
    const out = smp(live, { spec: { strategy: { $retainKeys: ["type"], type: "Recreate" } } });
    expect(out.spec.strategy).toEqual({ type: "Recreate" });
  });

  it("refuses a patch that sets a key outside $retainKeys or a malformed list (400)", () => {
    const bad = failure(
      { spec: { strategy: {} } },
      { spec: { strategy: { $retainKeys: ["type"], rollingUpdate: { maxSurge: 1 } } } },
    );
    expect(bad.code).toBe(400);
    expect(bad.message).toBe("invalid patch format of retainKeys");
    expect(failure({ spec: { strategy: {} } }, { spec: { strategy: { $retainKeys: "type" } } }).message).toBe(
      "invalid patch format of retainKeys",
    );
  });
});

describe("applyStrategicMergePatch: input", () => {
  it("refuses a patch that is not an object", () => {
    const e = failure({}, [1]);
    expect(e.code).toBe(400);
    expect(e.message).toBe("json: cannot unmarshal array into Go value of type map[string]interface {}");
  });

  it("leaves doc and patch untouched", () => {
    const live = deployment([{ name: "a", image: "a" }]);
    const patch = {
      spec: {
        template: {
          spec: { "$setElementOrder/containers": [{ name: "a" }], containers: [{ name: "a", image: "b" }] },
        },
      },
    };
    const before = JSON.stringify([live, patch]);
    smp(live, patch);
    expect(JSON.stringify([live, patch])).toBe(before);
  });

  it("keeps a __proto__ key an ordinary key", () => {
    const out = applyStrategicMergePatch(
      { a: {} },
      JSON.parse('{"a":{"__proto__":{"x":1}}}'),
      deploymentSchema,
    ) as { a: object };
    expect(Object.getPrototypeOf(out.a)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toBe('{"a":{"__proto__":{"x":1}}}');
  });
});
