// Join tokens, as kubeadm's bootstrap tokens: `abcdef.0123456789abcdef`, a public id and a
// secret, kept as a Secret `bootstrap-token-<id>` of type bootstrap.kubernetes.io/token in
// kube-system with the expiration and usages in its data (Kubernetes' bootstrap token format).
import { randomBytes } from "node:crypto";
import type { KubeObject } from "../types.js";

export const BOOTSTRAP_TOKEN_TYPE = "bootstrap.kubernetes.io/token";
export const BOOTSTRAP_TOKEN_NAMESPACE = "kube-system";
export const BOOTSTRAP_TOKEN_PREFIX = "bootstrap-token-";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
const TOKEN_RE = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const ID_RE = /^[a-z0-9]{6}$/;

export interface JoinToken {
  id: string;
  secret: string;
}

/** `count` characters of [a-z0-9], uniformly (bytes past the last full alphabet cycle are redrawn). */
function randomChars(count: number, random: (n: number) => Buffer): string {
  const limit = 256 - (256 % ALPHABET.length);
  let out = "";
  while (out.length < count) {
    for (const byte of random(count * 2)) {
      if (byte < limit && out.length < count) out += ALPHABET[byte % ALPHABET.length];
    }
  }
  return out;
}

export function newJoinToken(random: (n: number) => Buffer = randomBytes): JoinToken {
  return { id: randomChars(6, random), secret: randomChars(16, random) };
}

export function formatJoinToken(t: JoinToken): string {
  return `${t.id}.${t.secret}`;
}

/** The id and secret of `<6 chars>.<16 chars>`, else undefined. */
export function parseJoinToken(text: string): JoinToken | undefined {
  const m = TOKEN_RE.exec(text.trim());
  return m ? { id: m[1] as string, secret: m[2] as string } : undefined;
}

export function isJoinTokenId(id: string): boolean {
  return ID_RE.test(id);
}

export function bootstrapTokenSecretName(id: string): string {
  return `${BOOTSTRAP_TOKEN_PREFIX}${id}`;
}

/** RFC 3339 without fractions, as Kubernetes writes `expiration`. */
function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

const b64 = (s: string): string => Buffer.from(s, "utf8").toString("base64");

/** The Secret that makes `token` valid until `expiration` (never, when absent). */
export function bootstrapTokenSecret(o: {
  token: JoinToken;
  expiration?: Date;
  description?: string;
}): KubeObject {
  const data: Record<string, string> = {
    "token-id": b64(o.token.id),
    "token-secret": b64(o.token.secret),
    "usage-bootstrap-authentication": b64("true"),
  };
  if (o.expiration !== undefined) data.expiration = b64(rfc3339(o.expiration));
  if (o.description !== undefined && o.description !== "") data.description = b64(o.description);
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: bootstrapTokenSecretName(o.token.id), namespace: BOOTSTRAP_TOKEN_NAMESPACE },
    type: BOOTSTRAP_TOKEN_TYPE,
    data,
  };
}

export interface BootstrapTokenInfo extends JoinToken {
  expiration?: Date;
  description?: string;
  /** usage-bootstrap-authentication is "true". */
  authentication: boolean;
}

/** The token a bootstrap-token Secret holds; undefined when it is not a well-formed one. */
export function readBootstrapTokenSecret(secret: KubeObject): BootstrapTokenInfo | undefined {
  if (secret.type !== BOOTSTRAP_TOKEN_TYPE) return undefined;
  const raw = (secret.data ?? {}) as Record<string, unknown>;
  const field = (key: string): string | undefined => {
    const v = raw[key];
    return typeof v === "string" ? Buffer.from(v, "base64").toString("utf8") : undefined;
  };
  const id = field("token-id");
  const tokenSecret = field("token-secret");
  if (id === undefined || tokenSecret === undefined) return undefined;
  if (secret.metadata.name !== bootstrapTokenSecretName(id)) return undefined;
  if (parseJoinToken(`${id}.${tokenSecret}`) === undefined) return undefined;
  const expirationText = field("expiration");
  const expiration = expirationText === undefined ? undefined : new Date(expirationText);
  if (expiration !== undefined && Number.isNaN(expiration.getTime())) return undefined;
  const description = field("description");
  return {
    id,
    secret: tokenSecret,
    ...(expiration !== undefined && { expiration }),
    ...(description !== undefined && { description }),
    authentication: field("usage-bootstrap-authentication") === "true",
  };
}
