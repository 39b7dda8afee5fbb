// Request bodies: read with Kubernetes' size limit, then decoded by Content-Type into the JSON
// the registry works on. Objects come as JSON, YAML or the `k8s\0` protobuf envelope; patches by
// their patch content type.
import type { IncomingMessage } from "node:http";
import { parseAllDocuments } from "yaml";
import { ApiError, badRequest } from "../errors.js";
import type { KubeObject } from "../types.js";
import type { PatchType } from "./deps.js";

/** Kubernetes' limit on request bodies (3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/** The whole body; 413 past `limit` (stops reading at once, before buffering more). */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(buf);
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(limit: number): ApiError {
  return new ApiError("RequestEntityTooLarge", `Request entity too large: limit is ${limit}`);
}

function parseJson(body: Buffer, what: string): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (err) {
    throw badRequest(`${what}: json parse error: ${(err as Error).message}`);
  }
}

/** One YAML document as JSON; several documents in one request are refused. */
function parseYaml(body: Buffer, what: string): unknown {
  const docs = parseAllDocuments(body.toString("utf8"));
  if (!Array.isArray(docs)) return null;
  const real = docs.filter((d) => d.contents !== null || d.errors.length > 0);
  if (real.length > 1) throw badRequest(`${what}: yaml: multiple documents are not allowed in one request`);
  const doc = real[0];
  if (doc === undefined) return null;
  const error = doc.errors[0];
  if (error !== undefined) throw badRequest(`${what}: error converting YAML to JSON: yaml: ${error.message}`);
  return doc.toJS({ maxAliasCount: 100 }) as unknown;
}

const UNKNOWN_OBJECT_FORMAT =
  "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf";

/** A create/update body as an object (kind/apiVersion may still be missing). */
export function decodeObject(
  body: Buffer,
  contentType: string | undefined,
  decodeProtobuf: ((body: Buffer) => KubeObject) | undefined,
): Record<string, unknown> {
  const type = mediaType(contentType);
  let value: unknown;
  if (type === "" || type === "application/json") value = parseJson(body, "couldn't get version/kind");
  else if (type === "application/yaml") value = parseYaml(body, "couldn't get version/kind");
  else if (type === "application/vnd.kubernetes.protobuf") {
    if (decodeProtobuf === undefined) throw new ApiError("UnsupportedMediaType", UNKNOWN_OBJECT_FORMAT);
    value = decodeProtobuf(body);
  } else throw new ApiError("UnsupportedMediaType", UNKNOWN_OBJECT_FORMAT);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw badRequest("Object 'Kind' is missing in the request body: expected a JSON object");
  }
  return value as Record<string, unknown>;
}

/** A DELETE body (DeleteOptions), which may be empty. */
export function decodeOptionalObject(
  body: Buffer,
  contentType: string | undefined,
  decodeProtobuf: ((body: Buffer) => KubeObject) | undefined,
): Record<string, unknown> | undefined {
  if (body.toString("utf8").trim() === "") return undefined;
  return decodeObject(body, contentType, decodeProtobuf);
}

const PATCH_TYPES: Readonly<Record<string, PatchType>> = {
  "application/json-patch+json": "json",
  "application/merge-patch+json": "merge",
  "application/strategic-merge-patch+json": "strategic",
  "application/apply-patch+yaml": "apply",
};

export function decodePatch(
  body: Buffer,
  contentType: string | undefined,
): { type: PatchType; patch: unknown } {
  const type = PATCH_TYPES[mediaType(contentType)];
  if (type === undefined) {
    throw new ApiError(
      "UnsupportedMediaType",
      `the body of the request was in an unknown format - accepted media types include: ${Object.keys(PATCH_TYPES).join(", ")}`,
    );
  }
  if (type === "apply") {
    const patch = parseYaml(body, "error decoding YAML");
    if (typeof patch !== "object" || patch === null || Array.isArray(patch)) {
      throw badRequest("error decoding YAML: the apply configuration must be an object");
    }
    return { type, patch };
  }
  const patch = parseJson(body, "error decoding patch");
  if (type === "json" && !Array.isArray(patch)) {
    throw badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  }
  if (type !== "json" && (typeof patch !== "object" || patch === null || Array.isArray(patch))) {
    throw badRequest("error decoding patch: the patch must be a JSON object");
  }
  return { type, patch };
}
