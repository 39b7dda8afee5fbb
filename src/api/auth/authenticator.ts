// Who is calling: client certificates signed by our CA first, then bearer tokens (the admin
// token, static tokens, join tokens, service-account JWTs), as Kubernetes' union authenticator orders them.
// undefined means "credentials given but not valid" (401); requests with no usable credentials
// are anonymous.
import { createHash, timingSafeEqual } from "node:crypto";
import type { KubeObject } from "../types.js";
import { ClientCertAuthenticator, type ClientCertificate } from "./client-cert.js";
import { JoinTokenAuthenticator, type BootstrapTokenSecrets } from "./join-token-auth.js";
import type { ApiCredentials } from "./pki.js";
import { ServiceAccountTokens, serviceAccountUser, type ServiceAccountRef } from "./sa-token.js";
import {
  ADMIN_USER,
  ANONYMOUS_USER,
  GROUP_MASTERS,
  GROUP_UNAUTHENTICATED,
  withAuthenticatedGroup,
  type UserInfo,
} from "./user.js";

/** Reads ServiceAccounts, so a token stops working when its account is deleted or replaced. */
export interface ServiceAccountLookup {
  serviceAccount(namespace: string, name: string): Promise<KubeObject | undefined> | KubeObject | undefined;
}

export interface AuthenticationRequest {
  /** The Authorization header as received. */
  authorization?: string;
  /** The client certificate of the TLS connection, when the client sent one. */
  peerCertificate?: ClientCertificate;
}

export const ANONYMOUS: UserInfo = { name: ANONYMOUS_USER, groups: [GROUP_UNAUTHENTICATED] };

/** The token of `Authorization: Bearer <token>` (scheme case-insensitive), else undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const parts = (authorization ?? "").trim().split(" ");
  if (parts.length < 2 || parts[0]?.toLowerCase() !== "bearer") return undefined;
  const token = parts[1] ?? "";
  return token === "" ? undefined : token;
}

function digest(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}

export class Authenticator {
  readonly #adminDigest: Buffer;
  readonly #tokens: ReadonlyMap<string, UserInfo>;
  readonly #certs: ClientCertAuthenticator;
  readonly #saTokens: ServiceAccountTokens;
  readonly #serviceAccounts: ServiceAccountLookup | undefined;
  readonly #joinTokens: JoinTokenAuthenticator | undefined;

  constructor(o: {
    credentials: Pick<ApiCredentials, "caPem" | "adminToken" | "serviceAccountKeyPem">;
    /** Static bearer tokens (see token-file.ts). */
    tokens?: ReadonlyMap<string, UserInfo>;
    /** Without it service-account tokens are rejected: their account cannot be checked. */
    serviceAccounts?: ServiceAccountLookup;
    /** Without it join tokens (bootstrap-token Secrets, join-token-auth.ts) are rejected. */
    bootstrapTokens?: BootstrapTokenSecrets;
    clock?: () => Date;
  }) {
    this.#adminDigest = digest(o.credentials.adminToken);
    this.#tokens = o.tokens ?? new Map();
    const clock = o.clock ?? (() => new Date());
    this.#certs = new ClientCertAuthenticator({ caPem: o.credentials.caPem, clock });
    this.#saTokens = new ServiceAccountTokens({ signingKeyPem: o.credentials.serviceAccountKeyPem, clock });
    this.#serviceAccounts = o.serviceAccounts;
    this.#joinTokens = o.bootstrapTokens && new JoinTokenAuthenticator({ secrets: o.bootstrapTokens, clock });
  }

  async authenticate(req: AuthenticationRequest): Promise<UserInfo | undefined> {
    const fromCert = req.peerCertificate && this.#certs.authenticate(req.peerCertificate);
    if (fromCert) return withAuthenticatedGroup(fromCert);
    const token = bearerToken(req.authorization);
    if (token === undefined) return req.peerCertificate === undefined ? ANONYMOUS : undefined;
    const user = await this.#fromToken(token);
    return user && withAuthenticatedGroup(user);
  }

  async #fromToken(token: string): Promise<UserInfo | undefined> {
    if (timingSafeEqual(digest(token), this.#adminDigest)) {
      return { name: ADMIN_USER, groups: [GROUP_MASTERS] };
    }
    const fromFile = this.#tokens.get(token);
    if (fromFile) return fromFile;
    if (JoinTokenAuthenticator.matches(token)) return this.#joinTokens?.authenticate(token);
    // Only something shaped like a JWT is worth a signature check.
    if (token.split(".").length !== 3) return undefined;
    return this.#fromServiceAccountToken(token);
  }

  async #fromServiceAccountToken(token: string): Promise<UserInfo | undefined> {
    const claims = await this.#saTokens.verify(token);
    if (!claims || !this.#serviceAccounts) return undefined;
    const sa = await this.#serviceAccounts.serviceAccount(claims.namespace, claims.name);
    // A deleted (or deleted and re-created) account revokes every token issued for it.
    if (!sa || sa.metadata.uid !== claims.uid || sa.metadata.deletionTimestamp !== undefined) {
      return undefined;
    }
    return {
      name: serviceAccountUser(claims.namespace, claims.name),
      uid: claims.uid,
      groups: ["system:serviceaccounts", `system:serviceaccounts:${claims.namespace}`],
    };
  }

  /** TokenRequest (`kubectl create token SA`): a signed token for the account. */
  issueServiceAccountToken(
    o: ServiceAccountRef & { audiences?: string[]; expirationSeconds: number },
  ): Promise<{ token: string; expirationTimestamp: string }> {
    const { audiences, expirationSeconds, ...sa } = o;
    return this.#saTokens.issue(sa, { expirationSeconds, ...(audiences && { audiences }) });
  }
}
