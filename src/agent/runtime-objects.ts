// The ConfigMaps and Secrets a pod refers to (env, envFrom, volumes, imagePullSecrets), read
// through the ClusterClient once per operation: one start reads each object at most once.
import type { ClusterClient } from "../api/client/cluster.js";
import type { KubeObject } from "../api/types.js";

/** A ConfigMap's or Secret's entries as bytes (Secret data decoded from base64). */
export type ObjectData = Map<string, Buffer>;

export type SourceKind = "configmap" | "secret";

export class PodObjects {
  readonly #client: ClusterClient;
  readonly #namespace: string;
  readonly #cache = new Map<string, Promise<ObjectData | undefined>>();

  constructor(client: ClusterClient, namespace: string) {
    this.#client = client;
    this.#namespace = namespace;
  }

  /** The object's data, or undefined when it does not exist. */
  data(kind: SourceKind, name: string): Promise<ObjectData | undefined> {
    const key = `${kind}/${name}`;
    let p = this.#cache.get(key);
    if (p === undefined) {
      p = this.#read(kind, name);
      this.#cache.set(key, p);
    }
    return p;
  }

  /** The raw object (a Secret's `type` matters for pull secrets), or undefined. */
  object(kind: SourceKind, name: string): Promise<KubeObject | undefined> {
    const ref = { apiVersion: "v1", kind: kind === "configmap" ? "ConfigMap" : "Secret" };
    return this.#client.resource(ref).find(this.#namespace, name);
  }

  async #read(kind: SourceKind, name: string): Promise<ObjectData | undefined> {
    const obj = await this.object(kind, name);
    if (obj === undefined) return undefined;
    return objectData(kind, obj);
  }
}

export function objectData(kind: SourceKind, obj: KubeObject): ObjectData {
  const out: ObjectData = new Map();
  const data = (obj.data ?? {}) as Record<string, string>;
  if (kind === "secret") {
    for (const [k, v] of Object.entries(data)) out.set(k, Buffer.from(v, "base64"));
    return out;
  }
  for (const [k, v] of Object.entries(data)) out.set(k, Buffer.from(v, "utf8"));
  for (const [k, v] of Object.entries((obj.binaryData ?? {}) as Record<string, string>))
    out.set(k, Buffer.from(v, "base64"));
  return out;
}

/** Kubernetes' words for a missing object: `configmap "x" not found`, `secret "x" not found`. */
export function notFoundMessage(kind: SourceKind, name: string): string {
  return `${kind} ${JSON.stringify(name)} not found`;
}
