// Test wiring: a registry over the in-memory store with a few real kinds of resources/.
import { pino } from "pino";
import { applyJsonPatch } from "../patch/json-patch.js";
import { applyMergePatch } from "../patch/merge-patch.js";
import { applyStrategicMergePatch } from "../patch/strategic-merge.js";
import { updateManagedFields } from "../patch/managed-fields.js";
import { applyServerSideApply } from "../patch/server-side-apply.js";
import { deploymentDef } from "../resources/apps-deployment.js";
import { replicaSetDef } from "../resources/apps-replicaset.js";
import { configMapDef } from "../resources/core-configmap.js";
import { namespaceDef } from "../resources/core-namespace.js";
import { podDef } from "../resources/core-pod.js";
import { builtinCatalog } from "../resources/catalog.js";
import type { GroupVersionKind, KubeObject } from "../types.js";
import type { PatchOps, ResourceCatalog, ResourceDef } from "./deps.js";
import { MemoryStore } from "./memory-store.js";
import type { WriteOptions } from "./options.js";
import { ApiRegistry, type ApiRegistryOptions } from "./registry.js";

export const defs = {
  namespaces: namespaceDef as ResourceDef,
  configmaps: configMapDef as ResourceDef,
  deployments: deploymentDef as ResourceDef,
  replicasets: replicaSetDef as ResourceDef,
  pods: podDef as ResourceDef,
};

/** The built-in catalog, or a catalog of just `list`. */
export function testCatalog(list?: ResourceDef[]): ResourceCatalog {
  if (list === undefined) return builtinCatalog();
  return {
    all: () => list,
    get: (group, version, resource) =>
      list.find((d) => d.group === group && d.version === version && d.resource === resource),
    byKind: (gvk: GroupVersionKind) =>
      list.find((d) => d.group === gvk.group && d.version === gvk.version && d.kind === gvk.kind),
  };
}

/** patch/'s functions, as the composition root wires them. */
export const testPatchOps: PatchOps = {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  applyServerSideApply,
  updateManagedFields,
};

export const logger = pino({ level: "silent" });

export function writeOpts(extra: Partial<WriteOptions> = {}): WriteOptions {
  return { user: { name: "tester", groups: ["system:masters"] }, dryRun: false, ...extra };
}

export async function newRegistry(
  extra: Partial<ApiRegistryOptions> = {},
): Promise<{ registry: ApiRegistry; store: MemoryStore }> {
  const store = new MemoryStore();
  const registry = new ApiRegistry({ store, catalog: testCatalog(), logger, patch: testPatchOps, ...extra });
  await registry.create(defs.namespaces, undefined, ns("default"), writeOpts());
  return { registry, store };
}

export function ns(name: string): KubeObject {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name } };
}

export function configMap(
  name: string,
  data: Record<string, string> = {},
  labels?: Record<string, string>,
): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, ...(labels && { labels }) }, data };
}

export function deployment(name: string, replicas = 1): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "c", image: "busybox:1.36" }] },
      },
    },
  };
}

export function pod(name: string, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels },
    spec: { containers: [{ name: "c", image: "busybox:1.36" }] },
  };
}

/** Collects events until `n` arrived (or the stream ended). */
export async function take<T>(it: AsyncIterable<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  if (n === 0) return out;
  for await (const ev of it) {
    out.push(ev);
    if (out.length >= n) break;
  }
  return out;
}

export function iterate<T>(it: AsyncIterable<T>): AsyncIterator<T> {
  return it[Symbol.asyncIterator]();
}
