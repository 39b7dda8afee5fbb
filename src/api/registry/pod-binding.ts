// POST pods/NAME/binding (and the legacy POST namespaces/NS/bindings): the scheduler's bind.
// Sets spec.nodeName once, merges the Binding's annotations into the pod and marks it
// PodScheduled=True, in one write — as Kubernetes' BindingREST does (the pod's managedFields stay
// as they were); a pod already bound or being deleted is a Conflict.
import type { ApiError } from "../errors.js";
import { badRequest, conflict, invalid } from "../errors.js";
import type { KubeObject } from "../types.js";
import type { RegistryContext } from "./context.js";
import type { ResourceDef } from "./deps.js";
import { isRecord, rfc3339 } from "./object-util.js";
import type { WriteOptions } from "./options.js";
import { guaranteedUpdate } from "./update.js";

/** metav1.Status{Status: Success, Code: code}: what create-only subresources answer. */
export function successStatus(code?: number): KubeObject {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    ...(code !== undefined && { code }),
  };
}

/** Checks the Binding and answers the node it names. */
function targetNode(binding: KubeObject, name: string): string {
  if (binding.kind !== undefined && binding.kind !== "Binding") {
    throw badRequest(`the kind in the data (${binding.kind}) does not match the expected kind (Binding)`);
  }
  const bindingName = binding.metadata?.name;
  if (bindingName !== undefined && bindingName !== "" && bindingName !== name) {
    throw badRequest("name in URL does not match name in Binding object");
  }
  const target = isRecord(binding.target) ? binding.target : {};
  if (target.kind !== undefined && target.kind !== "" && target.kind !== "Node") {
    throw invalid({ group: "", kind: "binding.target.kind" }, String(target.kind), [
      { reason: "FieldValueInvalid", message: "must be empty or 'Node'", field: "target.kind" },
    ]);
  }
  if (typeof target.name !== "string" || target.name === "") {
    throw invalid({ group: "", kind: "Binding" }, name, [
      { reason: "FieldValueRequired", message: "Required value", field: "target.name" },
    ]);
  }
  return target.name;
}

/** The pod's conditions with PodScheduled=True (its transition time kept when already True). */
function scheduledConditions(status: Record<string, unknown>, now: Date): unknown[] {
  const conditions = Array.isArray(status.conditions) ? [...(status.conditions as unknown[])] : [];
  const at = conditions.findIndex((c) => isRecord(c) && c.type === "PodScheduled");
  const old = at >= 0 ? (conditions[at] as Record<string, unknown>) : undefined;
  const scheduled = {
    type: "PodScheduled",
    status: "True",
    lastTransitionTime:
      old?.status === "True" && typeof old.lastTransitionTime === "string"
        ? old.lastTransitionTime
        : rfc3339(now),
  };
  if (at >= 0) conditions[at] = scheduled;
  else conditions.push(scheduled);
  return conditions;
}

export async function bindPod(
  ctx: RegistryContext,
  def: ResourceDef,
  namespace: string | undefined,
  name: string,
  binding: KubeObject,
  o: WriteOptions,
): Promise<KubeObject> {
  const node = targetNode(binding, name);
  const bindingUid = binding.metadata?.uid;
  const annotations = binding.metadata?.annotations ?? {};
  const bindingConflict = (why: string): ApiError => conflict("", "pods/binding", name, why);
  await guaranteedUpdate(ctx, def, namespace, name, o, {}, (current) => {
    const pod = current as KubeObject;
    if (bindingUid !== undefined && bindingUid !== "" && bindingUid !== pod.metadata.uid) {
      throw conflict(
        def.group,
        def.resource,
        name,
        `Precondition failed: UID in precondition: ${bindingUid}, UID in object meta: ${pod.metadata.uid ?? ""}`,
      );
    }
    if (pod.metadata.deletionTimestamp !== undefined) {
      throw bindingConflict(`pod ${name} is being deleted, cannot be assigned to a host`);
    }
    const spec = isRecord(pod.spec) ? pod.spec : {};
    if (typeof spec.nodeName === "string" && spec.nodeName !== "") {
      throw bindingConflict(`pod ${name} is already assigned to node "${spec.nodeName}"`);
    }
    pod.spec = { ...spec, nodeName: node };
    if (Object.keys(annotations).length > 0) {
      pod.metadata.annotations = { ...pod.metadata.annotations, ...annotations };
    }
    const status = isRecord(pod.status) ? pod.status : {};
    pod.status = { ...status, conditions: scheduledConditions(status, ctx.clock()) };
    return { obj: pod, checkFields: false, withStatus: true, managedFieldsSet: true };
  });
  return successStatus(201);
}
