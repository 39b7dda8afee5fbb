// create: names (generateName), namespace rules, system metadata, defaults, validation, store.
import { randomUUID } from "node:crypto";
import { alreadyExists, ApiError, badRequest, invalid, notFound } from "../errors.js";
import type { KubeObject } from "../types.js";
import type { RegistryContext } from "./context.js";
import type { ResourceDef } from "./deps.js";
import { isStoreError } from "./deps.js";
import { namespaceKey, objectKey } from "./keys.js";
import { clone, encodeStored, fromStored, rfc3339 } from "./object-util.js";
import type { WriteOptions } from "./options.js";
import { admit } from "./admission.js";
import { namespaceStateOf, type NamespaceState } from "./namespace-gate.js";
import { storeErrorToApi } from "./store-errors.js";
import {
  checkUnknownFields,
  defaultAndValidate,
  namespaceMismatch,
  normaliseKind,
  trackManagedFields,
} from "./write-common.js";

// Kubernetes' alphabet for generated names: no vowels (no words), no look-alikes.
const ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
const GENERATE_ATTEMPTS = 8;

export function randomSuffix(n = 5): string {
  let s = "";
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  return s;
}

/** Namespaced writes need the namespace to exist and not be terminating. */
export async function checkNamespaceWritable(ctx: RegistryContext, namespace: string): Promise<void> {
  if (!(ctx.namespaceState?.(namespace) ?? (await readNamespaceState(ctx, namespace))).terminating) return;
  throw new ApiError(
    "Forbidden",
    `unable to create new content in namespace ${namespace} because it is being terminated`,
    { name: namespace, kind: "namespaces" },
  );
}

async function readNamespaceState(ctx: RegistryContext, namespace: string): Promise<NamespaceState> {
  const stored = await ctx.store.get(namespaceKey(namespace));
  if (!stored) throw notFound("", "namespaces", namespace);
  return namespaceStateOf(stored.value);
}

/** Resolves the object's namespace against the request's (namespaced kinds) or drops it. */
export function applyRequestNamespace(
  def: ResourceDef,
  obj: KubeObject,
  namespace: string | undefined,
): void {
  if (!def.namespaced) {
    delete obj.metadata.namespace;
    return;
  }
  const bodyNs = obj.metadata.namespace;
  if (namespace === undefined || namespace === "") {
    if (bodyNs === undefined || bodyNs === "")
      throw badRequest("the server could not find the requested resource");
    return;
  }
  if (bodyNs !== undefined && bodyNs !== "" && bodyNs !== namespace) throw namespaceMismatch();
  obj.metadata.namespace = namespace;
}

export interface CreateExtras {
  /** The object already carries managedFields (server-side apply made it). */
  managedFieldsSet?: boolean;
}

export async function createObject(
  ctx: RegistryContext,
  def: ResourceDef,
  namespace: string | undefined,
  input: KubeObject,
  o: WriteOptions,
  extras: CreateExtras = {},
): Promise<KubeObject> {
  const obj = clone(input);
  normaliseKind(def, obj);
  checkUnknownFields(def, obj, o);
  applyRequestNamespace(def, obj, namespace);
  const meta = obj.metadata;
  if (meta.resourceVersion !== undefined && meta.resourceVersion !== "") {
    throw badRequest("resourceVersion should not be set on objects to be created");
  }
  delete meta.resourceVersion;
  const generateName = meta.generateName;
  const fixedName = meta.name !== undefined && meta.name !== "";
  if (!fixedName && (generateName === undefined || generateName === "")) {
    throw invalid({ group: def.group, kind: def.kind }, "", [
      {
        reason: "FieldValueRequired",
        message: "Required value: name or generateName is required",
        field: "metadata.name",
      },
    ]);
  }
  meta.uid = randomUUID();
  meta.creationTimestamp = rfc3339(ctx.clock());
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  if (def.hasGeneration) meta.generation = 1;
  else delete meta.generation;
  if (!extras.managedFieldsSet) delete meta.managedFields;
  if (def.namespaced) await checkNamespaceWritable(ctx, meta.namespace as string);
  admit(def, obj, ctx.admission);

  for (let attempt = 0; ; attempt++) {
    // Only a generated name is retried (on a clash), so only then is a fresh copy needed.
    const candidate = fixedName ? obj : clone(obj);
    if (!fixedName) candidate.metadata.name = `${generateName}${randomSuffix()}`;
    defaultAndValidate(def, candidate);
    const tracked = extras.managedFieldsSet
      ? candidate
      : trackManagedFields(ctx, def, undefined, candidate, o);
    const name = tracked.metadata.name as string;
    if (o.dryRun) {
      const existing = await ctx.store.get(objectKey(def, tracked.metadata.namespace, name));
      if (existing && fixedName) throw alreadyExists(def.group, def.resource, name);
      return tracked;
    }
    try {
      const stored = await ctx.store.create(
        objectKey(def, tracked.metadata.namespace, name),
        encodeStored(def, tracked),
      );
      return fromStored(def, stored);
    } catch (err) {
      if (!fixedName && isStoreError(err, "KeyExistsError") && attempt + 1 < GENERATE_ATTEMPTS) continue;
      throw storeErrorToApi(err, def, name);
    }
  }
}
