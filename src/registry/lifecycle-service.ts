// Lifecycle policies of repositories: stored per repository, previewed without effect,
// and applied on demand or on the server's schedule by expiring (deleting) the images
// they select. Blobs freed this way are reclaimed by the next garbage collection.
import type { Logger } from "pino";
import type { Digest } from "../oci/digest.js";
import { RegistryError } from "./errors.js";
import { evaluateLifecyclePolicy, type LifecycleDecision } from "./lifecycle/evaluate.js";
import {
  InvalidLifecyclePolicyError,
  parseLifecyclePolicy,
  type LifecyclePolicy,
} from "./lifecycle/policy.js";
import type { RegistryMetadata } from "./metadata.js";
import type { RegistryMetrics } from "./metrics.js";

export interface LifecycleServiceOptions {
  metadata: RegistryMetadata;
  logger: Logger;
  metrics: RegistryMetrics;
  now?: () => Date;
}

export interface LifecycleResult {
  repository: string;
  expired: LifecycleDecision[];
}

export class LifecycleService {
  readonly #o: LifecycleServiceOptions;

  constructor(options: LifecycleServiceOptions) {
    this.#o = options;
  }

  /** Validates a policy document; throws a 400 that says what is wrong. */
  parse(document: unknown): LifecyclePolicy {
    try {
      return parseLifecyclePolicy(document);
    } catch (err) {
      if (err instanceof InvalidLifecyclePolicyError) {
        throw new RegistryError("UNSUPPORTED", `invalid lifecycle policy: ${err.message}`, undefined, 400);
      }
      throw err;
    }
  }

  get(repository: string): LifecyclePolicy | undefined {
    this.#repository(repository);
    const text = this.#o.metadata.getLifecyclePolicy(repository);
    return text === undefined ? undefined : parseLifecyclePolicy(JSON.parse(text));
  }

  put(repository: string, document: unknown): LifecyclePolicy {
    this.#repository(repository);
    const policy = this.parse(document);
    this.#o.metadata.setLifecyclePolicy(repository, JSON.stringify(policy));
    return policy;
  }

  delete(repository: string): void {
    this.#repository(repository);
    this.#o.metadata.setLifecyclePolicy(repository, undefined);
  }

  /** What `policy` (or the stored one) would expire now, without deleting anything. */
  preview(repository: string, document?: unknown): LifecycleDecision[] {
    const policy = document === undefined ? this.get(repository) : this.parse(document);
    if (!policy)
      throw new RegistryError(
        "UNSUPPORTED",
        `repository ${repository} has no lifecycle policy`,
        undefined,
        404,
      );
    return evaluateLifecyclePolicy(policy, this.#o.metadata.listImages(repository), this.#now());
  }

  /** Applies the stored policy of one repository. */
  apply(repository: string): LifecycleResult {
    const decisions = this.preview(repository);
    const expired: LifecycleDecision[] = [];
    for (const decision of decisions) {
      const deleted: Digest[] = this.#o.metadata.deleteManifest(repository, decision.digest);
      if (deleted.length > 0) expired.push(decision);
    }
    if (expired.length > 0) {
      this.#o.metrics.lifecycleExpired.inc(expired.length);
      this.#o.logger.info(
        { repository, expired: expired.map((d) => d.digest) },
        "lifecycle policy expired images",
      );
    }
    return { repository, expired };
  }

  /** Applies every stored policy; one repository's failure does not stop the others. */
  applyAll(): LifecycleResult[] {
    const results: LifecycleResult[] = [];
    for (const repository of this.#o.metadata.repositoriesWithLifecyclePolicy()) {
      try {
        results.push(this.apply(repository));
      } catch (err) {
        this.#o.logger.error({ err, repository }, "lifecycle policy failed");
      }
    }
    return results;
  }

  #repository(name: string): void {
    if (!this.#o.metadata.getRepository(name)) {
      throw new RegistryError("NAME_UNKNOWN", `repository ${name} not known to registry`);
    }
  }

  #now(): Date {
    return this.#o.now?.() ?? new Date();
  }
}
