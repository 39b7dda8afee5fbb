// Skiff's signed tokens (HS256 JWTs): long-lived login tokens, which stand in for a password
// the way `aws ecr get-login-password` does, and short-lived access tokens in the Docker
// registry token format, which carry exactly the access granted for one request's scopes.
// Verification sits on the hot path of every request, so successful verifications are
// remembered until their tokens expire.
import { randomBytes } from "node:crypto";
import { ExpiringCache } from "./expiring-cache.js";
import { signHs256, verifyHs256, type JwtClaims } from "./hs256-jwt.js";
import type { ResourceAccess } from "./scope.js";

export { formatScope, parseScope } from "./scope.js";
export type { ResourceAccess } from "./scope.js";

export const TokenType = { login: "login", access: "access" } as const;
export type TokenType = (typeof TokenType)[keyof typeof TokenType];

export const DEFAULT_ISSUER = "skiff";
export const LOGIN_TOKEN_TTL_SECONDS = 12 * 3600;
export const ACCESS_TOKEN_TTL_SECONDS = 300;

// Far beyond any token we issue; refuses to spend a verification on junk.
const MAX_TOKEN_LENGTH = 16 * 1024;
const MIN_KEY_BYTES = 32;

export interface TokenServiceOptions {
  /** The HMAC secret, normally from `loadOrCreateSigningKey`. */
  key: Uint8Array;
  /** `iss` of issued tokens; tokens from any other issuer are refused. */
  issuer?: string;
  /** The clock, in milliseconds since the epoch (like `Date.now`). */
  now?: () => number;
  /** How many verified tokens to remember. */
  cacheSize?: number;
}

export interface AccessTokenRequest {
  /** The user the token acts for; null for an anonymous caller. */
  subject: string | null;
  /** The service that will accept the token, e.g. "skiff-registry". */
  audience: string;
  access: ResourceAccess[];
  ttlSeconds?: number;
}

export interface LoginClaims {
  user: string;
  expiresAt: Date;
}

export interface AccessClaims {
  subject: string | null;
  access: ResourceAccess[];
  expiresAt: Date;
}

/** What a token proved once its signature, issuer and times were checked. */
interface Verified {
  typ: TokenType;
  sub: string | null;
  aud: readonly string[];
  access: readonly ResourceAccess[];
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export class TokenService {
  readonly #key: Uint8Array;
  readonly #issuer: string;
  readonly #now: () => number;
  readonly #verified: ExpiringCache<Verified>;

  constructor(options: TokenServiceOptions) {
    if (options.key.length < MIN_KEY_BYTES)
      throw new RangeError(`signing key must have at least ${MIN_KEY_BYTES} bytes`);
    this.#key = options.key;
    this.#issuer = options.issuer ?? DEFAULT_ISSUER;
    if (this.#issuer === "") throw new RangeError("issuer must not be empty");
    this.#now = options.now ?? Date.now;
    this.#verified = new ExpiringCache(options.cacheSize ?? 10_000);
  }

  /** A credential that `user` presents as a password until it expires. */
  issueLoginToken(user: string, ttlSeconds = LOGIN_TOKEN_TTL_SECONDS): Promise<string> {
    return this.#sign({ typ: TokenType.login }, { subject: user, ttlSeconds });
  }

  /** A bearer token for `audience` carrying exactly `access`. */
  issueAccessToken(request: AccessTokenRequest): Promise<string> {
    return this.#sign(
      { typ: TokenType.access, access: request.access.map(copyAccess) },
      {
        subject: request.subject ?? undefined,
        audience: request.audience,
        ttlSeconds: request.ttlSeconds ?? ACCESS_TOKEN_TTL_SECONDS,
      },
    );
  }

  /** The user of a valid, unexpired login token; undefined for anything else. */
  async verifyLoginToken(token: string): Promise<LoginClaims | undefined> {
    const claims = await this.#verify(token);
    if (claims?.typ !== TokenType.login || claims.sub === null) return undefined;
    return { user: claims.sub, expiresAt: new Date(claims.expiresAt) };
  }

  /** The grant of a valid, unexpired access token issued for `audience`; undefined otherwise. */
  async verifyAccessToken(token: string, audience: string): Promise<AccessClaims | undefined> {
    const claims = await this.#verify(token);
    if (claims?.typ !== TokenType.access || !claims.aud.includes(audience)) return undefined;
    return {
      subject: claims.sub,
      access: claims.access.map(copyAccess),
      expiresAt: new Date(claims.expiresAt),
    };
  }

  async #sign(
    claims: JwtClaims,
    options: { subject: string | undefined; audience?: string; ttlSeconds: number },
  ): Promise<string> {
    if (!Number.isInteger(options.ttlSeconds) || options.ttlSeconds <= 0) {
      throw new RangeError("ttlSeconds must be a positive integer");
    }
    const issuedAt = Math.floor(this.#now() / 1000);
    return signHs256(
      {
        ...claims,
        iss: this.#issuer,
        iat: issuedAt,
        nbf: issuedAt,
        exp: issuedAt + options.ttlSeconds,
        jti: randomBytes(16).toString("base64url"),
        ...(options.subject !== undefined && { sub: options.subject }),
        ...(options.audience !== undefined && { aud: options.audience }),
      },
      this.#key,
    );
  }

  /** Signature, issuer and validity window, from the cache when this token passed before. */
  async #verify(token: string): Promise<Verified | undefined> {
    if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH) return undefined;
    const now = this.#now();
    const cached = this.#verified.get(token, now);
    if (cached) return cached;
    const payload = verifyHs256(token, this.#key, { issuer: this.#issuer, now: Math.floor(now / 1000) });
    if (payload === undefined) return undefined;
    const claims = readClaims(payload);
    if (claims) this.#verified.set(token, claims, claims.expiresAt);
    return claims;
  }
}

/** The claims Skiff relies on, checked for shape; undefined when any is missing or malformed. */
function readClaims(payload: JwtClaims): Verified | undefined {
  const { typ, sub, aud, exp } = payload;
  if (typ !== TokenType.login && typ !== TokenType.access) return undefined;
  if (typeof exp !== "number" || (sub !== undefined && typeof sub !== "string")) return undefined;
  const audiences = aud === undefined ? [] : typeof aud === "string" ? [aud] : aud;
  if (!Array.isArray(audiences) || !audiences.every((a) => typeof a === "string")) return undefined;
  let access: ResourceAccess[] = [];
  if (typ === TokenType.access) {
    const claimed: unknown = payload["access"];
    if (!Array.isArray(claimed) || !claimed.every(isResourceAccess)) return undefined;
    access = claimed.map(copyAccess);
  }
  return { typ, sub: sub ?? null, aud: audiences, access, expiresAt: exp * 1000 };
}

function isResourceAccess(value: unknown): value is ResourceAccess {
  if (typeof value !== "object" || value === null) return false;
  const { type, name, actions } = value as Record<string, unknown>;
  return (
    typeof type === "string" &&
    typeof name === "string" &&
    Array.isArray(actions) &&
    actions.every((a) => typeof a === "string")
  );
}

// Callers get their own copies, so nothing they do can alter a cached grant.
function copyAccess(access: ResourceAccess): ResourceAccess {
  return { type: access.type, name: access.name, actions: [...access.actions] };
}
