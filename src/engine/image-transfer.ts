// Image transfers: pull and import (POST /images/create), push, save (GET /images/get) and
// load, with Docker's JSON progress streamed one message per line.
import { badParameter } from "./errors.js";
import { boolParam } from "./params.js";
import type { EngineServices, Image, ProgressMessage } from "./ports.js";
import { ProgressStream } from "./progress.js";
import { decodeRegistryAuth } from "./registry-auth.js";
import { startStream } from "./reply.js";
import { route, type Exchange, type Route } from "./route.js";

/** `docker.io/library/busybox:latest` → `busybox:latest`, as Docker prints names. */
export function familiarName(ref: string): string {
  if (ref.startsWith("docker.io/library/")) return ref.slice("docker.io/library/".length);
  if (ref.startsWith("docker.io/")) return ref.slice("docker.io/".length);
  return ref;
}

/** Whether the last path component of a reference already carries a tag or a digest. */
function hasTagOrDigest(ref: string): boolean {
  return ref.includes("@") || ref.slice(ref.lastIndexOf("/") + 1).includes(":");
}

/** The reference to pull from `fromImage` and `tag` (which may be a digest), as the CLI sends them. */
export function pullReference(fromImage: string, tag: string | null): string {
  if (tag === null || tag === "") return hasTagOrDigest(fromImage) ? fromImage : `${fromImage}:latest`;
  if (hasTagOrDigest(fromImage))
    throw badParameter(`invalid reference: both ${fromImage} and tag ${tag} were given`);
  return tag.includes(":") ? `${fromImage}@${tag}` : `${fromImage}:${tag}`;
}

/** `changes` query values: the CLI sends one per `--change`; a value may hold several lines. */
function changesParam(query: URLSearchParams): string[] {
  return query
    .getAll("changes")
    .flatMap((c) => c.split("\n"))
    .map((c) => c.trim())
    .filter((c) => c !== "");
}

export function imageTransferRoutes(services: EngineServices): Route[] {
  const { images } = services;

  const pull = async (ex: Exchange, fromImage: string) => {
    const ref = pullReference(fromImage, ex.query.get("tag"));
    const credentials = decodeRegistryAuth(ex.request.headers["x-registry-auth"]);
    const platform = ex.query.get("platform") || undefined;
    const progress = new ProgressStream(ex);
    await progress.run(async (onProgress) => {
      const image = await images.pull(ref, {
        onProgress,
        signal: ex.signal,
        ...(credentials !== undefined && { credentials }),
        ...(platform !== undefined && { platform }),
      });
      // The lines `docker pull` ends with, unless the service said them already.
      if (!progress.statuses.some((s) => s.startsWith("Digest:"))) {
        onProgress({ status: `Digest: ${image.manifestDigest}` });
      }
      if (!progress.statuses.some((s) => s.startsWith("Status:"))) {
        onProgress({ status: `Status: Downloaded newer image for ${familiarName(ref)}` });
      }
    });
  };

  const importTar = async (ex: Exchange) => {
    const src = ex.query.get("fromSrc");
    if (src !== "-")
      throw badParameter(
        "importing from a URL is not supported; send the archive as the request body (fromSrc=-)",
      );
    const repo = ex.query.get("repo") || "";
    const tag = ex.query.get("tag") || "";
    const ref = repo === "" ? undefined : tag === "" ? repo : `${repo}:${tag}`;
    const message = ex.query.get("message") || undefined;
    const platform = ex.query.get("platform") || undefined;
    const progress = new ProgressStream(ex);
    await progress.run(async (onProgress) => {
      const image: Image = await images.importRootfs(ex.request, {
        changes: changesParam(ex.query),
        ...(ref !== undefined && { ref }),
        ...(message !== undefined && { message }),
        ...(platform !== undefined && { platform }),
      });
      onProgress({ status: image.id });
    });
  };

  const create = async (ex: Exchange) => {
    const fromImage = ex.query.get("fromImage");
    if (fromImage !== null && fromImage !== "") return pull(ex, fromImage);
    if (ex.query.get("fromSrc") !== null) return importTar(ex);
    throw badParameter("either fromImage or fromSrc is required");
  };

  const push = async (ex: Exchange) => {
    const name = ex.params.name as string;
    const tag = ex.query.get("tag") || "";
    const credentials = decodeRegistryAuth(ex.request.headers["x-registry-auth"]);
    let refs: string[];
    if (tag !== "") refs = [`${name}:${tag}`];
    else if (hasTagOrDigest(name)) refs = [name];
    else {
      // `docker push --all-tags`: every local tag of the repository.
      const familiar = familiarName(name);
      refs = images
        .list()
        .flatMap((i) => i.repoTags)
        .filter((t) => t.slice(0, t.lastIndexOf(":")) === familiar);
      if (refs.length === 0) throw badParameter(`An image does not exist locally with the tag: ${familiar}`);
    }
    images.get(refs[0] as string); // 404 before the stream starts
    const progress = new ProgressStream(ex);
    await progress.run(async (onProgress) => {
      for (const ref of refs) {
        const pushed = await images.push(ref, {
          onProgress,
          signal: ex.signal,
          ...(credentials !== undefined && { credentials }),
        });
        if (!progress.statuses.some((s) => s.includes(`: digest: ${pushed.digest}`))) {
          onProgress({ status: `${pushed.tag}: digest: ${pushed.digest} size: ${pushed.size}` });
          const aux: ProgressMessage = {
            progressDetail: {},
            aux: { Tag: pushed.tag, Digest: pushed.digest, Size: pushed.size },
          };
          onProgress(aux);
        }
      }
    });
  };

  const save = async (ex: Exchange, names: string[]) => {
    if (names.length === 0) throw badParameter("no image names given");
    for (const n of names) images.get(n); // 404 before the archive starts
    const res = startStream(ex, "application/x-tar");
    await images.save(names, res);
    res.end();
  };

  const load = async (ex: Exchange) => {
    const quiet = boolParam(ex.query, "quiet");
    const progress = new ProgressStream(ex);
    await progress.run(async (onProgress) => {
      const loaded = await images.load(ex.request, quiet ? () => undefined : onProgress);
      for (const name of loaded) {
        const line = name.startsWith("sha256:") ? `Loaded image ID: ${name}\n` : `Loaded image: ${name}\n`;
        onProgress({ stream: line });
      }
    });
  };

  const n = (suffix: string) => new RegExp(`^/images/(?<name>.+)${suffix}$`);
  return [
    route("image.create", "POST", /^\/images\/create$/, create),
    route("image.load", "POST", /^\/images\/load$/, load),
    route("image.save", "GET", /^\/images\/get$/, (ex) => save(ex, ex.query.getAll("names"))),
    route("image.save", "GET", n("/get"), (ex) => save(ex, [ex.params.name as string])),
    route("image.push", "POST", n("/push"), push),
  ];
}
