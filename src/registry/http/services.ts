// What the HTTP handlers are given: the registry's domain services, wired by the server.
import type { RegistryAccess } from "../access.js";
import type { BlobService } from "../blobs.js";
import type { ManifestService } from "../manifests.js";
import type { RegistryMetadata } from "../metadata.js";

export interface RegistryServices {
  access: RegistryAccess;
  blobs: BlobService;
  manifests: ManifestService;
  metadata: RegistryMetadata;
}
