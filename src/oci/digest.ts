// Content digests (`algorithm:encoded`), as the OCI image spec defines them.
import { createHash, type Hash } from "node:crypto";

/** A validated digest string such as `sha256:3f…`. */
export type Digest = string & { readonly __brand: "Digest" };

/** Algorithms Skiff can verify, with the exact length of their hex encoding. */
const SUPPORTED = { sha256: 64, sha512: 128 } as const;
export type DigestAlgorithm = keyof typeof SUPPORTED;

// The grammar from the image spec: algorithm-component ([+._-] algorithm-component)* ":" encoded.
const GRAMMAR = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

export class InvalidDigestError extends Error {
  constructor(
    readonly value: string,
    reason: string,
  ) {
    super(`invalid digest ${JSON.stringify(value.slice(0, 100))}: ${reason}`);
  }
}

/** Parses and validates a digest; only algorithms that can be verified are accepted. */
export function parseDigest(value: string): Digest {
  if (!GRAMMAR.test(value)) throw new InvalidDigestError(value, "does not match algorithm:hex");
  const [algorithm, encoded] = value.split(":", 2) as [string, string];
  const length = SUPPORTED[algorithm as DigestAlgorithm];
  if (length === undefined) throw new InvalidDigestError(value, `unsupported algorithm ${algorithm}`);
  if (encoded.length !== length || !/^[a-f0-9]+$/.test(encoded)) {
    throw new InvalidDigestError(value, `${algorithm} needs ${length} lowercase hex characters`);
  }
  return value as Digest;
}

export function isDigest(value: string): boolean {
  try {
    parseDigest(value);
    return true;
  } catch {
    return false;
  }
}

export function digestAlgorithm(digest: Digest): DigestAlgorithm {
  return digest.slice(0, digest.indexOf(":")) as DigestAlgorithm;
}

export function digestHex(digest: Digest): string {
  return digest.slice(digest.indexOf(":") + 1);
}

/** A running hash that yields a digest of the given algorithm. */
export function createDigester(algorithm: DigestAlgorithm = "sha256"): Hash {
  return createHash(algorithm);
}

export function digestOf(data: Uint8Array | string, algorithm: DigestAlgorithm = "sha256"): Digest {
  return `${algorithm}:${createHash(algorithm).update(data).digest("hex")}` as Digest;
}

export function finishDigest(hash: Hash, algorithm: DigestAlgorithm): Digest {
  return `${algorithm}:${hash.digest("hex")}` as Digest;
}
