// The image configuration (OCI image spec `config.json`, Docker's image JSON): the types and a
// parser that checks what Skiff relies on and keeps every other field as it came.
import { parseDigest, type Digest } from "./digest.js";
import { isRecord } from "./descriptor.js";

/** How a container of the image runs by default (the `config` object; Docker's capitalised keys). */
export interface ContainerConfig {
  User?: string;
  ExposedPorts?: Record<string, object> | null;
  Env?: string[] | null;
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object> | null;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  ArgsEscaped?: boolean;
  Shell?: string[] | null;
  OnBuild?: string[] | null;
  Healthcheck?: Record<string, unknown>;
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface ImageConfig {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  variant?: string;
  "os.version"?: string;
  config?: ContainerConfig;
  rootfs: { type: "layers"; diff_ids: Digest[] };
  history?: HistoryEntry[];
  /** Docker's own extras (`comment`, `docker_version`, `container_config`…) pass through. */
  [extra: string]: unknown;
}

export class InvalidImageConfigError extends Error {
  readonly statusCode = 400;
  constructor(reason: string) {
    super(`invalid image config: ${reason}`);
  }
}

const STRING_LISTS = ["Env", "Entrypoint", "Cmd", "Shell", "OnBuild"] as const;
const OBJECT_MAPS = ["ExposedPorts", "Volumes"] as const;

/** Parses and validates config bytes; unknown fields are kept. */
export function parseImageConfig(bytes: Uint8Array | string): ImageConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(typeof bytes === "string" ? bytes : Buffer.from(bytes).toString("utf8"));
  } catch {
    throw new InvalidImageConfigError("not valid JSON");
  }
  return validateImageConfig(doc);
}

export function validateImageConfig(doc: unknown): ImageConfig {
  if (!isRecord(doc)) throw new InvalidImageConfigError("must be a JSON object");
  for (const key of ["architecture", "os"] as const) {
    if (typeof doc[key] !== "string" || doc[key] === "")
      throw new InvalidImageConfigError(`${key}: required`);
  }
  for (const key of ["created", "author", "variant", "os.version"]) {
    if (doc[key] !== undefined && typeof doc[key] !== "string")
      throw new InvalidImageConfigError(`${key}: must be a string`);
  }
  const rootfs = doc.rootfs;
  if (!isRecord(rootfs) || rootfs.type !== "layers" || !Array.isArray(rootfs.diff_ids)) {
    throw new InvalidImageConfigError("rootfs: must be {type: layers, diff_ids: [...]}");
  }
  rootfs.diff_ids.forEach((d, i) => {
    try {
      parseDigest(String(d));
    } catch (err) {
      throw new InvalidImageConfigError(`rootfs.diff_ids[${i}]: ${(err as Error).message}`);
    }
  });
  if (doc.history !== undefined && !(Array.isArray(doc.history) && doc.history.every(isRecord))) {
    throw new InvalidImageConfigError("history: must be a list of objects");
  }
  if (doc.config !== undefined && doc.config !== null) validateContainerConfig(doc.config);
  if (doc.config === null) delete doc.config;
  return doc as unknown as ImageConfig;
}

function validateContainerConfig(config: unknown): void {
  if (!isRecord(config)) throw new InvalidImageConfigError("config: must be an object");
  for (const key of STRING_LISTS) {
    const v = config[key];
    if (v !== undefined && v !== null && !(Array.isArray(v) && v.every((s) => typeof s === "string"))) {
      throw new InvalidImageConfigError(`config.${key}: must be a list of strings`);
    }
  }
  for (const key of OBJECT_MAPS) {
    const v = config[key];
    if (v !== undefined && v !== null && !isRecord(v))
      throw new InvalidImageConfigError(`config.${key}: must be an object`);
  }
  const labels = config.Labels;
  if (
    labels !== undefined &&
    labels !== null &&
    !(isRecord(labels) && Object.values(labels).every((s) => typeof s === "string"))
  ) {
    throw new InvalidImageConfigError("config.Labels: must be a map of strings");
  }
  for (const key of ["User", "WorkingDir", "StopSignal"]) {
    if (config[key] !== undefined && typeof config[key] !== "string")
      throw new InvalidImageConfigError(`config.${key}: must be a string`);
  }
}

/** The config bytes Skiff writes: compact JSON, as Docker writes it (the digest is of these bytes). */
export function serializeImageConfig(config: ImageConfig): Buffer {
  return Buffer.from(JSON.stringify(config));
}
