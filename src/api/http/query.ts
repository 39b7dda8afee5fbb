// Query parameters of resource requests (kubectl-wire §3.3) as registry options, with
// Kubernetes' wording when a value is not acceptable.
import { badRequest } from "../errors.js";
import type { DeleteOptions, ListOptions, WatchOptions, WriteOptions } from "./deps.js";
import { parseBool } from "./request-info.js";

function unsupported(field: string, value: string, supported: readonly string[]): never {
  throw badRequest(
    `${field}: Unsupported value: "${value}": supported values: ${supported.map((s) => `"${s}"`).join(", ")}`,
  );
}

function optionalString(q: URLSearchParams, name: string): string | undefined {
  const v = q.get(name);
  return v === null || v === "" ? undefined : v;
}

function optionalInt(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === "") return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`${name}: Invalid value: "${v}": must be an integer`);
  return Number(v);
}

function optionalBool(q: URLSearchParams, name: string): boolean | undefined {
  const v = q.get(name);
  if (v === null || v === "") return undefined;
  const b = parseBool(v);
  if (b === undefined) throw badRequest(`${name}: Invalid value: "${v}": must be a boolean`);
  return b;
}

const FIELD_VALIDATION = ["Ignore", "Warn", "Strict"] as const;
const PROPAGATION = ["Orphan", "Background", "Foreground"] as const;

export function listOptions(q: URLSearchParams): ListOptions {
  const limit = optionalInt(q, "limit");
  if (limit !== undefined && limit < 0)
    throw badRequest(`limit: Invalid value: ${limit}: must be 0 or greater`);
  const o: ListOptions = {};
  const labelSelector = optionalString(q, "labelSelector");
  const fieldSelector = optionalString(q, "fieldSelector");
  const cont = optionalString(q, "continue");
  const resourceVersion = q.get("resourceVersion") ?? undefined;
  const resourceVersionMatch = optionalString(q, "resourceVersionMatch");
  if (labelSelector !== undefined) o.labelSelector = labelSelector;
  if (fieldSelector !== undefined) o.fieldSelector = fieldSelector;
  if (limit !== undefined && limit > 0) o.limit = limit;
  if (cont !== undefined) o.continue = cont;
  if (resourceVersion !== undefined) o.resourceVersion = resourceVersion;
  if (resourceVersionMatch !== undefined) {
    if (resourceVersionMatch !== "NotOlderThan" && resourceVersionMatch !== "Exact") {
      unsupported("resourceVersionMatch", resourceVersionMatch, ["Exact", "NotOlderThan"]);
    }
    o.resourceVersionMatch = resourceVersionMatch;
  }
  return o;
}

export function watchOptions(q: URLSearchParams, pinnedName?: string): WatchOptions {
  const o: WatchOptions = {};
  const labelSelector = optionalString(q, "labelSelector");
  let fieldSelector = optionalString(q, "fieldSelector");
  // The old form GET .../pods/NAME?watch=true watches one object.
  if (pinnedName !== undefined && pinnedName !== "") {
    fieldSelector = [fieldSelector, `metadata.name=${pinnedName}`].filter(Boolean).join(",");
  }
  const resourceVersion = q.get("resourceVersion") ?? undefined;
  const allowWatchBookmarks = optionalBool(q, "allowWatchBookmarks");
  const sendInitialEvents = optionalBool(q, "sendInitialEvents");
  const timeoutSeconds = optionalInt(q, "timeoutSeconds");
  if (labelSelector !== undefined) o.labelSelector = labelSelector;
  if (fieldSelector !== undefined) o.fieldSelector = fieldSelector;
  if (resourceVersion !== undefined) o.resourceVersion = resourceVersion;
  if (allowWatchBookmarks !== undefined) o.allowWatchBookmarks = allowWatchBookmarks;
  if (sendInitialEvents !== undefined) o.sendInitialEvents = sendInitialEvents;
  if (timeoutSeconds !== undefined && timeoutSeconds > 0) o.timeoutSeconds = timeoutSeconds;
  return o;
}

/** dryRun, fieldManager, fieldValidation of a write (the user is added by the caller). */
export function writeOptions(
  q: URLSearchParams,
  userAgent: string | undefined,
): Omit<WriteOptions, "user"> & { fieldManagerGiven: boolean } {
  const dryRun = q.getAll("dryRun").filter((v) => v !== "");
  for (const v of dryRun) if (v !== "All") unsupported("dryRun", v, ["All"]);
  const given = optionalString(q, "fieldManager");
  if (given !== undefined && given.length > 128) {
    throw badRequest(`fieldManager: Too long: may not be more than 128 bytes`);
  }
  const fieldValidation = optionalString(q, "fieldValidation") ?? "Warn";
  if (!(FIELD_VALIDATION as readonly string[]).includes(fieldValidation)) {
    unsupported("fieldValidation", fieldValidation, FIELD_VALIDATION);
  }
  return {
    dryRun: dryRun.length > 0,
    fieldManager: given ?? managerFromUserAgent(userAgent),
    fieldManagerGiven: given !== undefined,
    fieldValidation: fieldValidation as (typeof FIELD_VALIDATION)[number],
  };
}

/** Kubernetes names an unnamed manager after the client: the User-Agent up to its first `/`. */
export function managerFromUserAgent(userAgent: string | undefined): string {
  const ua = (userAgent ?? "").split("/")[0]?.trim() ?? "";
  return (ua === "" ? "unknown" : ua).slice(0, 128);
}

/** DeleteOptions from the query and the body (the body wins, as in Kubernetes). */
export function deleteOptions(q: URLSearchParams, body: Record<string, unknown> | undefined): DeleteOptions {
  const o: DeleteOptions = {};
  const policy = (body?.propagationPolicy as string | undefined) ?? optionalString(q, "propagationPolicy");
  if (body?.orphanDependents === true && policy === undefined) o.propagationPolicy = "Orphan";
  if (policy !== undefined) {
    if (!(PROPAGATION as readonly string[]).includes(policy)) {
      unsupported("propagationPolicy", policy, PROPAGATION);
    }
    o.propagationPolicy = policy as (typeof PROPAGATION)[number];
  }
  const grace = body?.gracePeriodSeconds ?? optionalInt(q, "gracePeriodSeconds");
  if (grace !== undefined && grace !== null) {
    if (typeof grace !== "number" || !Number.isInteger(grace)) {
      throw badRequest("gracePeriodSeconds: Invalid value: must be an integer");
    }
    o.gracePeriodSeconds = grace;
  }
  const pre = body?.preconditions;
  if (typeof pre === "object" && pre !== null) {
    const p = pre as { uid?: unknown; resourceVersion?: unknown };
    o.preconditions = {
      ...(typeof p.uid === "string" && { uid: p.uid }),
      ...(typeof p.resourceVersion === "string" && { resourceVersion: p.resourceVersion }),
    };
  }
  return o;
}

/** dryRun may also come in a DeleteOptions body. */
export function bodyDryRun(body: Record<string, unknown> | undefined): boolean {
  const d = body?.dryRun;
  if (!Array.isArray(d)) return false;
  for (const v of d) if (v !== "All") unsupported("dryRun", String(v), ["All"]);
  return d.length > 0;
}
