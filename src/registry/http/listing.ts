// Listing endpoints: `/v2/` (version check), tags, referrers and the catalog.
import { MediaType } from "../../oci/media-types.js";
import { isValidTag } from "../../oci/names.js";
import { RegistryError } from "../errors.js";
import { requireDigest } from "./blobs.js";
import { NAME, type Route } from "./route.js";
import type { RegistryServices } from "./services.js";

const DEFAULT_PAGE = 1000;

/** `n` and `last` of a paginated list; `n=0` asks for an empty page. */
function pageOf(query: URLSearchParams): { n: number; last?: string } {
  const raw = query.get("n");
  const n = raw === null ? DEFAULT_PAGE : Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new RegistryError("UNSUPPORTED", `invalid page size n=${raw}`, undefined, 400);
  const last = query.get("last");
  return last === null ? { n } : { n, last };
}

function nextLink(path: string, n: number, last: string): string {
  return `<${path}?n=${n}&last=${encodeURIComponent(last)}>; rel="next"`;
}

export function listingRoutes({ manifests, metadata, access }: RegistryServices): Route[] {
  return [
    {
      name: "base",
      methods: ["GET", "HEAD"],
      pattern: /^\/v2\/?$/,
      requires: () => "authenticated",
      async handle({ reply }) {
        return reply.code(200).header("Content-Type", "application/json").send("{}");
      },
    },
    {
      name: "tags.list",
      methods: ["GET"],
      pattern: new RegExp(`^/v2/${NAME}/tags/list$`),
      requires: ({ name }) => [{ repository: name!, actions: ["pull"] }],
      async handle({ reply, params, query }) {
        const name = params.name!;
        if (!metadata.getRepository(name)) {
          throw new RegistryError("NAME_UNKNOWN", `repository ${name} not known to registry`);
        }
        const page = pageOf(query);
        if (page.last !== undefined && !isValidTag(page.last)) {
          throw new RegistryError("TAG_INVALID", `invalid last=${page.last}`);
        }
        const tags = page.n === 0 ? [] : metadata.listTags(name, page);
        if (page.n > 0 && tags.length === page.n)
          reply.header("Link", nextLink(`/v2/${name}/tags/list`, page.n, tags.at(-1)!));
        return reply.code(200).send({ name, tags });
      },
    },
    {
      name: "referrers",
      methods: ["GET"],
      pattern: new RegExp(`^/v2/${NAME}/referrers/(?<digest>[^/]+)$`),
      requires: ({ name }) => [{ repository: name!, actions: ["pull"] }],
      async handle({ reply, params, query }) {
        const artifactType = query.get("artifactType") ?? undefined;
        const referrers = manifests.referrers(params.name!, requireDigest(params.digest!), artifactType);
        if (artifactType !== undefined) reply.header("OCI-Filters-Applied", "artifactType");
        const index = {
          schemaVersion: 2,
          mediaType: MediaType.ociIndex,
          manifests: referrers.map((r) => ({
            mediaType: r.mediaType,
            digest: r.digest,
            size: r.size,
            ...(r.artifactType !== undefined && { artifactType: r.artifactType }),
            ...(r.annotations !== undefined && { annotations: r.annotations }),
          })),
        };
        return reply.code(200).header("Content-Type", MediaType.ociIndex).send(JSON.stringify(index));
      },
    },
    {
      name: "catalog",
      methods: ["GET"],
      pattern: /^\/v2\/_catalog$/,
      requires: () => "authenticated",
      async handle({ reply, query, caller }) {
        const page = pageOf(query);
        const principal = access.principalOf(caller);
        const visible: string[] = [];
        let last = page.last;
        // Page through names, keeping those the caller may pull, until the page is full.
        while (page.n > 0 && visible.length < page.n) {
          const batch = metadata.listRepositories({ n: 500, ...(last !== undefined && { last }) });
          if (batch.length === 0) break;
          for (const name of batch) {
            const granted = principal ? access.granted({ kind: "user", principal }, name, ["pull"]) : [];
            if (granted.length > 0) visible.push(name);
            if (visible.length === page.n) break;
          }
          last = batch.at(-1);
        }
        if (page.n > 0 && visible.length === page.n)
          reply.header("Link", nextLink("/v2/_catalog", page.n, visible.at(-1)!));
        return reply.code(200).send({ repositories: visible });
      },
    },
  ];
}
