// ClusterClient over HTTPS, for components that run away from the API server (`skiff agent`):
// the same operations and errors as the in-process client (registry/client.ts), sent to the
// Kubernetes API with a bearer token over keep-alive connections checked against the CA.
import { badRequest, notFound } from "../errors.js";
import type { ResourceDef } from "../resources/def.js";
import { builtinCatalog, type ResourceCatalog } from "../resources/catalog.js";
import { parseApiVersion, type KubeList, type KubeObject, type WatchEvent } from "../types.js";
import type { DeleteOptions, ListOptions, PatchType, WatchOptions } from "../registry/options.js";
import type { CallOptions, ClusterClient, CreateSubresource, ResourceApi, ResourceRef } from "./cluster.js";
import { apiErrorFromResponse } from "./http-errors.js";
import { queryString, resourcePath, type QueryValue } from "./http-paths.js";
import { HttpsTransport, readText, type HttpsTransportOptions } from "./https-transport.js";
import { watchEvents } from "./watch-lines.js";

export interface HttpClusterClientOptions extends HttpsTransportOptions {
  /** What the server serves; Skiff's built-in catalog by default. */
  catalog?: ResourceCatalog;
  /** managedFields manager of writes that name none (default "skiff"). */
  fieldManager?: string;
}

const PATCH_CONTENT_TYPES: Readonly<Record<PatchType, string>> = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml",
};

const JSON_TYPE = "application/json";

export class HttpClusterClient implements ClusterClient {
  readonly #transport: HttpsTransport;
  readonly #catalog: ResourceCatalog;
  readonly #fieldManager: string;

  constructor(o: HttpClusterClientOptions) {
    this.#transport = new HttpsTransport(o);
    this.#catalog = o.catalog ?? builtinCatalog();
    this.#fieldManager = o.fieldManager ?? "skiff";
  }

  get server(): string {
    return this.#transport.server;
  }

  /** The def of a resource; NotFound when the catalog does not know it. */
  def(ref: ResourceRef): ResourceDef {
    if ("kind" in ref) {
      const gv = parseApiVersion(ref.apiVersion);
      const def = this.#catalog.byKind({ ...gv, kind: ref.kind });
      if (!def) throw notFound(gv.group, ref.kind.toLowerCase(), "");
      return def;
    }
    const def = this.#catalog.get(ref.group, ref.version, ref.resource);
    if (!def) throw notFound(ref.group, ref.resource, "");
    return def;
  }

  resource(ref: ResourceRef): ResourceApi {
    return new HttpResourceApi({
      transport: this.#transport,
      def: this.def(ref),
      fieldManager: this.#fieldManager,
    });
  }

  /** Closes the connections (open watches end). */
  close(): void {
    this.#transport.close();
  }
}

class HttpResourceApi implements ResourceApi {
  readonly def: ResourceDef;
  readonly #transport: HttpsTransport;
  readonly #fieldManager: string;

  constructor(o: { transport: HttpsTransport; def: ResourceDef; fieldManager: string }) {
    this.def = o.def;
    this.#transport = o.transport;
    this.#fieldManager = o.fieldManager;
  }

  #path(namespace: string | undefined, name?: string, subresource?: string): string {
    return resourcePath(this.def, {
      namespace,
      ...(name !== undefined && { name }),
      ...(subresource !== undefined && { subresource }),
    });
  }

  #writeQuery(o: CallOptions = {}, extra: Record<string, QueryValue> = {}): string {
    return queryString({
      ...(o.dryRun === true && { dryRun: "All" }),
      fieldManager: o.fieldManager ?? this.#fieldManager,
      fieldValidation: o.fieldValidation,
      ...extra,
    });
  }

  async #call(method: string, path: string, body?: unknown, contentType = JSON_TYPE): Promise<KubeObject> {
    return (await this.#transport.json({
      method,
      path,
      ...(body !== undefined && { body: JSON.stringify(body), contentType }),
    })) as KubeObject;
  }

  /** The namespace a write of `obj` goes to; namespaced kinds need one, as the server says. */
  #namespaceOf(obj: KubeObject): string | undefined {
    const ns = obj.metadata.namespace;
    if (this.def.namespaced && (ns === undefined || ns === "")) {
      throw badRequest("the server could not find the requested resource");
    }
    return this.def.namespaced ? ns : undefined;
  }

  #nameOf(obj: KubeObject): string {
    const name = obj.metadata.name;
    if (name === undefined || name === "") throw badRequest("resource name may not be empty");
    return name;
  }

  get(namespace: string | undefined, name: string): Promise<KubeObject> {
    return this.#call("GET", this.#path(namespace, name));
  }

  async find(namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    try {
      return await this.get(namespace, name);
    } catch (err) {
      if (err instanceof Error && "reason" in err && err.reason === "NotFound") return undefined;
      throw err;
    }
  }

  async list(namespace?: string, o: ListOptions = {}): Promise<KubeList> {
    const q = queryString({
      labelSelector: o.labelSelector,
      fieldSelector: o.fieldSelector,
      limit: o.limit,
      continue: o.continue,
      resourceVersion: o.resourceVersion,
      resourceVersionMatch: o.resourceVersionMatch,
    });
    return (await this.#call("GET", `${this.#path(namespace)}${q}`)) as unknown as KubeList;
  }

  async *watch(
    namespace: string | undefined,
    o: WatchOptions,
    signal: AbortSignal,
  ): AsyncIterable<WatchEvent> {
    if (signal.aborted) return;
    const q = queryString({
      watch: true,
      labelSelector: o.labelSelector,
      fieldSelector: o.fieldSelector,
      resourceVersion: o.resourceVersion,
      allowWatchBookmarks: o.allowWatchBookmarks,
      sendInitialEvents: o.sendInitialEvents,
      timeoutSeconds: o.timeoutSeconds,
    });
    let res;
    try {
      res = await this.#transport.send({
        method: "GET",
        path: `${this.#path(namespace)}${q}`,
        signal,
        streaming: true,
      });
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    }
    try {
      const code = res.statusCode ?? 0;
      if (code < 200 || code >= 300) throw apiErrorFromResponse(code, await readText(res));
      yield* watchEvents(res);
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    } finally {
      res.destroy();
    }
  }

  create(obj: KubeObject, o?: CallOptions): Promise<KubeObject> {
    return this.#call("POST", `${this.#path(this.#namespaceOf(obj))}${this.#writeQuery(o)}`, obj);
  }

  update(obj: KubeObject, o?: CallOptions): Promise<KubeObject> {
    const path = this.#path(this.#namespaceOf(obj), this.#nameOf(obj));
    return this.#call("PUT", `${path}${this.#writeQuery(o)}`, obj);
  }

  updateStatus(obj: KubeObject, o?: CallOptions): Promise<KubeObject> {
    const path = this.#path(this.#namespaceOf(obj), this.#nameOf(obj), "status");
    return this.#call("PUT", `${path}${this.#writeQuery(o)}`, obj);
  }

  patch(
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    o: CallOptions & { subresource?: "status" | "scale"; force?: boolean } = {},
  ): Promise<KubeObject> {
    const { subresource, force, ...call } = o;
    const q = this.#writeQuery(call, type === "apply" && force !== undefined ? { force } : {});
    return this.#call(
      "PATCH",
      `${this.#path(namespace, name, subresource)}${q}`,
      patch,
      PATCH_CONTENT_TYPES[type],
    );
  }

  delete(
    namespace: string | undefined,
    name: string,
    o: CallOptions & DeleteOptions = {},
  ): Promise<KubeObject> {
    const body = {
      kind: "DeleteOptions",
      apiVersion: "v1",
      ...(o.dryRun === true && { dryRun: ["All"] }),
      ...(o.propagationPolicy !== undefined && { propagationPolicy: o.propagationPolicy }),
      ...(o.preconditions !== undefined && { preconditions: o.preconditions }),
      ...(o.gracePeriodSeconds !== undefined && { gracePeriodSeconds: o.gracePeriodSeconds }),
    };
    return this.#call("DELETE", this.#path(namespace, name), body);
  }

  createSubresource(
    namespace: string | undefined,
    name: string,
    subresource: CreateSubresource,
    body: KubeObject,
    o?: CallOptions,
  ): Promise<KubeObject> {
    return this.#call("POST", `${this.#path(namespace, name, subresource)}${this.#writeQuery(o)}`, body);
  }
}
