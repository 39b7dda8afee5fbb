// Images for pod containers as the kubelet's image manager handles them: imagePullPolicy
// (defaulted as the API does: Always for `:latest` or no tag, else IfNotPresent), Never →
// ErrImageNeverPull, and pulls with credentials — first the injected `credentialsFor` (Skiff's
// own registry answers for the node's identity), then the pod's imagePullSecrets, then none.
import type { Logger } from "pino";
import type { KubeObject } from "../api/types.js";
import type { RegistryCredentials } from "../images/registry-client/auth.js";
import { normalizeReference, parseReference } from "../oci/reference.js";
import { ImagePullError } from "./pod-runtime.js";
import { pullCredentials } from "./runtime-pull-secrets.js";
import type { PodObjects } from "./runtime-objects.js";
import { podSpec, type PodContainer } from "./runtime-types.js";

/** The part of images/ ImageService pod images need. */
export interface PodImageStore {
  get(refOrId: string): { id: string };
  pull(
    ref: string,
    o: { credentials?: RegistryCredentials; onProgress: () => void },
  ): Promise<{ id: string }>;
}

export type CredentialsFor = (
  registryHost: string,
  pod: KubeObject,
) => Promise<RegistryCredentials | undefined>;

export function pullPolicy(c: PodContainer): "Always" | "IfNotPresent" | "Never" {
  if (c.imagePullPolicy !== undefined) return c.imagePullPolicy;
  try {
    const ref = parseReference(c.image ?? "");
    return ref.digest === undefined && (ref.tag === undefined || ref.tag === "latest")
      ? "Always"
      : "IfNotPresent";
  } catch {
    return "IfNotPresent";
  }
}

export class PodImages {
  readonly #store: PodImageStore;
  readonly #credentialsFor: CredentialsFor;
  readonly #log: Logger;
  /** Pulls in flight by image reference: pods asking at once share one pull. */
  readonly #pulls = new Map<string, Promise<string>>();

  constructor(o: { store: PodImageStore; credentialsFor: CredentialsFor; logger: Logger }) {
    this.#store = o.store;
    this.#credentialsFor = o.credentialsFor;
    this.#log = o.logger;
  }

  /** The local image id, pulling as the policy says. */
  async ensure(pod: KubeObject, c: PodContainer, objects: PodObjects): Promise<string> {
    const image = c.image ?? "";
    const policy = pullPolicy(c);
    const present = this.#present(image);
    if (policy === "Never") {
      if (present !== undefined) return present;
      throw new ImagePullError(
        "ErrImageNeverPull",
        `Container image "${image}" is not present with pull policy of Never`,
      );
    }
    if (policy === "IfNotPresent" && present !== undefined) return present;
    let pull = this.#pulls.get(image);
    if (pull === undefined) {
      pull = this.#pull(pod, image, objects).finally(() => this.#pulls.delete(image));
      this.#pulls.set(image, pull);
    }
    return pull;
  }

  #present(image: string): string | undefined {
    try {
      return this.#store.get(image).id;
    } catch {
      return undefined;
    }
  }

  async #pull(pod: KubeObject, image: string, objects: PodObjects): Promise<string> {
    let ref;
    try {
      ref = normalizeReference(image);
    } catch (err) {
      throw new ImagePullError(
        "InvalidImageName",
        `Failed to apply default image tag "${image}": ${String(err)}`,
      );
    }
    const candidates: Array<RegistryCredentials | undefined> = [];
    const own = await this.#credentialsFor(ref.domain, pod);
    if (own !== undefined) candidates.push(own);
    const secrets: KubeObject[] = [];
    for (const s of podSpec(pod).imagePullSecrets ?? []) {
      const secret = s.name !== undefined ? await objects.object("secret", s.name) : undefined;
      if (secret !== undefined) secrets.push(secret);
    }
    candidates.push(...pullCredentials(secrets, ref));
    if (candidates.length === 0) candidates.push(undefined);
    let last: unknown;
    for (const credentials of candidates) {
      try {
        const started = Date.now();
        const pulled = await this.#store.pull(image, {
          ...(credentials !== undefined ? { credentials } : {}),
          onProgress: () => undefined,
        });
        this.#log.info({ image, ms: Date.now() - started }, "image pulled");
        return pulled.id;
      } catch (err) {
        last = err;
      }
    }
    const why = last instanceof Error ? last.message : String(last);
    throw new ImagePullError("ErrImagePull", `failed to pull and unpack image "${image}": ${why}`);
  }
}
