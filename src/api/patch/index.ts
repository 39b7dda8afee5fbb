// patch/: the pure functions that turn a patch request into the next object (docs/api.md).

export { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from "./json-patch.js";
export { applyMergePatch } from "./merge-patch.js";
export { applyStrategicMergePatch } from "./strategic-merge.js";
export {
  applyServerSideApply,
  LAST_APPLIED_ANNOTATION,
  type ServerSideApplyOptions,
} from "./server-side-apply.js";
export { updateManagedFields, type UpdateManagedFieldsOptions } from "./managed-fields.js";
export type { PatchSchema } from "./schema.js";
