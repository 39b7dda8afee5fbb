// patch: apply the patch to the current object (by type), then the common update path; a patch
// without a resourceVersion is re-applied to the fresh object after a concurrent write.
import { ApiError, badRequest } from "../errors.js";
import type { KubeObject } from "../types.js";
import type { RegistryContext } from "./context.js";
import type { PatchOps, PatchSchema, ResourceDef } from "./deps.js";
import { defApiVersion, isRecord } from "./object-util.js";
import type { PatchType, Subresource, WriteOptions } from "./options.js";
import type { Produced } from "./update.js";

function patchOps(ctx: RegistryContext): PatchOps {
  if (!ctx.patch) throw new ApiError("InternalError", "patching is not available on this server");
  return ctx.patch;
}

function asObject(value: unknown): KubeObject {
  if (!isRecord(value)) throw badRequest("the patch produced a value that is not an object");
  return value as KubeObject;
}

/** Applies a non-apply patch to a document (any JSON object, e.g. a Scale). */
export function applyPatchTo(
  ctx: RegistryContext,
  doc: KubeObject,
  type: Exclude<PatchType, "apply">,
  patch: unknown,
  schema: PatchSchema,
): KubeObject {
  const ops = patchOps(ctx);
  switch (type) {
    case "json":
      return asObject(ops.applyJsonPatch(doc, patch));
    case "merge":
      return asObject(ops.applyMergePatch(doc, patch));
    case "strategic":
      return asObject(ops.applyStrategicMergePatch(doc, patch, schema));
  }
}

export interface PatchRequest {
  type: PatchType;
  patch: unknown;
  subresource?: Subresource;
  force?: boolean;
}

/** The producer of a patch of `def`'s object (current undefined: server-side apply creates). */
export function patchProducer(
  ctx: RegistryContext,
  def: ResourceDef,
  req: PatchRequest,
  o: WriteOptions,
): (current: KubeObject | undefined) => Produced {
  if (req.type === "apply") {
    const manager = o.fieldManager;
    if (manager === undefined || manager === "") {
      throw new ApiError(
        "Invalid",
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
        {
          kind: "PatchOptions",
          group: "meta.k8s.io",
          causes: [
            {
              reason: "FieldValueRequired",
              message: "Required value: is required for apply patch",
              field: "fieldManager",
            },
          ],
        },
      );
    }
    const applied = asObject(req.patch);
    return (current) => ({
      obj: patchOps(ctx).applyServerSideApply({
        live: current,
        applied,
        manager,
        force: req.force === true,
        schema: def.patchSchema,
        apiVersion: defApiVersion(def),
        now: ctx.clock(),
      }),
      managedFieldsSet: true,
    });
  }
  const type = req.type;
  return (current) => {
    if (!current) throw new ApiError("InternalError", "no object to patch");
    return { obj: applyPatchTo(ctx, current, type, req.patch, def.patchSchema) };
  };
}
