// The /scale subresource: an autoscaling/v1 Scale read from and written to the object's
// replicas through def.subresources.scale.
import { ApiError, badRequest, invalid } from "../errors.js";
import type { KubeObject } from "../types.js";
import type { RegistryContext } from "./context.js";
import type { ResourceDef, ScaleSubresource } from "./deps.js";
import { clone, getPath, isRecord, setPath } from "./object-util.js";
import type { PatchType, WriteOptions } from "./options.js";
import { applyPatchTo } from "./patch.js";
import { labelSelectorToString } from "./selectors.js";
import { guaranteedUpdate, type Produced } from "./update.js";

/** What Kubernetes answers for a subresource the kind does not have. */
export function noSubresource(): ApiError {
  return new ApiError("NotFound", "the server could not find the requested resource");
}

export function scaleSpec(def: ResourceDef): ScaleSubresource {
  const scale = def.subresources.scale;
  if (!scale) throw noSubresource();
  return scale;
}

/** The Scale view of an object. */
export function scaleOf(def: ResourceDef, obj: KubeObject): KubeObject {
  const spec = scaleSpec(def);
  const m = obj.metadata;
  const replicas = getPath(obj, spec.specReplicasPath);
  const statusReplicas = getPath(obj, spec.statusReplicasPath);
  const rawSelector = spec.labelSelectorPath === undefined ? undefined : getPath(obj, spec.labelSelectorPath);
  const selector =
    typeof rawSelector === "string"
      ? rawSelector
      : isRecord(rawSelector)
        ? labelSelectorToString(rawSelector)
        : undefined;
  return {
    apiVersion: "autoscaling/v1",
    kind: "Scale",
    metadata: {
      name: m.name,
      ...(m.namespace !== undefined && { namespace: m.namespace }),
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: typeof replicas === "number" ? replicas : 0 },
    status: {
      replicas: typeof statusReplicas === "number" ? statusReplicas : 0,
      ...(selector !== undefined && selector !== "" && { selector }),
    },
  };
}

function desiredReplicas(scale: KubeObject, name: string): number {
  const replicas = isRecord(scale.spec) ? scale.spec.replicas : undefined;
  if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
    const shown = replicas === undefined ? "null" : JSON.stringify(replicas);
    throw invalid({ group: "autoscaling", kind: "Scale" }, name, [
      {
        reason: "FieldValueInvalid",
        message: `Invalid value: ${shown}: must be greater than or equal to 0`,
        field: "spec.replicas",
      },
    ]);
  }
  return replicas;
}

/** The object with the Scale's replicas, carrying the Scale's resourceVersion as precondition. */
function applyScale(def: ResourceDef, current: KubeObject, scale: KubeObject, name: string): Produced {
  if (scale.metadata?.name !== undefined && scale.metadata.name !== "" && scale.metadata.name !== name) {
    throw badRequest(
      `the name of the object (${scale.metadata.name}) does not match the name on the URL (${name})`,
    );
  }
  const obj = clone(current);
  setPath(obj, scaleSpec(def).specReplicasPath, desiredReplicas(scale, name));
  const rv = scale.metadata?.resourceVersion;
  if (rv !== undefined && rv !== "") obj.metadata.resourceVersion = rv;
  return { obj, checkFields: false };
}

export async function updateScale(
  ctx: RegistryContext,
  def: ResourceDef,
  namespace: string | undefined,
  name: string,
  scale: KubeObject,
  o: WriteOptions,
): Promise<KubeObject> {
  scaleSpec(def);
  const result = await guaranteedUpdate(ctx, def, namespace, name, o, { subresource: "scale" }, (current) =>
    applyScale(def, current as KubeObject, scale, name),
  );
  return scaleOf(def, result);
}

export async function patchScale(
  ctx: RegistryContext,
  def: ResourceDef,
  namespace: string | undefined,
  name: string,
  type: PatchType,
  patch: unknown,
  o: WriteOptions,
): Promise<KubeObject> {
  scaleSpec(def);
  if (type === "apply")
    throw new ApiError("UnsupportedMediaType", "server-side apply is not supported on the scale subresource");
  const result = await guaranteedUpdate(ctx, def, namespace, name, o, { subresource: "scale" }, (current) => {
    const cur = current as KubeObject;
    const patched = applyPatchTo(ctx, scaleOf(def, cur), type, patch, {});
    return applyScale(def, cur, patched, name);
  });
  return scaleOf(def, result);
}
