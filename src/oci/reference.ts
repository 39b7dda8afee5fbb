// Image references in Docker's grammar (github.com/distribution/reference): parsing,
// normalising (`busybox` → `docker.io/library/busybox:latest`) and the familiar short form
// Docker shows (`busybox:latest`, `127.0.0.1:5000/app:v1`).
import { isValidRepositoryName, isValidTag } from "./names.js";
import { parseDigest, type Digest } from "./digest.js";

export const DEFAULT_DOMAIN = "docker.io";
export const DEFAULT_TAG = "latest";
const LEGACY_DEFAULT_DOMAIN = "index.docker.io";
const OFFICIAL_REPO_PREFIX = "library/";

/** A domain: host name components or a bracketed IPv6 address, with an optional port. */
const DOMAIN =
  /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$/;

/** A fully qualified reference: `domain/path` plus a tag, a digest, both or neither. */
export interface ImageReference {
  domain: string;
  /** Repository path inside the registry, e.g. `library/busybox`. */
  path: string;
  tag?: string;
  digest?: Digest;
}

/** Docker's `invalid reference format` (HTTP 400 where the engine reports it). */
export class InvalidReferenceError extends Error {
  readonly statusCode = 400;
  constructor(detail?: string) {
    super(detail === undefined ? "invalid reference format" : `invalid reference format: ${detail}`);
  }
}

/** Whether the first path component names a registry host rather than a Docker Hub namespace. */
export function isRegistryHost(component: string): boolean {
  return (
    component.includes(".") ||
    component.includes(":") ||
    component === "localhost" ||
    component !== component.toLowerCase()
  );
}

/**
 * Parses a reference as the Docker CLI accepts it and qualifies it with Docker Hub's domain
 * and `library/` namespace. The tag stays absent when none is given: see `withDefaultTag`.
 */
export function parseReference(input: string): ImageReference {
  if (input === "" || input.length > 4096) throw new InvalidReferenceError();
  let rest = input;
  let digest: Digest | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    try {
      digest = parseDigest(rest.slice(at + 1));
    } catch {
      throw new InvalidReferenceError();
    }
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!isValidTag(tag)) throw new InvalidReferenceError();
  }
  const slash = rest.indexOf("/");
  let domain = DEFAULT_DOMAIN;
  let path = rest;
  if (slash >= 0 && isRegistryHost(rest.slice(0, slash))) {
    domain = rest.slice(0, slash);
    path = rest.slice(slash + 1);
    if (!DOMAIN.test(domain)) throw new InvalidReferenceError();
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !path.includes("/")) path = OFFICIAL_REPO_PREFIX + path;
  if (path !== path.toLowerCase() && isValidRepositoryName(path.toLowerCase())) {
    throw new InvalidReferenceError(`repository name (${path}) must be lowercase`);
  }
  if (!isValidRepositoryName(path) || domain.length + 1 + path.length > 255)
    throw new InvalidReferenceError();
  const ref: ImageReference = { domain, path };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/** `ref` with the tag `latest` when it has neither tag nor digest, as `docker pull busybox` means. */
export function withDefaultTag(ref: ImageReference): ImageReference {
  return ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: DEFAULT_TAG } : ref;
}

/** `parseReference` then `withDefaultTag`. */
export function normalizeReference(input: string): ImageReference {
  return withDefaultTag(parseReference(input));
}

/** `docker.io/library/busybox`. */
export function repositoryName(ref: Pick<ImageReference, "domain" | "path">): string {
  return `${ref.domain}/${ref.path}`;
}

/** The repository as Docker shows it: `busybox`, `user/app`, `127.0.0.1:5000/app`. */
export function familiarName(ref: Pick<ImageReference, "domain" | "path">): string {
  if (ref.domain !== DEFAULT_DOMAIN) return repositoryName(ref);
  const rest = ref.path.startsWith(OFFICIAL_REPO_PREFIX)
    ? ref.path.slice(OFFICIAL_REPO_PREFIX.length)
    : ref.path;
  return rest.includes("/") ? ref.path : rest;
}

/** The whole reference in full: `docker.io/library/busybox:latest`, `host/app@sha256:…`. */
export function formatReference(ref: ImageReference): string {
  return repositoryName(ref) + suffix(ref);
}

/** The whole reference as Docker shows it: `busybox:latest`. */
export function familiarString(ref: ImageReference): string {
  return familiarName(ref) + suffix(ref);
}

function suffix(ref: ImageReference): string {
  return (ref.tag === undefined ? "" : `:${ref.tag}`) + (ref.digest === undefined ? "" : `@${ref.digest}`);
}

/** Whether Docker would speak plain HTTP to this registry: loopback addresses and `localhost`. */
export function isLoopbackRegistry(domain: string): boolean {
  const host = hostOf(domain);
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The host of `domain` without its port (and without IPv6 brackets). */
export function hostOf(domain: string): string {
  if (domain.startsWith("[")) return domain.slice(1, domain.indexOf("]"));
  const colon = domain.lastIndexOf(":");
  return colon >= 0 ? domain.slice(0, colon) : domain;
}

/**
 * Where the registry API of `domain` is served; Docker Hub's API lives on its own host. Plain
 * HTTP for loopback and for registries the engine was told are insecure (Docker's
 * `--insecure-registry`).
 */
export function registryEndpoint(domain: string, o: { plainHttp?: boolean } = {}): string {
  const host = domain === DEFAULT_DOMAIN ? "registry-1.docker.io" : domain;
  return `${o.plainHttp === true || isLoopbackRegistry(domain) ? "http" : "https"}://${host}`;
}

/**
 * The registry domain of a `docker login` server address: `127.0.0.1:5000`,
 * `http://127.0.0.1:5000/`, or Docker Hub's `https://index.docker.io/v1/`.
 */
export function loginDomain(serverAddress: string): string {
  const address = serverAddress
    .trim()
    .replace(/^[a-z]+:\/\//i, "")
    .replace(/\/.*$/, "");
  if (address === "" || address === LEGACY_DEFAULT_DOMAIN || address === "registry-1.docker.io")
    return DEFAULT_DOMAIN;
  return address;
}
