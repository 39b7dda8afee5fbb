// Volume endpoints over the VolumeStore, and the three fixed networks (`bridge`, `host`,
// `none`) that `docker run --network` and `docker network ls` need.
import { readJsonObject } from "./body.js";
import { badParameter, notFound } from "./errors.js";
import { boolParam, checkFilterKeys, filtersParam } from "./params.js";
import type { DockerVolume, EngineServices } from "./ports.js";
import { sendEmpty, sendJson } from "./reply.js";
import { route, type Exchange, type Route } from "./route.js";

function stringMap(value: unknown, field: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (
    typeof value !== "object" ||
    Array.isArray(value) ||
    !Object.values(value).every((v) => typeof v === "string")
  ) {
    throw badParameter(`invalid JSON: ${field} must be a map of strings`);
  }
  return value as Record<string, string>;
}

function labelsMatch(volume: DockerVolume, wanted: string[]): boolean {
  const have = volume.Labels ?? {};
  return wanted.every((w) => {
    const eq = w.indexOf("=");
    return eq === -1 ? w in have : have[w.slice(0, eq)] === w.slice(eq + 1);
  });
}

export function volumeRoutes(services: EngineServices): Route[] {
  const { volumes, containers } = services;

  const list = (ex: Exchange) => {
    const filters = filtersParam(ex.query);
    checkFilterKeys(filters, ["name", "dangling", "label", "driver"]);
    const used = containers.usedVolumes();
    let result = volumes.list();
    if (filters.name) result = result.filter((v) => filters.name?.some((n) => v.Name.includes(n)));
    if (filters.driver) result = result.filter((v) => filters.driver?.includes(v.Driver));
    if (filters.label) result = result.filter((v) => labelsMatch(v, filters.label as string[]));
    const dangling = filters.dangling?.[0];
    if (dangling !== undefined) {
      const want = dangling === "true" || dangling === "1";
      result = result.filter((v) => ((used.get(v.Name)?.length ?? 0) === 0) === want);
    }
    sendJson(ex, 200, { Volumes: result, Warnings: [] });
    return Promise.resolve();
  };

  const create = async (ex: Exchange) => {
    const body = await readJsonObject(ex.request);
    if (body.Name !== undefined && typeof body.Name !== "string")
      throw badParameter("invalid JSON: Name must be a string");
    if (body.Driver !== undefined && body.Driver !== "" && body.Driver !== "local") {
      throw notFound(`plugin "${String(body.Driver)}" not found`);
    }
    const labels = stringMap(body.Labels, "Labels");
    const driverOpts = stringMap(body.DriverOpts, "DriverOpts");
    const volume = await volumes.create({
      ...(typeof body.Name === "string" && body.Name !== "" && { name: body.Name }),
      ...(labels !== undefined && { labels }),
      ...(driverOpts !== undefined && { driverOpts }),
    });
    sendJson(ex, 201, volume);
  };

  const inspect = (ex: Exchange) => {
    sendJson(ex, 200, volumes.get(ex.params.name as string));
    return Promise.resolve();
  };

  const remove = async (ex: Exchange) => {
    const name = ex.params.name as string;
    await volumes.remove(name, {
      force: boolParam(ex.query, "force"),
      inUseBy: containers.usedVolumes().get(name) ?? [],
    });
    sendEmpty(ex, 204);
  };

  const prune = async (ex: Exchange) => {
    const filters = filtersParam(ex.query);
    checkFilterKeys(filters, ["label", "all"]);
    const all = filters.all?.[0] === "true" || filters.all?.[0] === "1";
    const inUse = new Set(
      [...containers.usedVolumes()].filter(([, ids]) => ids.length > 0).map(([name]) => name),
    );
    // Volumes that fail the label filter are kept by calling them "in use".
    if (filters.label) {
      for (const v of volumes.list()) if (!labelsMatch(v, filters.label)) inUse.add(v.Name);
    }
    sendJson(ex, 200, await volumes.prune(inUse, { all }));
  };

  return [
    route("volume.list", "GET", /^\/volumes$/, list),
    route("volume.create", "POST", /^\/volumes\/create$/, create),
    route("volume.prune", "POST", /^\/volumes\/prune$/, prune),
    route("volume.inspect", "GET", /^\/volumes\/(?<name>[^/]+)$/, inspect),
    route("volume.remove", "DELETE", /^\/volumes\/(?<name>[^/]+)$/, remove),
  ];
}
