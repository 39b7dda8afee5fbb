// Parsing and validating image manifests and indexes (OCI and Docker schema 2).
import { InvalidManifestError, isRecord, parseDescriptor, stringMap, type Descriptor } from "./descriptor.js";
import { MediaType, isIndexMediaType, isManifestMediaType } from "./media-types.js";

/** What a registry needs to know about a manifest to store, link and serve it. */
export interface ParsedManifest {
  mediaType: string;
  /** True for OCI indexes and Docker manifest lists. */
  isIndex: boolean;
  /** Config and layers of an image manifest: blobs that must exist in the repository. */
  blobs: Descriptor[];
  /** Entries of an index: manifests that must exist in the repository. */
  manifests: Descriptor[];
  subject?: Descriptor;
  /** `artifactType`, else the config media type, as the referrers API reports it. */
  artifactType?: string;
  annotations?: Record<string, string>;
}

export { InvalidManifestError };

/**
 * Parses manifest bytes. `contentType` is the media type the client declared (the
 * `Content-Type` of a PUT); it must agree with the `mediaType` field when both are set.
 */
export function parseManifest(bytes: Uint8Array, contentType: string | undefined): ParsedManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    throw new InvalidManifestError("manifest is not valid JSON");
  }
  if (!isRecord(doc)) throw new InvalidManifestError("manifest must be a JSON object");
  if (doc.schemaVersion !== 2) throw new InvalidManifestError("schemaVersion: must be 2");

  const declared = contentType?.split(";")[0]?.trim();
  const field = typeof doc.mediaType === "string" ? doc.mediaType : undefined;
  if (doc.mediaType !== undefined && field === undefined) {
    throw new InvalidManifestError("mediaType: must be a string");
  }
  const usable = (t: string | undefined) => t !== undefined && t !== "" && isManifestMediaType(t);
  if (usable(declared) && field !== undefined && field !== declared) {
    throw new InvalidManifestError(`mediaType ${field} does not match Content-Type ${declared}`);
  }
  const mediaType = usable(declared) ? declared! : (field ?? inferMediaType(doc));
  if (!isManifestMediaType(mediaType)) {
    throw new InvalidManifestError(`unsupported manifest media type ${JSON.stringify(mediaType)}`);
  }

  const result: ParsedManifest = {
    mediaType,
    isIndex: isIndexMediaType(mediaType),
    blobs: [],
    manifests: [],
  };
  if (result.isIndex) {
    if (!Array.isArray(doc.manifests)) throw new InvalidManifestError("manifests: must be a list");
    result.manifests = doc.manifests.map((d, i) => parseDescriptor(d, `manifests[${i}]`));
  } else {
    const config = parseDescriptor(doc.config, "config");
    if (!Array.isArray(doc.layers)) throw new InvalidManifestError("layers: must be a list");
    const layers = doc.layers.map((d, i) => parseDescriptor(d, `layers[${i}]`));
    // Foreign layers (with urls) live outside the registry and are not required to be present.
    result.blobs = [config, ...layers.filter((l) => l.urls === undefined || l.urls.length === 0)];
    if (typeof doc.artifactType !== "string" && config.mediaType !== MediaType.ociEmpty) {
      result.artifactType = config.mediaType;
    }
  }
  if (typeof doc.artifactType === "string") result.artifactType = doc.artifactType;
  else if (doc.artifactType !== undefined) throw new InvalidManifestError("artifactType: must be a string");
  if (doc.subject !== undefined) result.subject = parseDescriptor(doc.subject, "subject");
  const annotations = stringMap(doc.annotations, "annotations");
  if (annotations !== undefined) result.annotations = annotations;
  return result;
}

// Manifests without a mediaType field are legal in OCI; tell them apart by shape.
function inferMediaType(doc: Record<string, unknown>): string {
  if (Array.isArray(doc.manifests)) return MediaType.ociIndex;
  if (doc.config !== undefined) return MediaType.ociManifest;
  throw new InvalidManifestError("manifest has neither config nor manifests");
}
