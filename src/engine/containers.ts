// Container lifecycle endpoints: create, list, inspect, start, stop, restart, kill, rename,
// resize, remove, prune, and commit. Streams (attach, logs, wait, stats, export, top) are in
// container-streams.ts.
import { readJsonObject, readJson, asObject } from "./body.js";
import { badParameter } from "./errors.js";
import {
  boolParam,
  checkFilterKeys,
  filtersParam,
  intParam,
  requiredParam,
  signalParam,
  sizeParams,
} from "./params.js";
import type { ContainerCreateBody, EngineServices } from "./ports.js";
import { sendEmpty, sendJson } from "./reply.js";
import { route, type Exchange, type Route } from "./route.js";

type CommitConfig = Parameters<EngineServices["images"]["commit"]>[0]["containerConfig"];

const CONTAINER_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** Checks a container name as moby does; returns it without a leading slash. */
export function validContainerName(name: string): string {
  if (!CONTAINER_NAME.test(name)) {
    throw badParameter(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  return name.replace(/^\//, "");
}

const LIST_FILTERS = [
  "ancestor",
  "before",
  "expose",
  "exited",
  "health",
  "id",
  "isolation",
  "is-task",
  "label",
  "name",
  "network",
  "publish",
  "since",
  "status",
  "volume",
] as const;

/** The `t` (seconds to wait before killing) of stop and restart; -1 waits forever. */
function timeoutParam(query: URLSearchParams): number | undefined {
  return intParam(query, "t", { min: -1 });
}

export function containerRoutes(services: EngineServices): Route[] {
  const { containers, images } = services;
  const id = (ex: Exchange) => ex.params.id as string;

  const create = async (ex: Exchange) => {
    const rawName = ex.query.get("name");
    const name = rawName === null || rawName === "" ? undefined : validContainerName(rawName);
    const platform = ex.query.get("platform") || undefined;
    const body = await readJsonObject(ex.request);
    if (Object.keys(body).length === 0)
      throw badParameter("Config cannot be empty in order to create a container");
    if (body.Image !== undefined && typeof body.Image !== "string")
      throw badParameter("invalid JSON: Image must be a string");
    const created = await containers.create(body as ContainerCreateBody, {
      ...(name !== undefined && { name }),
      ...(platform !== undefined && { platform }),
    });
    sendJson(ex, 201, created);
  };

  const list = (ex: Exchange) => {
    const filters = filtersParam(ex.query);
    checkFilterKeys(filters, LIST_FILTERS);
    const limit = intParam(ex.query, "limit", { min: -1 });
    const result = containers.list({
      all: boolParam(ex.query, "all"),
      ...(limit !== undefined && limit > 0 && { limit }),
      filters,
    });
    sendJson(ex, 200, result);
    return Promise.resolve();
  };

  const inspect = (ex: Exchange) => {
    sendJson(ex, 200, containers.inspect(id(ex)));
    return Promise.resolve();
  };

  const start = async (ex: Exchange) => {
    await containers.start(id(ex));
    sendEmpty(ex, 204);
  };

  const stop = async (ex: Exchange) => {
    const timeout = timeoutParam(ex.query);
    const signal = signalParam(ex.query);
    await containers.stop(id(ex), {
      ...(signal !== undefined && { signal }),
      ...(timeout !== undefined && { timeout }),
    });
    sendEmpty(ex, 204);
  };

  const restart = async (ex: Exchange) => {
    const timeout = timeoutParam(ex.query);
    const signal = signalParam(ex.query);
    await containers.restart(id(ex), {
      ...(signal !== undefined && { signal }),
      ...(timeout !== undefined && { timeout }),
    });
    sendEmpty(ex, 204);
  };

  const kill = async (ex: Exchange) => {
    await containers.kill(id(ex), signalParam(ex.query));
    sendEmpty(ex, 204);
  };

  const pause = async (ex: Exchange) => {
    await containers.pause(id(ex));
    sendEmpty(ex, 204);
  };

  const unpause = async (ex: Exchange) => {
    await containers.unpause(id(ex));
    sendEmpty(ex, 204);
  };

  const rename = async (ex: Exchange) => {
    await containers.rename(id(ex), validContainerName(requiredParam(ex.query, "name")));
    sendEmpty(ex, 204);
  };

  const resize = async (ex: Exchange) => {
    const size = sizeParams(ex.query);
    if (size.height > 0 || size.width > 0) await containers.resize(id(ex), size);
    sendEmpty(ex, 200);
  };

  const remove = async (ex: Exchange) => {
    if (boolParam(ex.query, "link")) throw badParameter("Links are not supported");
    await containers.remove(id(ex), {
      force: boolParam(ex.query, "force"),
      volumes: boolParam(ex.query, "v"),
    });
    sendEmpty(ex, 204);
  };

  const prune = async (ex: Exchange) => {
    const filters = filtersParam(ex.query);
    checkFilterKeys(filters, ["until", "label", "label!"]);
    const until = filters.until?.[0];
    const cutoff = until === undefined ? Infinity : parseUntil(until);
    const candidates = containers
      .list({ all: true, filters: filters.label ? { label: filters.label } : {} })
      .filter((c) => c.State !== "running" && c.State !== "paused" && c.State !== "restarting")
      .filter((c) => (c.Created ?? 0) < cutoff);
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const c of candidates) {
      try {
        await containers.remove(c.Id, { force: false, volumes: false });
        deleted.push(c.Id);
        reclaimed += c.SizeRw ?? 0;
      } catch {
        // It started or went away meanwhile: not ours to prune.
      }
    }
    sendJson(ex, 200, { ContainersDeleted: deleted.length > 0 ? deleted : null, SpaceReclaimed: reclaimed });
  };

  const commit = async (ex: Exchange) => {
    const ref = requiredParam(ex.query, "container");
    const repo = ex.query.get("repo") ?? "";
    const tag = ex.query.get("tag") ?? "";
    if (repo === "" && tag !== "") throw badParameter("a tag needs a repository");
    const target = repo === "" ? undefined : `${repo}:${tag === "" ? "latest" : tag}`;
    const overrides = asObject(await readJson(ex.request));
    const changes = ex.query
      .getAll("changes")
      .flatMap((c) => c.split("\n"))
      .filter((c) => c.trim() !== "");
    const source = containers.changesForCommit(ref);
    const image = await images.commit({
      parent: source.image,
      diff: source.diff,
      // The runtime's ContainerConfig and the image config's are the same Docker document.
      containerConfig: { ...source.config, ...overrides } as CommitConfig,
      changes,
      ...(target !== undefined && { ref: target }),
      ...(ex.query.get("author") && { author: ex.query.get("author") as string }),
      ...(ex.query.get("comment") && { comment: ex.query.get("comment") as string }),
    });
    sendJson(ex, 201, { Id: image.id });
  };

  const ID = "(?<id>[^/]+)";
  const c = (suffix: string) => new RegExp(`^/containers/${ID}${suffix}$`);
  return [
    route("container.create", "POST", /^\/containers\/create$/, create),
    route("container.list", "GET", /^\/containers\/json$/, list),
    route("container.prune", "POST", /^\/containers\/prune$/, prune),
    route("container.inspect", "GET", c("/json"), inspect),
    route("container.start", "POST", c("/start"), start),
    route("container.stop", "POST", c("/stop"), stop),
    route("container.restart", "POST", c("/restart"), restart),
    route("container.kill", "POST", c("/kill"), kill),
    route("container.pause", "POST", c("/pause"), pause),
    route("container.unpause", "POST", c("/unpause"), unpause),
    route("container.rename", "POST", c("/rename"), rename),
    route("container.resize", "POST", c("/resize"), resize),
    route("container.remove", "DELETE", c(""), remove),
    route("commit", "POST", /^\/commit$/, commit),
  ];
}

/** A prune `until`: unix seconds, an RFC 3339 time, or a Go duration like `24h` before now. */
export function parseUntil(value: string): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const duration = /^(\d+)(s|m|h)$/.exec(value);
  if (duration !== null) {
    const unit = { s: 1, m: 60, h: 3600 }[duration[2] as "s" | "m" | "h"];
    return Date.now() / 1000 - Number(duration[1]) * unit;
  }
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw badParameter(`invalid filter 'until=${value}'`);
  return t / 1000;
}
