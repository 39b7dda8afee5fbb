// What controllers, the scheduler and node agents see of the cluster: one interface, two
// implementations — the in-process client over the registry (registry/client.ts, inside
// `skiff server`) and an HTTPS client (client/http-client.ts, for `skiff agent` elsewhere).
import type { ResourceDef } from "../resources/def.js";
import type { KubeList, KubeObject, WatchEvent } from "../types.js";
import type { DeleteOptions, ListOptions, PatchType, WatchOptions } from "../registry/options.js";

export type ResourceRef =
  { apiVersion: string; kind: string } | { group: string; version: string; resource: string };

export interface CallOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: "Ignore" | "Warn" | "Strict";
}

/** Subresources that are created (POSTed) rather than read or replaced. */
export type CreateSubresource = "binding" | "eviction";

export interface ResourceApi {
  readonly def: ResourceDef;
  get(namespace: string | undefined, name: string): Promise<KubeObject>;
  /** The object, or undefined when it does not exist. */
  find(namespace: string | undefined, name: string): Promise<KubeObject | undefined>;
  list(namespace?: string, o?: ListOptions): Promise<KubeList>;
  watch(namespace: string | undefined, o: WatchOptions, signal: AbortSignal): AsyncIterable<WatchEvent>;
  create(obj: KubeObject, o?: CallOptions): Promise<KubeObject>;
  /** PUT; a stale metadata.resourceVersion gets a Conflict ApiError. */
  update(obj: KubeObject, o?: CallOptions): Promise<KubeObject>;
  /** PUT …/status. */
  updateStatus(obj: KubeObject, o?: CallOptions): Promise<KubeObject>;
  patch(
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    o?: CallOptions & { subresource?: "status" | "scale"; force?: boolean },
  ): Promise<KubeObject>;
  delete(namespace: string | undefined, name: string, o?: CallOptions & DeleteOptions): Promise<KubeObject>;
  /** POST …/NAME/binding (a core/v1 Binding) or …/NAME/eviction (a policy/v1 Eviction). */
  createSubresource(
    namespace: string | undefined,
    name: string,
    subresource: CreateSubresource,
    body: KubeObject,
    o?: CallOptions,
  ): Promise<KubeObject>;
}

export interface ClusterClient {
  /** NotFound ApiError when the server does not serve the resource. */
  resource(ref: ResourceRef): ResourceApi;
}
