// Whole kubectl flows over the patch functions with the Deployment that resources/ serves
// (its schema and defaulting), as the registry chains them: kubectl-wire §9.1, §9.2, §9.7, §9.11.

import { describe, expect, it } from "vitest";
import { ApiError } from "../errors.js";
import { deploymentDef } from "../resources/apps-deployment.js";
import type { KubeObject, ManagedFieldsEntry } from "../types.js";
import { applyJsonPatch } from "./json-patch.js";
import { updateManagedFields } from "./managed-fields.js";
import { LAST_APPLIED_ANNOTATION, applyServerSideApply } from "./server-side-apply.js";
import { applyStrategicMergePatch } from "./strategic-merge.js";

const schema = deploymentDef.patchSchema;
let clock = Date.parse("2026-11-22T10:00:00Z");
const now = () => new Date((clock += 60_000));
let rv = 1;

/** What the registry does after a patch produced `next`: defaults, server metadata, managedFields (Update). */
function store(old: KubeObject | undefined, next: KubeObject, manager: string | undefined): KubeObject {
  const obj = structuredClone(next);
  deploymentDef.setDefaults(obj);
  obj.metadata = {
    ...obj.metadata,
    uid: "uid-1",
    creationTimestamp: "2026-11-22T10:00:00Z",
    resourceVersion: String(++rv),
  };
  if (manager === undefined) return obj;
  return updateManagedFields({
    old,
    updated: obj,
    manager,
    operation: "Update",
    schema,
    apiVersion: "apps/v1",
    now: now(),
  });
}

function applied(
  live: KubeObject | undefined,
  config: KubeObject,
  manager: string,
  force = false,
): KubeObject {
  const out = applyServerSideApply({
    live,
    applied: config,
    manager,
    force,
    schema,
    apiVersion: "apps/v1",
    now: now(),
  });
  deploymentDef.setDefaults(out);
  out.metadata = {
    ...out.metadata,
    uid: "uid-1",
    creationTimestamp: "2026-11-22T10:00:00Z",
    resourceVersion: String(++rv),
  };
  return out;
}

function manifest(image: string, replicas = 2): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default", labels: { app: "web" } },
    spec: {
      replicas,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "nginx", image, ports: [{ containerPort: 80 }] }] },
      },
    },
  };
}

/** What kubectl apply (client-side) sends on create: the manifest plus its last-applied annotation. */
function csaCreateBody(m: KubeObject): KubeObject {
  const withAnnotations = structuredClone(m);
  withAnnotations.metadata.annotations = {};
  const body = structuredClone(m);
  body.metadata.annotations = { [LAST_APPLIED_ANNOTATION]: `${JSON.stringify(withAnnotations)}\n` };
  return body;
}

const managers = (o: KubeObject) =>
  (o.metadata.managedFields as ManagedFieldsEntry[]).map((e) => `${e.manager}/${e.operation}`);
const image = (o: KubeObject) =>
  (o.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]?.image;

describe("kubectl flows over the patch functions", () => {
  it("client-side apply, set image, rollout restart, then apply --server-side taking the object over", () => {
    const created = store(undefined, csaCreateBody(manifest("nginx:1.26")), "kubectl-client-side-apply");
    expect(managers(created)).toEqual(["kubectl-client-side-apply/Update"]);

    const setImage = store(
      created,
      applyStrategicMergePatch(
        created,
        {
          spec: {
            template: {
              spec: {
                "$setElementOrder/containers": [{ name: "nginx" }],
                containers: [{ image: "nginx:1.27", name: "nginx" }],
              },
            },
          },
        },
        schema,
      ) as KubeObject,
      "kubectl-set",
    );
    expect(image(setImage)).toBe("nginx:1.27");
    expect(managers(setImage)).toEqual(["kubectl-client-side-apply/Update", "kubectl-set/Update"]);

    const restarted = store(
      setImage,
      applyStrategicMergePatch(
        setImage,
        {
          spec: {
            template: {
              metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "2026-11-22T10:10:00Z" } },
            },
          },
        },
        schema,
      ) as KubeObject,
      "kubectl-rollout",
    );
    expect(managers(restarted)).toEqual([
      "kubectl-client-side-apply/Update",
      "kubectl-set/Update",
      "kubectl-rollout/Update",
    ]);

    // kubectl-set owns the image now and the last-applied annotation says nginx:1.26: a conflict.
    const e = (() => {
      try {
        applied(restarted, manifest("nginx:1.28"), "kubectl");
      } catch (x) {
        return x;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-set" using apps/v1: .spec.template.spec.containers[name="nginx"].image',
    );

    // --force-conflicts takes it; replicas (client-side applied, unchanged) is simply shared.
    const forced = applied(restarted, manifest("nginx:1.28"), "kubectl", true);
    expect(image(forced)).toBe("nginx:1.28");
    expect(managers(forced)).toContain("kubectl/Apply");
    expect(managers(forced)).not.toContain("kubectl-set/Update");
    // The client-side annotation follows what was applied, so a later client-side apply diffs right.
    expect(JSON.parse(forced.metadata.annotations?.[LAST_APPLIED_ANNOTATION] ?? "{}")).toMatchObject({
      spec: { replicas: 2 },
    });
    // The rollout annotation another manager set survives the apply.
    expect(
      (forced.spec as { template: { metadata: { annotations?: object } } }).template.metadata.annotations,
    ).toEqual({
      "kubectl.kubernetes.io/restartedAt": "2026-11-22T10:10:00Z",
    });
  });

  it("apply --server-side on a client-side applied object changes what it last applied without conflicts", () => {
    const created = store(undefined, csaCreateBody(manifest("nginx:1.26")), "kubectl-client-side-apply");
    const out = applied(created, manifest("nginx:1.27", 3), "kubectl");
    expect(image(out)).toBe("nginx:1.27");
    expect((out.spec as { replicas: number }).replicas).toBe(3);
    // kubectl's second request (§9.2 step 3) re-applies just the annotation as kubectl-last-applied.
    const annotation = out.metadata.annotations?.[LAST_APPLIED_ANNOTATION] ?? "";
    const second = applied(
      out,
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: {
          name: "web",
          namespace: "default",
          annotations: { [LAST_APPLIED_ANNOTATION]: annotation },
        },
      },
      "kubectl-last-applied",
    );
    expect(second.metadata.annotations?.[LAST_APPLIED_ANNOTATION]).toBe(annotation);
    expect(image(second)).toBe("nginx:1.27");
  });

  it("kubectl's managedFields migration (JSON patch with a resourceVersion test) is kept, then apply prunes what it dropped", () => {
    const created = store(undefined, csaCreateBody(manifest("nginx:1.26")), "kubectl-client-side-apply");
    const csa = (created.metadata.managedFields as ManagedFieldsEntry[])[0] as ManagedFieldsEntry;
    const migrated = store(
      created,
      applyJsonPatch(created, [
        { op: "test", path: "/metadata/resourceVersion", value: created.metadata.resourceVersion },
        {
          op: "replace",
          path: "/metadata/managedFields",
          value: [{ ...csa, manager: "kubectl", operation: "Apply" }],
        },
      ]) as KubeObject,
      "kubectl",
    );
    expect(managers(migrated)).toEqual(["kubectl/Apply"]);
    const withoutLabel = manifest("nginx:1.26");
    withoutLabel.metadata.labels = {};
    const out = applied(migrated, withoutLabel, "kubectl");
    expect(out.metadata.labels).toEqual({});
    expect(image(out)).toBe("nginx:1.26");
  });
});
