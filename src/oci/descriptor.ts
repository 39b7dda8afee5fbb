// Content descriptors: what a manifest says about the content it points at.
import { parseDigest, type Digest } from "./digest.js";

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  "os.version"?: string;
  "os.features"?: string[];
}

export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  platform?: Platform;
  urls?: string[];
}

export class InvalidManifestError extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringMap(value: unknown, path: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value) || !Object.values(value).every((v) => typeof v === "string")) {
    throw new InvalidManifestError(`${path}: must be a map of strings`);
  }
  return value as Record<string, string>;
}

/** Validates one descriptor object found at `path` inside a manifest. */
export function parseDescriptor(value: unknown, path: string): Descriptor {
  if (!isRecord(value)) throw new InvalidManifestError(`${path}: must be an object`);
  const { mediaType, digest, size, artifactType, platform, urls } = value;
  if (typeof mediaType !== "string" || mediaType === "") {
    throw new InvalidManifestError(`${path}.mediaType: required`);
  }
  if (typeof digest !== "string") throw new InvalidManifestError(`${path}.digest: required`);
  let parsed: Digest;
  try {
    parsed = parseDigest(digest);
  } catch (err) {
    throw new InvalidManifestError(`${path}.digest: ${(err as Error).message}`);
  }
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) {
    throw new InvalidManifestError(`${path}.size: must be a non-negative integer`);
  }
  if (artifactType !== undefined && typeof artifactType !== "string") {
    throw new InvalidManifestError(`${path}.artifactType: must be a string`);
  }
  if (
    platform !== undefined &&
    !(isRecord(platform) && typeof platform.architecture === "string" && typeof platform.os === "string")
  ) {
    throw new InvalidManifestError(`${path}.platform: must name an architecture and os`);
  }
  if (urls !== undefined && !(Array.isArray(urls) && urls.every((u) => typeof u === "string"))) {
    throw new InvalidManifestError(`${path}.urls: must be a list of strings`);
  }
  const descriptor: Descriptor = { mediaType, digest: parsed, size };
  if (artifactType !== undefined) descriptor.artifactType = artifactType;
  const annotations = stringMap(value.annotations, `${path}.annotations`);
  if (annotations !== undefined) descriptor.annotations = annotations;
  if (platform !== undefined) descriptor.platform = platform as unknown as Platform;
  if (urls !== undefined) descriptor.urls = urls as string[];
  return descriptor;
}

export { isRecord, stringMap };
