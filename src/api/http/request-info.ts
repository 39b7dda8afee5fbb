// What a request is about, read from its method and URL the way Kubernetes' RequestInfoFactory
// reads it: the verb (get/list/watch/create/update/patch/delete/deletecollection), the API group
// and version, the resource, namespace, name and subresource. Paths outside /api and /apis (and
// the discovery paths /api, /api/v1, /apis, /apis/G, /apis/G/V) are non-resource requests whose
// verb is the lower-cased HTTP method; RBAC authorises them by path.

export interface RequestInfo {
  resourceRequest: boolean;
  /** The URL path, decoded segment by segment and re-joined (for non-resource authorisation). */
  path: string;
  verb: string;
  /** "api" or "apis" for resource requests, "" otherwise. */
  apiPrefix: string;
  group: string;
  version: string;
  namespace: string;
  resource: string;
  subresource: string;
  /** For authorisation: the URL's name, or the one a list's field selector pins. */
  name: string;
  /** The name in the URL only (what the handler acts on). */
  urlName: string;
  /** The segments from the resource on: resource/name/subresource/... */
  parts: string[];
}

const API_PREFIXES = new Set(["api", "apis"]);
/** Verbs that come as the first path segment after the version (the old `/watch/` form). */
const SPECIAL_VERBS = new Set(["proxy", "watch"]);
/** Verbs after which the third part is not a subresource. */
const SPECIAL_VERBS_NO_SUBRESOURCES = new Set(["proxy"]);
/** Subresources of the namespace object itself: /api/v1/namespaces/NS/status. */
const NAMESPACE_SUBRESOURCES = new Set(["status", "finalize"]);

const METHOD_VERBS: Readonly<Record<string, string>> = {
  POST: "create",
  GET: "get",
  HEAD: "get",
  PUT: "update",
  PATCH: "patch",
  DELETE: "delete",
};

function splitPath(path: string): string[] {
  const trimmed = path.replace(/^\/+|\/+$/g, "");
  return trimmed === "" ? [] : trimmed.split("/").map(decodeSegment);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Go's strconv.ParseBool, which decodes boolean query parameters such as `watch`. */
export function parseBool(value: string | null): boolean | undefined {
  if (value === null) return undefined;
  if (["1", "t", "T", "true", "TRUE", "True"].includes(value)) return true;
  if (["0", "f", "F", "false", "FALSE", "False"].includes(value)) return false;
  return undefined;
}

/** The value of `metadata.name=X` (or `==`) when a field selector pins exactly one name. */
function exactNameMatch(fieldSelector: string | null): string | undefined {
  if (fieldSelector === null) return undefined;
  for (const term of fieldSelector.split(",")) {
    const m = /^\s*metadata\.name\s*==?\s*(.*?)\s*$/.exec(term);
    if (m && m[1] !== undefined && m[1] !== "" && !m[1].includes("/") && m[1] !== "." && m[1] !== "..") {
      return m[1];
    }
  }
  return undefined;
}

export function requestInfo(method: string, pathname: string, query: URLSearchParams): RequestInfo {
  const all = splitPath(pathname);
  const info: RequestInfo = {
    resourceRequest: false,
    path: `/${all.join("/")}`,
    verb: method.toLowerCase(),
    apiPrefix: "",
    group: "",
    version: "",
    namespace: "",
    resource: "",
    subresource: "",
    name: "",
    urlName: "",
    parts: [],
  };
  if (all.length < 3 || !API_PREFIXES.has(all[0] as string)) return info;
  const prefix = all[0] as string;
  let parts = all.slice(1);
  let group = "";
  if (prefix === "apis") {
    if (parts.length < 3) return info;
    group = parts[0] as string;
    parts = parts.slice(1);
  }
  const version = parts[0] as string;
  parts = parts.slice(1);

  let verb: string;
  if (SPECIAL_VERBS.has(parts[0] as string)) {
    if (parts.length < 2) return info;
    verb = parts[0] as string;
    parts = parts.slice(1);
  } else {
    verb = METHOD_VERBS[method.toUpperCase()] ?? "";
  }

  let namespace = "";
  if (parts[0] === "namespaces" && parts.length > 1) {
    namespace = parts[1] as string;
    // /namespaces/NS/RESOURCE/...: the resource is what follows; /namespaces/NS and
    // /namespaces/NS/status are the namespace object itself.
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2] as string)) parts = parts.slice(2);
  }

  const resource = parts[0] ?? "";
  const urlName = parts.length >= 2 ? (parts[1] as string) : "";
  let name = urlName;
  const subresource =
    parts.length >= 3 && !SPECIAL_VERBS_NO_SUBRESOURCES.has(verb) ? (parts[2] as string) : "";

  if (name === "" && verb === "get") {
    verb = parseBool(query.get("watch")) === true ? "watch" : "list";
    // A list pinned to one name is authorised as a request for that name (Kubernetes does so).
    name = exactNameMatch(query.get("fieldSelector")) ?? "";
  }
  if (name === "" && verb === "delete") verb = "deletecollection";

  return {
    ...info,
    resourceRequest: true,
    verb,
    apiPrefix: prefix,
    group,
    version,
    namespace,
    resource,
    subresource,
    name,
    urlName,
    parts,
  };
}
