// `docker ps`: which records to show and in what order (newest first), with Docker's filters
// (status, name, id, label, ancestor, exited, before, since, volume, network, expose, publish).
import { InvalidParameterError } from "./container-errors.js";
import type { ContainerRecord } from "./container-record.js";
import { isRunning } from "./container-status.js";

export type ListFilters = Record<string, string[]>;

export interface ListOptions {
  all: boolean;
  limit?: number; // > 0: the N most recently created, stopped or not
  filters: ListFilters;
}

const STATUSES = new Set(["created", "restarting", "running", "removing", "paused", "exited", "dead"]);
const KEYS = new Set([
  "status",
  "name",
  "id",
  "label",
  "ancestor",
  "exited",
  "before",
  "since",
  "volume",
  "network",
  "expose",
  "publish",
]);

export interface ListContext {
  /** Image IDs an `ancestor` value names (its id or every id of that name); empty when unknown. */
  imageIds(ref: string): string[];
  /** The record a before/since value names, or a 404 error. */
  find(ref: string): ContainerRecord;
}

function labelMatches(labels: Record<string, string>, spec: string): boolean {
  const eq = spec.indexOf("=");
  if (eq < 0) return spec in labels;
  return labels[spec.slice(0, eq)] === spec.slice(eq + 1);
}

function safeRegex(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch {
    throw new InvalidParameterError(`invalid filter 'name=${pattern}'`);
  }
}

export function filterRecords(
  records: readonly ContainerRecord[],
  o: ListOptions,
  ctx: ListContext,
): ContainerRecord[] {
  const f = o.filters;
  for (const key of Object.keys(f))
    if (!KEYS.has(key)) throw new InvalidParameterError(`invalid filter '${key}'`);
  for (const s of f.status ?? [])
    if (!STATUSES.has(s)) throw new InvalidParameterError(`invalid filter 'status=${s}'`);
  const exited = (f.exited ?? []).map((e) => {
    if (!/^-?[0-9]+$/.test(e)) throw new InvalidParameterError(`invalid filter 'exited=${e}'`);
    return Number(e);
  });
  const before = f.before?.[0] !== undefined ? Date.parse(ctx.find(f.before[0]).created) : undefined;
  const since = f.since?.[0] !== undefined ? Date.parse(ctx.find(f.since[0]).created) : undefined;
  const ancestors = new Set((f.ancestor ?? []).flatMap((a) => ctx.imageIds(a)));
  const names = (f.name ?? []).map(safeRegex);
  const any = <T>(list: T[] | undefined, test: (v: T) => boolean): boolean =>
    list === undefined || list.length === 0 || list.some(test);

  const sorted = [...records].sort(
    (a, b) => Date.parse(b.created) - Date.parse(a.created) || (a.id < b.id ? 1 : -1),
  );
  const showAll =
    o.all ||
    (o.limit !== undefined && o.limit > 0) ||
    before !== undefined ||
    since !== undefined ||
    (f.status?.length ?? 0) > 0 ||
    exited.length > 0;
  const out: ContainerRecord[] = [];
  for (const r of sorted) {
    if (!showAll && !isRunning(r.state)) continue;
    if (!any(f.status, (s) => s === r.state.status)) continue;
    if (!any(f.id, (id) => r.id.startsWith(id))) continue;
    if (names.length > 0 && !names.some((re) => re.test(`/${r.name}`))) continue;
    if (!(f.label ?? []).every((l) => labelMatches(r.config.Labels ?? {}, l))) continue;
    if ((f.ancestor?.length ?? 0) > 0 && !ancestors.has(r.imageId)) continue;
    if (exited.length > 0 && (r.state.status !== "exited" || !exited.includes(r.state.exitCode))) continue;
    if (before !== undefined && Date.parse(r.created) >= before) continue;
    if (since !== undefined && Date.parse(r.created) <= since) continue;
    if (!any(f.volume, (v) => r.mounts.some((m) => m.name === v || m.destination === v || m.source === v)))
      continue;
    if (!any(f.network, (n) => (r.hostConfig.NetworkMode ?? "bridge") === n)) continue;
    if (
      !any(f.expose, (p) =>
        Object.keys(r.config.ExposedPorts ?? {}).includes(p.includes("/") ? p : `${p}/tcp`),
      )
    )
      continue;
    if (
      !any(f.publish, (p) =>
        (r.network?.ports ?? []).some(
          (b) => `${b.hostPort}/${b.protocol}` === (p.includes("/") ? p : `${p}/tcp`),
        ),
      )
    )
      continue;
    out.push(r);
    if (o.limit !== undefined && o.limit > 0 && out.length >= o.limit) break;
  }
  return out;
}
