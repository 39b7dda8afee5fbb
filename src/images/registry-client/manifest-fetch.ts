// Fetching manifests: the one a tag (or digest) names, and for an index the entry for the
// wanted platform. Bytes are verified against the digest when one is known and stored as-is.
import { InvalidManifestError, parseDescriptor, type Descriptor } from "../../oci/descriptor.js";
import { digestOf, type Digest } from "../../oci/digest.js";
import { isRecord } from "../../oci/descriptor.js";
import { MANIFEST_MEDIA_TYPES, isIndexMediaType } from "../../oci/media-types.js";
import { RegistryError } from "../errors.js";
import { registryErrorText, repoScope, type RegistryClient } from "./client.js";

export interface FetchedManifest {
  digest: Digest;
  mediaType: string;
  bytes: Buffer;
  isIndex: boolean;
  /** Index entries. */
  manifests: Descriptor[];
  /** Image manifest parts. */
  config?: Descriptor;
  layers: Descriptor[];
}

const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** Thrown for a 404 of the manifest, so the caller can word it with the reference. */
export class ManifestNotFound extends Error {
  constructor(
    readonly code: string | undefined,
    text: string,
  ) {
    super(text);
  }
}

export async function fetchManifest(
  client: RegistryClient,
  path: string,
  reference: string,
): Promise<FetchedManifest> {
  const res = await client.request({
    method: "GET",
    path: `/v2/${path}/manifests/${reference}`,
    headers: { Accept: MANIFEST_MEDIA_TYPES.join(", ") },
    scopes: [repoScope(path, "pull")],
  });
  if (res.status !== 200) {
    const { code, text } = await registryErrorText(res);
    if (res.status === 404 || res.status === 401 || res.status === 403)
      throw new ManifestNotFound(code ?? String(res.status), text);
    throw new RegistryError(text);
  }
  const bytes = Buffer.from(await res.text(MAX_MANIFEST_BYTES), "utf8");
  const digest = digestOf(bytes);
  if (reference.startsWith("sha256:") && digest !== reference) {
    throw new RegistryError(`manifest verification failed for digest ${reference}`);
  }
  return parseFetched(bytes, digest, res.header("content-type"));
}

export function parseFetched(
  bytes: Buffer,
  digest: Digest,
  contentType: string | undefined,
): FetchedManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new RegistryError("the registry sent a manifest that is not JSON");
  }
  if (!isRecord(doc)) throw new RegistryError("the registry sent a manifest that is not an object");
  if (doc.schemaVersion === 1)
    throw new RegistryError(
      "Docker Image Format v1 and Docker Image manifest version 2, schema 1 are not supported",
    );
  const declared = contentType?.split(";")[0]?.trim();
  const mediaType =
    typeof doc.mediaType === "string"
      ? doc.mediaType
      : declared && MANIFEST_MEDIA_TYPES.includes(declared)
        ? declared
        : Array.isArray(doc.manifests)
          ? "application/vnd.oci.image.index.v1+json"
          : "application/vnd.oci.image.manifest.v1+json";
  try {
    if (isIndexMediaType(mediaType) || Array.isArray(doc.manifests)) {
      const list = Array.isArray(doc.manifests) ? doc.manifests : [];
      return {
        digest,
        mediaType,
        bytes,
        isIndex: true,
        manifests: list.map((d, i) => parseDescriptor(d, `manifests[${i}]`)),
        layers: [],
      };
    }
    const config = parseDescriptor(doc.config, "config");
    const layers = (Array.isArray(doc.layers) ? doc.layers : []).map((d, i) =>
      parseDescriptor(d, `layers[${i}]`),
    );
    return { digest, mediaType, bytes, isIndex: false, manifests: [], config, layers };
  } catch (err) {
    if (err instanceof InvalidManifestError) throw new RegistryError(`invalid manifest: ${err.message}`);
    throw err;
  }
}
