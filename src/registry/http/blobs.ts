// Blob endpoints: GET/HEAD (with Range) and DELETE of `/v2/<name>/blobs/<digest>`.
import { parseDigest, type Digest } from "../../oci/digest.js";
import { RegistryError } from "../errors.js";
import { parseRangeHeader } from "./headers.js";
import { DIGEST, NAME, type Route } from "./route.js";
import type { RegistryServices } from "./services.js";

export function requireDigest(value: string): Digest {
  try {
    return parseDigest(value);
  } catch (err) {
    throw new RegistryError("DIGEST_INVALID", (err as Error).message);
  }
}

export function blobRoutes({ blobs, access }: RegistryServices): Route[] {
  const pattern = new RegExp(`^/v2/${NAME}/blobs/${DIGEST}$`);
  return [
    {
      name: "blob.get",
      methods: ["GET", "HEAD"],
      pattern,
      requires: ({ name }) => [{ repository: name!, actions: ["pull"] }],
      async handle({ request, reply, params, caller }) {
        const name = params.name!;
        const digest = requireDigest(params.digest!);
        const link = blobs.stat(name, digest);
        // A push checks with HEAD before relying on a blob; keep the GC off it for a while.
        if (request.method === "HEAD" && access.granted(caller, name, ["push"]).length > 0) {
          blobs.touch(name, link);
        }
        reply.header("Docker-Content-Digest", digest).header("Accept-Ranges", "bytes");
        reply.header("Content-Type", "application/octet-stream");
        reply.header("ETag", `"${digest}"`).header("Cache-Control", "max-age=31536000");
        let range;
        try {
          range = parseRangeHeader(request.headers.range, link.size);
        } catch (err) {
          reply.header("Content-Range", `bytes */${link.size}`);
          throw err;
        }
        if (request.method === "HEAD") {
          return reply.header("Content-Length", link.size).code(200).send();
        }
        if (range) {
          reply.code(206).header("Content-Range", `bytes ${range.start}-${range.end}/${link.size}`);
          reply.header("Content-Length", range.end - range.start + 1);
        } else {
          reply.code(200).header("Content-Length", link.size);
        }
        return reply.stream((sink) => blobs.copyTo(digest, sink, range));
      },
    },
    {
      name: "blob.delete",
      methods: ["DELETE"],
      pattern,
      requires: ({ name }) => [{ repository: name!, actions: ["delete"] }],
      async handle({ reply, params }) {
        blobs.delete(params.name!, requireDigest(params.digest!));
        return reply.code(202).header("Content-Length", 0).send();
      },
    },
  ];
}
