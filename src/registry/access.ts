// Who is calling and what they may do. Every registry request is identified once (Basic
// credentials, a bearer token from the token endpoint, or nobody) and then checked against
// what its route needs. Failures carry the spec's codes: UNAUTHORIZED with a Bearer
// challenge when credentials would help, DENIED when the caller is known but not allowed.
import type { Authenticator, Principal } from "../auth/authenticator.js";
import { ExpiringCache } from "../auth/expiring-cache.js";
import type { PolicyStore } from "../auth/policy.js";
import type { ResourceAccess, TokenService } from "../auth/tokens.js";
import type { UserStore } from "../auth/users.js";
import { RegistryError } from "./errors.js";

export const RegistryAction = { pull: "pull", push: "push", delete: "delete" } as const;
export type RegistryAction = (typeof RegistryAction)[keyof typeof RegistryAction];
export const ALL_ACTIONS: readonly RegistryAction[] = Object.values(RegistryAction);

/** The audience of registry access tokens and the `service` of its challenges. */
export const REGISTRY_SERVICE = "skiff-registry";

export type Caller =
  /** No credentials at all. */
  | { kind: "anonymous" }
  /** Basic credentials of a user (password: a login token or an access key secret). */
  | { kind: "user"; principal: Principal }
  /** A bearer token from the token endpoint: only what it grants. */
  | { kind: "token"; subject: string | null; access: ResourceAccess[] };

export interface Requirement {
  repository: string;
  actions: RegistryAction[];
}

/** A 401 that tells the client where to get a token for `scopes`. */
export class UnauthorizedError extends RegistryError {
  constructor(
    readonly scopes: Requirement[],
    message = "authentication required",
  ) {
    super("UNAUTHORIZED", message);
  }
}

export interface RegistryAccessOptions {
  authenticator: Authenticator;
  tokens: TokenService;
  policies: PolicyStore;
  users: UserStore;
}

/**
 * How long a successful Basic authentication is reused for the same header. Pulls send the
 * same credentials on every request; a revoked key or deleted user stops working after this.
 */
const BASIC_CACHE_MS = 5_000;

export class RegistryAccess {
  readonly #o: RegistryAccessOptions;
  readonly #basic = new ExpiringCache<Principal>(1_000);

  constructor(options: RegistryAccessOptions) {
    this.#o = options;
  }

  /** Identifies the caller; bad or expired credentials are a 401, never a downgrade to anonymous. */
  async identify(authorization: string | undefined): Promise<Caller> {
    if (authorization === undefined || authorization === "") return { kind: "anonymous" };
    const space = authorization.indexOf(" ");
    const scheme = authorization.slice(0, space).toLowerCase();
    const value = authorization.slice(space + 1).trim();
    if (scheme === "bearer") {
      const claims = await this.#o.tokens.verifyAccessToken(value, REGISTRY_SERVICE);
      if (!claims) throw new UnauthorizedError([], "invalid or expired token; log in again");
      return { kind: "token", subject: claims.subject, access: claims.access };
    }
    if (scheme === "basic") {
      const principal = await this.authenticateBasic(authorization);
      if (!principal) throw new UnauthorizedError([], "invalid username or password");
      return { kind: "user", principal };
    }
    throw new UnauthorizedError([], `unsupported authorization scheme ${JSON.stringify(scheme)}`);
  }

  async authenticateBasic(authorization: string): Promise<Principal | undefined> {
    const now = Date.now();
    const cached = this.#basic.get(authorization, now);
    if (cached) return cached;
    const credentials = this.#o.authenticator.parseBasicAuthorization(authorization);
    if (!credentials) return undefined;
    const principal = await this.#o.authenticator.authenticateBasic(
      credentials.username,
      credentials.password,
    );
    if (principal) this.#basic.set(authorization, principal, now + BASIC_CACHE_MS);
    return principal;
  }

  /** The principal behind a caller, if any (a token's subject is looked up as a user). */
  principalOf(caller: Caller): Principal | null {
    if (caller.kind === "user") return caller.principal;
    if (caller.kind === "token" && caller.subject !== null) {
      const user = this.#o.users.getUser(caller.subject);
      return user ? { name: user.name, admin: user.admin } : null;
    }
    return null;
  }

  /** The subset of `actions` the caller may perform on `repository`. */
  granted(caller: Caller, repository: string, actions: readonly RegistryAction[]): RegistryAction[] {
    if (caller.kind === "token") {
      const held = new Set(
        caller.access
          .filter((a) => a.type === "repository" && a.name === repository)
          .flatMap((a) => a.actions),
      );
      return actions.filter((a) => held.has(a) || held.has("*"));
    }
    const principal = caller.kind === "user" ? caller.principal : null;
    return this.#o.policies.granted(principal, repository, [...actions]) as RegistryAction[];
  }

  /** Throws unless the caller may do everything `requirements` ask. */
  check(caller: Caller, requirements: Requirement[]): void {
    for (const requirement of requirements) {
      const granted = this.granted(caller, requirement.repository, requirement.actions);
      if (granted.length === requirement.actions.length) continue;
      const missing = requirement.actions.filter((a) => !granted.includes(a));
      const authenticated = caller.kind === "user" || (caller.kind === "token" && caller.subject !== null);
      if (!authenticated) {
        throw new UnauthorizedError(requirements);
      }
      throw new RegistryError(
        "DENIED",
        `requested access to the resource is denied: ${missing.join(",")} on repository ${requirement.repository}`,
      );
    }
  }

  /** For `/v2/` and the catalog: any valid credentials or token (possibly anonymous) will do. */
  checkAuthenticated(caller: Caller): void {
    if (caller.kind === "anonymous") throw new UnauthorizedError([]);
  }
}
