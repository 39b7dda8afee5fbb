import { describe, expect, it } from "vitest";
import { ApiError } from "../errors.js";
import type { KubeObject, ManagedFieldsEntry } from "../types.js";
import { deploymentSchema } from "./fixtures.js";
import { updateManagedFields } from "./managed-fields.js";
import { LAST_APPLIED_ANNOTATION, applyServerSideApply } from "./server-side-apply.js";

const t0 = new Date("2026-11-22T10:00:00Z");
const t1 = new Date("2026-11-22T10:05:00Z");

function manifest(
  o: { replicas?: number; image?: string; labels?: Record<string, string>; containers?: unknown[] } = {},
): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default", labels: o.labels ?? { app: "web" } },
    spec: {
      ...(o.replicas !== undefined && { replicas: o.replicas }),
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: o.containers ?? [{ name: "nginx", image: o.image ?? "nginx:1.26" }] },
      },
    },
  };
}

/** What the registry would store: the result with server-set metadata. */
function stored(obj: KubeObject): KubeObject {
  return {
    ...obj,
    metadata: { ...obj.metadata, uid: "u1", resourceVersion: "7", creationTimestamp: "2026-11-22T10:00:00Z" },
  };
}

const apply = (
  live: KubeObject | undefined,
  applied: KubeObject,
  manager = "kubectl",
  force = false,
  now = t0,
) =>
  stored(
    applyServerSideApply({
      live,
      applied,
      manager,
      force,
      schema: deploymentSchema,
      apiVersion: "apps/v1",
      now,
    }),
  );

const entries = (o: KubeObject) => o.metadata.managedFields as ManagedFieldsEntry[];
const spec = (o: KubeObject) =>
  o.spec as { replicas?: number; template: { spec: { containers: { name: string; image?: string }[] } } };

function conflict(f: () => unknown): ApiError {
  try {
    f();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error("no conflict");
}

describe("applyServerSideApply", () => {
  it("creates an object owned by the applier", () => {
    const out = apply(undefined, manifest({ replicas: 2 }));
    expect(spec(out).replicas).toBe(2);
    expect(entries(out)).toEqual([
      {
        manager: "kubectl",
        operation: "Apply",
        apiVersion: "apps/v1",
        time: "2026-11-22T10:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: {
          "f:metadata": { "f:labels": { "f:app": {} } },
          "f:spec": {
            "f:replicas": {},
            "f:selector": {},
            "f:template": {
              "f:metadata": { "f:labels": { "f:app": {} } },
              "f:spec": {
                "f:containers": { 'k:{"name":"nginx"}': { ".": {}, "f:image": {}, "f:name": {} } },
              },
            },
          },
        },
      },
    ]);
  });

  it("keeps the time when re-applying changes nothing", () => {
    const first = apply(undefined, manifest({ replicas: 2 }));
    const again = apply(first, manifest({ replicas: 2 }), "kubectl", false, t1);
    expect(again).toEqual(first);
  });

  it("removes a field the manager applied before and no longer applies", () => {
    const first = apply(undefined, manifest({ replicas: 2, labels: { app: "web", tier: "front" } }));
    const second = apply(first, manifest({ labels: { app: "web" } }), "kubectl", false, t1);
    expect(spec(second)).not.toHaveProperty("replicas");
    expect(second.metadata.labels).toEqual({ app: "web" });
    expect(entries(second)[0]?.time).toBe("2026-11-22T10:05:00Z");
  });

  it("removes a container it no longer applies, keeps one another manager added", () => {
    const two = [
      { name: "nginx", image: "nginx:1.26" },
      { name: "log", image: "busybox" },
    ];
    const first = apply(undefined, manifest({ containers: two }));
    const edited = structuredClone(first);
    spec(edited).template.spec.containers.push({ name: "debug", image: "busybox" });
    const updated = stored(
      updateManagedFields({
        old: first,
        updated: edited,
        manager: "editor",
        operation: "Update",
        schema: deploymentSchema,
        apiVersion: "apps/v1",
        now: t1,
      }),
    );
    const second = apply(updated, manifest({ containers: [two[0]] }), "kubectl", false, t1);
    expect(spec(second).template.spec.containers).toEqual([
      { name: "nginx", image: "nginx:1.26" },
      { name: "debug", image: "busybox" },
    ]);
  });

  it("keeps fields set by server defaulting that no manager owns", () => {
    const first = apply(undefined, manifest({ replicas: 2 }));
    const defaulted = structuredClone(first);
    (defaulted.spec as Record<string, unknown>).revisionHistoryLimit = 10;
    const second = apply(defaulted, manifest({ replicas: 3 }));
    expect(defaulted.spec).toMatchObject({ revisionHistoryLimit: 10 });
    expect(second.spec).toMatchObject({ replicas: 3, revisionHistoryLimit: 10 });
  });

  it("reports a change of a field another manager owns as 409 with Kubernetes' words", () => {
    const created = stored(
      updateManagedFields({
        old: undefined,
        updated: manifest({ replicas: 1 }),
        manager: "kubectl-client-side-apply",
        operation: "Update",
        schema: deploymentSchema,
        apiVersion: "apps/v1",
        now: t0,
      }),
    );
    const e = conflict(() => apply(created, manifest({ replicas: 3 }), "other"));
    expect(e.code).toBe(409);
    expect(e.reason).toBe("Conflict");
    expect(e.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    );
    expect(e.details?.causes).toEqual([
      {
        reason: "FieldManagerConflict",
        message: 'conflict with "kubectl-client-side-apply" using apps/v1',
        field: ".spec.replicas",
      },
    ]);
  });

  it("lists several conflicts grouped by manager", () => {
    const byA = apply(undefined, manifest({ replicas: 1 }), "a");
    const e = conflict(() => apply(byA, manifest({ replicas: 2, image: "nginx:1.27" }), "b"));
    expect(e.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "a":\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image',
    );
    expect(e.details?.causes?.map((c) => c.field)).toEqual([
      ".spec.replicas",
      '.spec.template.spec.containers[name="nginx"].image',
    ]);
  });

  it("takes the fields over when forced", () => {
    const byA = apply(undefined, manifest({ replicas: 1 }), "a");
    const out = apply(byA, manifest({ replicas: 2 }), "b", true, t1);
    expect(spec(out).replicas).toBe(2);
    const [a, b] = entries(out);
    expect(a?.manager).toBe("a");
    expect(JSON.stringify(a?.fieldsV1)).not.toContain("f:replicas");
    expect(b?.manager).toBe("b");
    expect(JSON.stringify(b?.fieldsV1)).toContain("f:replicas");
  });

  it("shares a field two managers apply with the same value", () => {
    const byA = apply(undefined, manifest({ replicas: 2 }), "a");
    const both = apply(byA, manifest({ replicas: 2 }), "b", false, t1);
    expect(entries(both).map((e) => JSON.stringify(e.fieldsV1).includes("f:replicas"))).toEqual([true, true]);
    // A gives it up: B still owns it, so it stays.
    const aLeaves = apply(both, manifest({}), "a", false, t1);
    expect(spec(aLeaves).replicas).toBe(2);
  });

  it("gives fields set before the first apply to before-first-apply", () => {
    const untracked = stored(manifest({ replicas: 1 }));
    const e = conflict(() => apply(untracked, manifest({ replicas: 5 }), "mine"));
    expect(e.message).toBe(
      'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas',
    );
    const same = apply(untracked, manifest({ replicas: 1 }), "mine");
    expect(entries(same).map((x) => `${x.manager}/${x.operation}`)).toEqual([
      "mine/Apply",
      "before-first-apply/Update",
    ]);
  });

  it("lets kubectl take over what its client-side apply set (last-applied annotation), and keeps that annotation current", () => {
    const csaManifest = manifest({ replicas: 1 });
    const lastApplied = `${JSON.stringify(csaManifest)}\n`;
    const body = structuredClone(csaManifest);
    body.metadata.annotations = { [LAST_APPLIED_ANNOTATION]: lastApplied };
    const created = stored(
      updateManagedFields({
        old: undefined,
        updated: body,
        manager: "kubectl-client-side-apply",
        operation: "Update",
        schema: deploymentSchema,
        apiVersion: "apps/v1",
        now: t0,
      }),
    );
    const out = apply(created, manifest({ replicas: 3 }), "kubectl", false, t1);
    expect(spec(out).replicas).toBe(3);
    const annotation = out.metadata.annotations?.[LAST_APPLIED_ANNOTATION] ?? "";
    expect(JSON.parse(annotation)).toEqual(manifest({ replicas: 3 }));
    expect(annotation.endsWith("}\n")).toBe(true);
    expect(annotation.startsWith('{"apiVersion":"apps/v1","kind":"Deployment","metadata":')).toBe(true);
    // Another manager gets no such allowance.
    expect(conflict(() => apply(created, manifest({ replicas: 3 }), "other")).code).toBe(409);
  });

  it("still reports conflicts on fields changed since the last client-side apply", () => {
    const body = manifest({ replicas: 1 });
    body.metadata.annotations = {
      [LAST_APPLIED_ANNOTATION]: `${JSON.stringify(manifest({ replicas: 1 }))}\n`,
    };
    const created = stored(
      updateManagedFields({
        old: undefined,
        updated: body,
        manager: "kubectl-client-side-apply",
        operation: "Update",
        schema: deploymentSchema,
        apiVersion: "apps/v1",
        now: t0,
      }),
    );
    const scaled = structuredClone(created);
    (scaled.spec as { replicas: number }).replicas = 4;
    const afterScale = stored(
      updateManagedFields({
        old: created,
        updated: scaled,
        manager: "kubectl-scale",
        operation: "Update",
        schema: deploymentSchema,
        apiVersion: "apps/v1",
        now: t1,
      }),
    );
    const e = conflict(() => apply(afterScale, manifest({ replicas: 3 }), "kubectl", false, t1));
    expect(e.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas',
    );
  });

  it("merges map lists by key: applied order, live-only items kept in place", () => {
    const live = apply(
      undefined,
      manifest({
        containers: [
          { name: "a", image: "a" },
          { name: "b", image: "b" },
        ],
      }),
      "one",
    );
    const out = apply(
      live,
      manifest({
        containers: [
          { name: "c", image: "c" },
          { name: "a", image: "a2" },
        ],
      }),
      "two",
      true,
    );
    expect(spec(out).template.spec.containers.map((c) => `${c.name}:${c.image}`)).toEqual([
      "c:c",
      "a:a2",
      "b:b",
    ]);
  });

  it("refuses managedFields in the configuration and a configuration in another version", () => {
    const withMf = manifest();
    withMf.metadata.managedFields = [];
    expect(conflict(() => apply(undefined, withMf)).message).toBe("metadata.managedFields must be nil");
    const v1beta1 = { ...manifest(), apiVersion: "apps/v1beta1" };
    const e = conflict(() => apply(undefined, v1beta1));
    expect(e.code).toBe(400);
    expect(e.message).toBe(
      "Incorrect version specified in apply patch. Specified patch version: apps/v1beta1, expected: apps/v1",
    );
  });

  it("does not own status on the main resource", () => {
    const withStatus = { ...manifest({ replicas: 1 }), status: { replicas: 9 } };
    const out = apply(undefined, withStatus);
    expect(JSON.stringify(entries(out)[0]?.fieldsV1)).not.toContain("f:status");
  });

  it("deletes a field applied as null", () => {
    const first = apply(undefined, manifest({ replicas: 2 }), "a");
    const cfg = manifest();
    (cfg.spec as Record<string, unknown>).replicas = null;
    const out = apply(first, cfg, "a", true);
    expect(spec(out)).not.toHaveProperty("replicas");
  });

  it("refuses a configuration whose keyed lists have duplicate or missing keys, in structured-merge-diff's words", () => {
    const dup = manifest({
      containers: [
        {
          name: "a",
          env: [
            { name: "X", value: "1" },
            { name: "X", value: "2" },
          ],
        },
      ],
    });
    const e = conflict(() => apply(undefined, dup));
    expect(e.code).toBe(500);
    expect(e.message).toBe(
      'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers[name="a"].env: duplicate entries for key [name="X"]',
    );
    const both = manifest({ containers: [{ name: "a" }, { name: "a" }] });
    (spec(both).template.spec as Record<string, unknown>).volumes = [{ configMap: { name: "c" } }];
    expect(conflict(() => apply(undefined, both)).message).toBe(
      [
        "failed to create typed patch object (default/web; apps/v1, Kind=Deployment): errors:",
        '  .spec.template.spec.containers: duplicate entries for key [name="a"]',
        '  .spec.template.spec.volumes: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
      ].join("\n"),
    );
  });
});
