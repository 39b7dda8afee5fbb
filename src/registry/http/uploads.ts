// Blob upload endpoints: POST (new session, monolithic upload, cross-repository mount),
// PATCH (chunks, ordered by Content-Range, or streamed), PUT (complete), GET (progress),
// DELETE (cancel) under `/v2/<name>/blobs/uploads/`.
import type { IncomingMessage } from "node:http";
import type { Reply } from "./reply.js";
import { isValidRepositoryName } from "../../oci/names.js";
import type { Digest } from "../../oci/digest.js";
import { RegistryError } from "../errors.js";
import { requireDigest } from "./blobs.js";
import { parseContentRange, uploadRange } from "./headers.js";
import { NAME, type Route } from "./route.js";
import type { RegistryServices } from "./services.js";

/** The body's declared length; undefined when it is streamed (chunked) or not declared. */
function declaredLength(request: IncomingMessage): number | undefined {
  const length = request.headers["content-length"];
  return length === undefined ? undefined : Number(length);
}

function hasBody(request: IncomingMessage): boolean {
  const length = declaredLength(request);
  return length !== undefined ? length > 0 : request.headers["transfer-encoding"] !== undefined;
}

function uploadLocation(name: string, id: string): string {
  return `/v2/${name}/blobs/uploads/${id}`;
}

function sendProgress(reply: Reply, name: string, id: string, offset: number, status: number) {
  return reply
    .code(status)
    .header("Location", uploadLocation(name, id))
    .header("Range", uploadRange(offset))
    .header("Docker-Upload-UUID", id)
    .header("Content-Length", 0)
    .send();
}

function sendCreated(reply: Reply, name: string, digest: Digest) {
  return reply
    .code(201)
    .header("Location", `/v2/${name}/blobs/${digest}`)
    .header("Docker-Content-Digest", digest)
    .header("Content-Length", 0)
    .send();
}

export function uploadRoutes({ blobs, access }: RegistryServices): Route[] {
  const session = new RegExp(`^/v2/${NAME}/blobs/uploads/(?<uuid>[^/]+)$`);
  const push = ({ name }: Record<string, string>) => [{ repository: name!, actions: ["push" as const] }];
  return [
    {
      name: "upload.start",
      methods: ["POST"],
      pattern: new RegExp(`^/v2/${NAME}/blobs/uploads/?$`),
      requires: push,
      async handle({ request, reply, params, query, caller }) {
        const name = params.name!;
        const mount = query.get("mount");
        const from = query.get("from");
        if (mount !== null && from !== null) {
          const digest = requireDigest(mount);
          // Mounting needs pull rights on the source; without them the client just uploads.
          const mayRead = isValidRepositoryName(from) && access.granted(caller, from, ["pull"]).length === 1;
          if (mayRead && (await blobs.mount(name, digest, from))) return sendCreated(reply, name, digest);
        }
        const digestParam = query.get("digest");
        if (digestParam !== null) {
          const digest = requireDigest(digestParam);
          await blobs.putMonolithic(name, digest, request, declaredLength(request));
          return sendCreated(reply, name, digest);
        }
        const upload = blobs.startUpload(name);
        return sendProgress(reply, name, upload.id, 0, 202);
      },
    },
    {
      name: "upload.status",
      methods: ["GET"],
      pattern: session,
      requires: push,
      async handle({ reply, params }) {
        const state = await blobs.uploadState(params.name!, params.uuid!);
        return sendProgress(reply, params.name!, params.uuid!, state.offset, 204);
      },
    },
    {
      name: "upload.patch",
      methods: ["PATCH"],
      pattern: session,
      requires: push,
      async handle({ request, reply, params }) {
        const range = parseContentRange(request.headers["content-range"]);
        const length = declaredLength(request);
        if (range && length !== undefined && length !== range.end - range.start + 1) {
          throw new RegistryError(
            "SIZE_INVALID",
            `Content-Length ${length} does not match Content-Range ${range.start}-${range.end}`,
          );
        }
        const state = await blobs.append(params.name!, params.uuid!, request, {
          ...(range && { range }),
          ...(length !== undefined && { length }),
        });
        return sendProgress(reply, params.name!, params.uuid!, state.offset, 202);
      },
    },
    {
      name: "upload.complete",
      methods: ["PUT"],
      pattern: session,
      requires: push,
      async handle({ request, reply, params, query }) {
        const digestParam = query.get("digest");
        if (digestParam === null)
          throw new RegistryError("DIGEST_INVALID", "the digest query parameter is required");
        const digest = requireDigest(digestParam);
        const name = params.name!;
        if (hasBody(request)) {
          const range = parseContentRange(request.headers["content-range"]);
          const length = declaredLength(request);
          await blobs.append(name, params.uuid!, request, {
            ...(range && { range }),
            ...(length !== undefined && { length }),
          });
        }
        await blobs.finishUpload(name, params.uuid!, digest);
        return sendCreated(reply, name, digest);
      },
    },
    {
      name: "upload.cancel",
      methods: ["DELETE"],
      pattern: session,
      requires: push,
      async handle({ reply, params }) {
        await blobs.cancelUpload(params.name!, params.uuid!);
        return reply.code(204).send();
      },
    },
  ];
}
