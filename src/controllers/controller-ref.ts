// client-go's ControllerRefManager: a controller claims the objects it should own — keeps those
// it owns that still match, adopts matching orphans, releases owned ones that stopped matching —
// by patching ownerReferences with uid and resourceVersion preconditions (a lost race is a
// Conflict, retried by the next sync).
import type { ResourceApi } from "../api/client/cluster.js";
import type { KubeObject, OwnerReference } from "../api/types.js";
import { controllerRef, ownerRefFor } from "./pod-util.js";

export interface ClaimOptions {
  owner: KubeObject;
  /** Owner kind as written in ownerReferences (owner.kind when absent). */
  ownerKind?: string;
  /** The candidates (e.g. every pod of the owner's namespace in the cache). */
  candidates: readonly KubeObject[];
  matches(obj: KubeObject): boolean;
  /** Where the candidates are written. */
  api: ResourceApi;
  fieldManager: string;
  /** Checked once before the first adoption: the owner (read fresh) is still the same and not deleted. */
  canAdopt(): Promise<boolean>;
}

function isNotFound(err: unknown): boolean {
  return err instanceof Error && "reason" in err && err.reason === "NotFound";
}

function patchRefs(api: ResourceApi, obj: KubeObject, refs: OwnerReference[], fieldManager: string) {
  const { namespace, name = "", uid, resourceVersion } = obj.metadata;
  return api.patch(
    namespace,
    name,
    "merge",
    { metadata: { ownerReferences: refs.length ? refs : null, uid, resourceVersion } },
    { fieldManager },
  );
}

/** The candidates the owner controls after claiming; writes adoptions and releases. */
export async function claimObjects(o: ClaimOptions): Promise<KubeObject[]> {
  const ownerUid = o.owner.metadata.uid;
  const ownerDeleting = o.owner.metadata.deletionTimestamp !== undefined;
  const claimed: KubeObject[] = [];
  let adoptable: boolean | undefined;
  const errors: unknown[] = [];
  for (const obj of o.candidates) {
    const ref = controllerRef(obj);
    try {
      if (ref) {
        if (ref.uid !== ownerUid) continue;
        if (o.matches(obj)) claimed.push(obj);
        else if (!ownerDeleting && obj.metadata.deletionTimestamp === undefined) {
          const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
          await patchRefs(o.api, obj, refs, o.fieldManager).catch((err: unknown) => {
            if (!isNotFound(err)) throw err;
          });
        }
        continue;
      }
      if (ownerDeleting || obj.metadata.deletionTimestamp !== undefined || !o.matches(obj)) continue;
      adoptable ??= await o.canAdopt();
      if (!adoptable) continue;
      const refs = [...(obj.metadata.ownerReferences ?? []), ownerRefFor(o.owner, o.ownerKind)];
      claimed.push(await patchRefs(o.api, obj, refs, o.fieldManager));
    } catch (err) {
      if (!isNotFound(err)) errors.push(err);
    }
  }
  if (errors.length) throw errors[0];
  return claimed;
}

/** canAdopt for claimObjects: a fresh read of the owner has its uid and no deletionTimestamp. */
export function ownerStillValid(api: ResourceApi, owner: KubeObject): () => Promise<boolean> {
  return async () => {
    const fresh = await api.find(owner.metadata.namespace, owner.metadata.name ?? "");
    return fresh?.metadata.uid === owner.metadata.uid && fresh?.metadata.deletionTimestamp === undefined;
  };
}

export { isNotFound };
