// Manifest endpoints: GET/HEAD (with Accept negotiation), PUT and DELETE of
// `/v2/<name>/manifests/<reference>`, where the reference is a tag or a digest.
import { isIndexMediaType } from "../../oci/media-types.js";
import { RegistryError } from "../errors.js";
import { MAX_MANIFEST_SIZE, parseReference } from "../manifests.js";
import { readBoundedBody } from "./body.js";
import { acceptedTypes } from "./headers.js";
import { NAME, type Route } from "./route.js";
import type { RegistryServices } from "./services.js";

// A client that lists types but no index type cannot use an index (old Docker clients).
function accepts(accept: string[], mediaType: string): boolean {
  if (accept.length === 0 || accept.includes("*/*") || accept.includes(mediaType)) return true;
  return !isIndexMediaType(mediaType);
}

export function manifestRoutes({ manifests }: RegistryServices): Route[] {
  const pattern = new RegExp(`^/v2/${NAME}/manifests/(?<reference>[^/]+)$`);
  return [
    {
      name: "manifest.get",
      methods: ["GET", "HEAD"],
      pattern,
      requires: ({ name }) => [{ repository: name!, actions: ["pull"] }],
      async handle({ request, reply, params }) {
        const name = params.name!;
        const { record, body } = await manifests.get(name, parseReference(params.reference!));
        if (!accepts(acceptedTypes(request.headers.accept), record.mediaType)) {
          throw new RegistryError(
            "MANIFEST_UNKNOWN",
            `the manifest is a ${record.mediaType}, which the Accept header does not allow`,
          );
        }
        reply
          .code(200)
          .header("Content-Type", record.mediaType)
          .header("Docker-Content-Digest", record.digest)
          .header("ETag", `"${record.digest}"`)
          .header("Content-Length", body.length);
        return request.method === "HEAD" ? reply.send() : reply.send(body);
      },
    },
    {
      name: "manifest.put",
      methods: ["PUT"],
      pattern,
      requires: ({ name }) => [{ repository: name!, actions: ["push"] }],
      async handle({ request, reply, params }) {
        const name = params.name!;
        const reference = parseReference(params.reference!);
        const body = await readBoundedBody(request, MAX_MANIFEST_SIZE);
        const result = await manifests.put(name, reference, body, request.headers["content-type"]);
        reply
          .code(201)
          .header("Location", `/v2/${name}/manifests/${result.digest}`)
          .header("Docker-Content-Digest", result.digest)
          .header("Content-Length", 0);
        if (result.subject !== undefined) reply.header("OCI-Subject", result.subject);
        return reply.send();
      },
    },
    {
      name: "manifest.delete",
      methods: ["DELETE"],
      pattern,
      requires: ({ name }) => [{ repository: name!, actions: ["delete"] }],
      async handle({ reply, params }) {
        manifests.delete(params.name!, parseReference(params.reference!));
        return reply.code(202).header("Content-Length", 0).send();
      },
    },
  ];
}
