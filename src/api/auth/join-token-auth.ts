// Authenticates join tokens against their bootstrap-token Secrets. A valid token (secret
// matches, usage-bootstrap-authentication "true", not expired, Secret not being deleted) is
// user `system:bootstrap:<id>` in `system:bootstrappers` and `system:nodes`: Skiff has no CSR
// flow for nodes to trade the token for a certificate, so the token itself is the node's
// credential, and the `system:node` ClusterRole (bootstrap-roles.ts) says what a node may do.
import { createHash, timingSafeEqual } from "node:crypto";
import type { KubeObject } from "../types.js";
import {
  BOOTSTRAP_TOKEN_NAMESPACE,
  bootstrapTokenSecretName,
  parseJoinToken,
  readBootstrapTokenSecret,
} from "./join-token.js";
import type { UserInfo } from "./user.js";

export const BOOTSTRAP_USER_PREFIX = "system:bootstrap:";
export const GROUP_BOOTSTRAPPERS = "system:bootstrappers";
export const GROUP_NODES = "system:nodes";

/** Reads Secrets, so a token stops working as soon as its Secret is deleted or expires. */
export interface BootstrapTokenSecrets {
  secret(namespace: string, name: string): Promise<KubeObject | undefined> | KubeObject | undefined;
}

function sameSecret(a: string, b: string): boolean {
  const digest = (s: string): Buffer => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

export class JoinTokenAuthenticator {
  readonly #secrets: BootstrapTokenSecrets;
  readonly #clock: () => Date;

  constructor(o: { secrets: BootstrapTokenSecrets; clock?: () => Date }) {
    this.#secrets = o.secrets;
    this.#clock = o.clock ?? (() => new Date());
  }

  /** Whether `token` has the shape of a join token (others are not looked up). */
  static matches(token: string): boolean {
    return parseJoinToken(token) !== undefined;
  }

  /** The user of a valid join token; undefined for an unknown, wrong, expired or unusable one. */
  async authenticate(token: string): Promise<UserInfo | undefined> {
    const parsed = parseJoinToken(token);
    if (!parsed) return undefined;
    const secret = await this.#secrets.secret(BOOTSTRAP_TOKEN_NAMESPACE, bootstrapTokenSecretName(parsed.id));
    if (!secret || secret.metadata.deletionTimestamp !== undefined) return undefined;
    const stored = readBootstrapTokenSecret(secret);
    if (!stored || !stored.authentication || stored.id !== parsed.id) return undefined;
    if (!sameSecret(stored.secret, parsed.secret)) return undefined;
    if (stored.expiration !== undefined && stored.expiration.getTime() <= this.#clock().getTime()) {
      return undefined;
    }
    return { name: `${BOOTSTRAP_USER_PREFIX}${parsed.id}`, groups: [GROUP_BOOTSTRAPPERS, GROUP_NODES] };
  }
}
