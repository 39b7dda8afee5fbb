// HS256 JSON Web Tokens (RFC 7519 with an RFC 7515 HMAC-SHA-256 signature) on node:crypto alone.
// Skiff's registry tokens need this one algorithm only; a general JOSE library cost the
// registry process ~3 MiB of resident memory for code it never ran.
import { createHmac, timingSafeEqual } from "node:crypto";

/** The claims of a token: registered ones (RFC 7519, 4.1) and any private ones. */
export type JwtClaims = Record<string, unknown> & {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
};

const HEADER = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
const BASE64URL = /^[A-Za-z0-9_-]*$/;

function signature(key: Uint8Array, signingInput: string): string {
  return createHmac("sha256", key).update(signingInput).digest("base64url");
}

/** The compact serialization of `claims`, signed with `key`. */
export function signHs256(claims: JwtClaims, key: Uint8Array): string {
  const signingInput = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
  return `${signingInput}.${signature(key, signingInput)}`;
}

export interface VerifyOptions {
  /** The only accepted `iss`. */
  issuer: string;
  /** Seconds since the epoch. */
  now: number;
}

/**
 * The claims of `token` when it is an HS256 JWT signed with `key`, from `issuer`, and valid at
 * `now` (`nbf` ≤ now < `exp`); undefined for anything else, never an exception. A header that
 * names another algorithm, or extensions the verifier must understand (`crit`), is refused.
 */
export function verifyHs256(token: string, key: Uint8Array, options: VerifyOptions): JwtClaims | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [header, payload, sig] = parts as [string, string, string];
  if (!BASE64URL.test(header) || !BASE64URL.test(payload) || !BASE64URL.test(sig)) return undefined;
  // The signature first: nothing of an unauthenticated token is parsed beyond its header.
  const expected = Buffer.from(signature(key, `${header}.${payload}`));
  const actual = Buffer.from(sig);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return undefined;
  const head = parseObject(header);
  if (head === undefined || head["alg"] !== "HS256" || "crit" in head) return undefined;
  const claims = parseObject(payload) as JwtClaims | undefined;
  if (claims === undefined || claims.iss !== options.issuer) return undefined;
  const { exp, nbf, iat } = claims;
  for (const time of [exp, nbf, iat]) if (time !== undefined && typeof time !== "number") return undefined;
  if (exp !== undefined && exp <= options.now) return undefined;
  if (nbf !== undefined && nbf > options.now) return undefined;
  return claims;
}

// A JSON object from base64url, or undefined.
function parseObject(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
