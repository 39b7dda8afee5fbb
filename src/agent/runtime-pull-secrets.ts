// Registry credentials from a pod's imagePullSecrets, as the kubelet's keyring picks them:
// kubernetes.io/dockerconfigjson (`{"auths": {...}}`) and kubernetes.io/dockercfg (the map
// itself) secrets; an entry matches an image when its host matches (a `*` stands for one
// label) and its path, if any, is a prefix of the repository. More specific entries first.
import type { KubeObject } from "../api/types.js";
import type { RegistryCredentials } from "../images/registry-client/auth.js";
import { loginDomain, type ImageReference } from "../oci/reference.js";

interface DockerConfigEntry {
  username?: string;
  password?: string;
  auth?: string;
  identitytoken?: string;
}

/** The entries of one pull secret (empty for another type or an unreadable one). */
export function dockerConfigEntries(secret: KubeObject): Array<[string, DockerConfigEntry]> {
  const data = (secret.data ?? {}) as Record<string, string>;
  const decode = (v: string | undefined): unknown => {
    if (v === undefined) return undefined;
    try {
      return JSON.parse(Buffer.from(v, "base64").toString("utf8")) as unknown;
    } catch {
      return undefined;
    }
  };
  let auths: unknown;
  if (secret.type === "kubernetes.io/dockerconfigjson") {
    auths = (decode(data[".dockerconfigjson"]) as { auths?: unknown } | undefined)?.auths;
  } else if (secret.type === "kubernetes.io/dockercfg") {
    auths = decode(data[".dockercfg"]);
  }
  if (auths === null || typeof auths !== "object") return [];
  return Object.entries(auths as Record<string, DockerConfigEntry>).filter(
    ([, v]) => v !== null && typeof v === "object",
  );
}

function credentialsOf(e: DockerConfigEntry): RegistryCredentials {
  let { username, password } = e;
  if ((username === undefined || username === "") && e.auth !== undefined) {
    const text = Buffer.from(e.auth, "base64").toString("utf8");
    const colon = text.indexOf(":");
    if (colon >= 0) {
      username = text.slice(0, colon);
      password = text.slice(colon + 1);
    }
  }
  return {
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(e.identitytoken !== undefined && e.identitytoken !== "" ? { identityToken: e.identitytoken } : {}),
  };
}

/** How well `key` (a docker config auths key) matches the image: -1 no, else the path length. */
export function matchScore(key: string, ref: Pick<ImageReference, "domain" | "path">): number {
  const bare = key.trim().replace(/^[a-z]+:\/\//i, "");
  const slash = bare.indexOf("/");
  const host = slash >= 0 ? bare.slice(0, slash) : bare;
  let path = slash >= 0 ? bare.slice(slash + 1).replace(/\/+$/, "") : "";
  if (path === "v1" || path === "v2") path = ""; // https://index.docker.io/v1/
  const domain = loginDomain(host);
  if (!globMatch(domain, ref.domain)) return -1;
  if (path !== "" && ref.path !== path && !ref.path.startsWith(`${path}/`)) return -1;
  return path.length;
}

/** `*.example.com` matches one label per `*`; ports must be equal. */
function globMatch(pattern: string, host: string): boolean {
  const p = pattern.split(".");
  const h = host.split(".");
  if (p.length !== h.length) return false;
  return p.every((label, i) => {
    if (!label.includes("*")) return label.toLowerCase() === (h[i] ?? "").toLowerCase();
    const re = new RegExp(`^${label.split("*").map(escapeRe).join("[^.]*")}$`, "i");
    return re.test(h[i] ?? "");
  });
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Every matching credential of the secrets, most specific first. */
export function pullCredentials(
  secrets: readonly KubeObject[],
  ref: Pick<ImageReference, "domain" | "path">,
): RegistryCredentials[] {
  const scored: Array<[number, RegistryCredentials]> = [];
  for (const s of secrets) {
    for (const [key, entry] of dockerConfigEntries(s)) {
      const score = matchScore(key, ref);
      if (score >= 0) scored.push([score, credentialsOf(entry)]);
    }
  }
  return scored.sort((a, b) => b[0] - a[0]).map(([, c]) => c);
}
