// POST pods/NAME/eviction (a policy/v1 Eviction; `kubectl drain` sends them): marks the pod
// DisruptionTarget=True (reason EvictionByEvictionAPI) and deletes it with the Eviction's
// deleteOptions, as Kubernetes' EvictionREST does. PodDisruptionBudgets are not served, so no
// eviction is ever refused with 429 for one.
import { badRequest, conflict } from "../errors.js";
import type { KubeObject } from "../types.js";
import type { RegistryContext } from "./context.js";
import { deleteObject } from "./delete.js";
import type { ResourceDef } from "./deps.js";
import { isRecord, rfc3339 } from "./object-util.js";
import type { DeleteOptions, WriteOptions } from "./options.js";
import { successStatus } from "./pod-binding.js";
import { guaranteedUpdate } from "./update.js";

const EVICTION_VERSIONS = new Set(["policy/v1", "policy/v1beta1"]);
const POLICIES = new Set(["Background", "Foreground", "Orphan"]);

/** The DeleteOptions inside an Eviction. */
export function evictionDeleteOptions(eviction: KubeObject): DeleteOptions & { dryRun: boolean } {
  const d = isRecord(eviction.deleteOptions) ? eviction.deleteOptions : {};
  const o: DeleteOptions & { dryRun: boolean } = {
    dryRun: Array.isArray(d.dryRun) && d.dryRun.includes("All"),
  };
  if (typeof d.gracePeriodSeconds === "number") o.gracePeriodSeconds = d.gracePeriodSeconds;
  if (typeof d.propagationPolicy === "string") {
    if (!POLICIES.has(d.propagationPolicy)) {
      throw badRequest(`propagationPolicy: Unsupported value: "${d.propagationPolicy}"`);
    }
    o.propagationPolicy = d.propagationPolicy as DeleteOptions["propagationPolicy"];
  } else if (d.orphanDependents === true) o.propagationPolicy = "Orphan";
  if (isRecord(d.preconditions)) {
    const p = d.preconditions;
    o.preconditions = {
      ...(typeof p.uid === "string" && { uid: p.uid }),
      ...(typeof p.resourceVersion === "string" && { resourceVersion: p.resourceVersion }),
    };
  }
  return o;
}

export async function evictPod(
  ctx: RegistryContext,
  def: ResourceDef,
  namespace: string | undefined,
  name: string,
  eviction: KubeObject,
  o: WriteOptions,
): Promise<KubeObject> {
  if (eviction.apiVersion !== undefined && !EVICTION_VERSIONS.has(eviction.apiVersion)) {
    throw badRequest(
      `the API version in the data (${eviction.apiVersion}) does not match the expected API version (policy/v1)`,
    );
  }
  if (eviction.kind !== undefined && eviction.kind !== "Eviction") {
    throw badRequest(`the kind in the data (${eviction.kind}) does not match the expected kind (Eviction)`);
  }
  const evictionName = eviction.metadata?.name;
  if (evictionName !== undefined && evictionName !== "" && evictionName !== name) {
    throw badRequest("name in URL does not match name in Eviction object");
  }
  const { dryRun, ...deleteOptions } = evictionDeleteOptions(eviction);
  const write = { ...o, dryRun: o.dryRun || dryRun };
  if (!write.dryRun) await markDisruptionTarget(ctx, def, namespace, name, write, deleteOptions);
  await deleteObject(ctx, def, namespace, name, { ...write, ...deleteOptions });
  return successStatus();
}

/** k8s addConditionAndDeletePod's status write: the DisruptionTarget condition, preconditions checked. */
async function markDisruptionTarget(
  ctx: RegistryContext,
  def: ResourceDef,
  namespace: string | undefined,
  name: string,
  o: WriteOptions,
  d: DeleteOptions,
): Promise<void> {
  await guaranteedUpdate(ctx, def, namespace, name, o, { subresource: "status" }, (current) => {
    const pod = current as KubeObject;
    const p = d.preconditions;
    if (p?.uid && p.uid !== pod.metadata.uid) {
      throw conflict(
        def.group,
        def.resource,
        name,
        `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${pod.metadata.uid ?? ""}`,
      );
    }
    if (p?.resourceVersion && p.resourceVersion !== pod.metadata.resourceVersion) {
      throw conflict(
        def.group,
        def.resource,
        name,
        `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${pod.metadata.resourceVersion ?? ""}`,
      );
    }
    const status = isRecord(pod.status) ? pod.status : {};
    const conditions = Array.isArray(status.conditions) ? (status.conditions as unknown[]) : [];
    const old = conditions.find((c) => isRecord(c) && c.type === "DisruptionTarget");
    const condition = {
      type: "DisruptionTarget",
      status: "True",
      reason: "EvictionByEvictionAPI",
      message: "Eviction API: evicting",
      lastTransitionTime:
        isRecord(old) && old.status === "True" && typeof old.lastTransitionTime === "string"
          ? old.lastTransitionTime
          : rfc3339(ctx.clock()),
    };
    const others = conditions.filter((c) => c !== old);
    return { obj: { ...pod, status: { ...status, conditions: [...others, condition] } }, checkFields: false };
  });
}
