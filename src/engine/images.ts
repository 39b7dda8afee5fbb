// Local image endpoints: list, inspect, history, tag, remove and prune. Transfers (pull,
// import, push, save, load) are in image-transfer.ts.
import { badParameter } from "./errors.js";
import { boolParam, checkFilterKeys, filtersParam, requiredParam } from "./params.js";
import type { EngineServices, Image } from "./ports.js";
import { sendEmpty, sendJson } from "./reply.js";
import { route, type Exchange, type Route } from "./route.js";

function createdSeconds(image: Image): number {
  const t = Date.parse(image.config.created ?? "");
  return Number.isNaN(t) ? 0 : Math.floor(t / 1000);
}

function labels(image: Image): Record<string, string> {
  return image.config.config?.Labels ?? {};
}

/** Docker's ImageSummary (GET /images/json). */
export function imageSummary(image: Image, containers: number): Record<string, unknown> {
  return {
    Id: image.id,
    ParentId: "",
    RepoTags: image.repoTags,
    RepoDigests: image.repoDigests,
    Created: createdSeconds(image),
    Size: image.size,
    SharedSize: -1,
    VirtualSize: image.size,
    Labels: labels(image),
    Containers: containers,
  };
}

/** Docker's ImageInspect (GET /images/{name}/json). */
export function imageInspect(image: Image): Record<string, unknown> {
  const c = image.config;
  return {
    Id: image.id,
    RepoTags: image.repoTags,
    RepoDigests: image.repoDigests,
    Parent: "",
    Comment: c.comment ?? "",
    Created: c.created ?? "0001-01-01T00:00:00Z",
    DockerVersion: "",
    Author: c.author ?? "",
    Config: c.config ?? {},
    Architecture: c.architecture ?? "",
    ...(c.variant !== undefined && { Variant: c.variant }),
    Os: c.os ?? "",
    Size: image.size,
    VirtualSize: image.size,
    GraphDriver: { Name: "overlay2", Data: null },
    RootFS: { Type: "layers", Layers: c.rootfs?.diff_ids ?? image.layers.map((l) => l.diffId) },
    Metadata: { LastTagTime: "0001-01-01T00:00:00Z" },
    Descriptor: {
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      digest: image.manifestDigest,
      size: 0,
    },
  };
}

/** A Docker reference filter (`busybox`, `busybox:1.*`) as a path.Match-style glob. */
function globRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, "[^/]*")
    .replace(/\?/g, "[^/]");
  return new RegExp(`^${body}$`);
}

/** Whether any tag of the image matches one of the `reference` filter patterns. */
export function matchesReference(image: Image, patterns: string[]): boolean {
  const res = patterns.map(globRegExp);
  return image.repoTags.some((tag) => {
    const colon = tag.lastIndexOf(":");
    const repo = colon > tag.lastIndexOf("/") ? tag.slice(0, colon) : tag;
    return res.some((re) => re.test(tag) || re.test(repo));
  });
}

/** Whether the image's labels satisfy every `label` filter (`key` or `key=value`). */
export function matchesLabels(image: Image, wanted: string[]): boolean {
  const have = labels(image);
  return wanted.every((w) => {
    const eq = w.indexOf("=");
    return eq === -1 ? w in have : have[w.slice(0, eq)] === w.slice(eq + 1);
  });
}

function boolFilter(values: string[] | undefined, name: string): boolean | undefined {
  const v = values?.[0];
  if (v === undefined) return undefined;
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  throw badParameter(`Invalid filter '${name}=${v}'`);
}

export function imageRoutes(services: EngineServices): Route[] {
  const { images, containers } = services;
  const name = (ex: Exchange) => ex.params.name as string;

  const list = (ex: Exchange) => {
    const filters = filtersParam(ex.query);
    checkFilterKeys(filters, ["reference", "dangling", "label", "before", "since", "until"]);
    const dangling = boolFilter(filters.dangling, "dangling");
    const used = containers.usedImages();
    let result = images.list();
    if (dangling !== undefined) result = result.filter((i) => (i.repoTags.length === 0) === dangling);
    if (filters.reference) result = result.filter((i) => matchesReference(i, filters.reference as string[]));
    if (filters.label) result = result.filter((i) => matchesLabels(i, filters.label as string[]));
    if (filters.before?.[0] !== undefined) {
      const limit = createdSeconds(images.get(filters.before[0]));
      result = result.filter((i) => createdSeconds(i) < limit);
    }
    if (filters.since?.[0] !== undefined) {
      const limit = createdSeconds(images.get(filters.since[0]));
      result = result.filter((i) => createdSeconds(i) > limit);
    }
    sendJson(
      ex,
      200,
      result
        .sort((a, b) => createdSeconds(b) - createdSeconds(a))
        .map((i) => imageSummary(i, used.get(i.id)?.length ?? 0)),
    );
    return Promise.resolve();
  };

  const inspect = (ex: Exchange) => {
    sendJson(ex, 200, imageInspect(images.get(name(ex))));
    return Promise.resolve();
  };

  const history = (ex: Exchange) => {
    sendJson(ex, 200, images.history(name(ex)));
    return Promise.resolve();
  };

  const tag = (ex: Exchange) => {
    const repo = requiredParam(ex.query, "repo");
    const t = ex.query.get("tag") || "latest";
    images.tag(name(ex), `${repo}:${t}`);
    sendEmpty(ex, 201);
    return Promise.resolve();
  };

  const remove = async (ex: Exchange) => {
    const used = containers.usedImages();
    const report = await images.remove(name(ex), {
      force: boolParam(ex.query, "force"),
      noPrune: boolParam(ex.query, "noprune"),
      usedBy: (id) => used.get(id) ?? [],
    });
    sendJson(ex, 200, report);
  };

  const prune = async (ex: Exchange) => {
    const filters = filtersParam(ex.query);
    checkFilterKeys(filters, ["dangling", "label", "until"]);
    const danglingOnly = boolFilter(filters.dangling, "dangling") ?? true;
    const used = containers.usedImages();
    const candidates = images
      .list()
      .filter((i) => (used.get(i.id)?.length ?? 0) === 0)
      .filter((i) => !danglingOnly || i.repoTags.length === 0)
      .filter((i) => !filters.label || matchesLabels(i, filters.label));
    const deleted: Array<{ Untagged?: string; Deleted?: string }> = [];
    let reclaimed = 0;
    for (const image of candidates) {
      try {
        deleted.push(
          ...(await images.remove(image.id, { force: !danglingOnly, noPrune: false, usedBy: () => [] })),
        );
        reclaimed += image.size;
      } catch {
        // Taken into use, or removed with another image meanwhile.
      }
    }
    sendJson(ex, 200, { ImagesDeleted: deleted.length > 0 ? deleted : null, SpaceReclaimed: reclaimed });
  };

  const n = (suffix: string) => new RegExp(`^/images/(?<name>.+)${suffix}$`);
  return [
    route("image.list", "GET", /^\/images\/json$/, list),
    route("image.prune", "POST", /^\/images\/prune$/, prune),
    route("image.inspect", "GET", n("/json"), inspect),
    route("image.history", "GET", n("/history"), history),
    route("image.tag", "POST", n("/tag"), tag),
    route("image.remove", "DELETE", n(""), remove),
  ];
}
