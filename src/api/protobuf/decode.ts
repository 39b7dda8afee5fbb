// Request bodies in Kubernetes' protobuf encoding (`application/vnd.kubernetes.protobuf`):
// the magic `k8s\0`, then a runtime.Unknown {typeMeta {apiVersion, kind}, raw, contentEncoding,
// contentType} whose `raw` is the object's own message. kubectl's typed commands send this and
// never fall back to JSON, so the API server reads it into the JSON object they meant.
import protobuf from "protobufjs/minimal.js";
import { ApiError, badRequest } from "../errors.js";
import type { KubeObject } from "../types.js";
import { KINDS } from "./kinds.js";
import { readMessage } from "./wire.js";
import { str, msg, field, type MessageDef } from "./schema.js";

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

const Unknown: MessageDef = {
  1: msg("typeMeta", () => ({ 1: str("apiVersion"), 2: str("kind") })),
  2: field("raw", "bytes"),
  3: str("contentEncoding"),
  4: str("contentType"),
};

/** Decodes a `k8s\0` + runtime.Unknown body into the JSON object Kubernetes would have read. */
export function decodeKubeProtobuf(body: Buffer): KubeObject {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw badRequest("the protobuf body does not start with the Kubernetes magic prefix");
  }
  try {
    const reader = protobuf.Reader.create(body.subarray(MAGIC.length));
    const envelope = readMessage(reader, reader.len, Unknown) as {
      typeMeta?: { apiVersion?: string; kind?: string };
      raw?: string;
      contentEncoding?: string;
    };
    const apiVersion = envelope.typeMeta?.apiVersion ?? "";
    const kind = envelope.typeMeta?.kind ?? "";
    if (!apiVersion || !kind) {
      throw badRequest(`Object '${kind ? "apiVersion" : "Kind"}' is missing in the protobuf body`);
    }
    if (envelope.contentEncoding) {
      throw new ApiError(
        "UnsupportedMediaType",
        `protobuf content encoding "${envelope.contentEncoding}" is not supported`,
      );
    }
    const def = KINDS.get(`${apiVersion} ${kind}`);
    if (def === undefined) {
      throw new ApiError(
        "UnsupportedMediaType",
        `the protobuf encoding of ${kind} (${apiVersion}) is not supported; send it as application/json`,
      );
    }
    const raw = Buffer.from(envelope.raw ?? "", "base64");
    const inner = protobuf.Reader.create(raw);
    const object = readMessage(inner, inner.len, def);
    return { apiVersion, kind, metadata: {}, ...object } as KubeObject;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw badRequest(`the protobuf body cannot be read: ${(err as Error).message}`);
  }
}
