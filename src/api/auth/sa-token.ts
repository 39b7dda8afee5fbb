// Service-account tokens as Kubernetes' TokenRequest issues them: RS256 JWTs from the
// `https://kubernetes.default.svc` issuer naming the account by namespace, name and uid.
// Verification only checks the signature and claims; whether the account still exists is the
// authenticator's question.
import { createHash, createPrivateKey, createPublicKey, randomUUID, type KeyObject } from "node:crypto";
import { errors, jwtVerify, SignJWT } from "jose";

export const SA_ISSUER = "https://kubernetes.default.svc";
const SA_PREFIX = "system:serviceaccount:";

export interface ServiceAccountRef {
  namespace: string;
  name: string;
  uid: string;
}

export interface ServiceAccountClaims extends ServiceAccountRef {
  /** The token's jti, Kubernetes' credential id. */
  id: string;
}

/** `system:serviceaccount:NS:NAME`, the user name of a service account. */
export function serviceAccountUser(namespace: string, name: string): string {
  return `${SA_PREFIX}${namespace}:${name}`;
}

/** The namespace and name of a service-account user name, or undefined for other users. */
export function parseServiceAccountUser(user: string): { namespace: string; name: string } | undefined {
  if (!user.startsWith(SA_PREFIX)) return undefined;
  const [namespace, name, ...rest] = user.slice(SA_PREFIX.length).split(":");
  if (namespace === undefined || name === undefined || rest.length > 0) return undefined;
  if (namespace === "" || name === "") return undefined;
  return { namespace, name };
}

interface KubeClaim {
  namespace?: unknown;
  serviceaccount?: { name?: unknown; uid?: unknown };
}

export class ServiceAccountTokens {
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;
  readonly #keyId: string;
  readonly #clock: () => Date;

  constructor(o: { signingKeyPem: string; clock?: () => Date }) {
    this.#privateKey = createPrivateKey(o.signingKeyPem);
    this.#publicKey = createPublicKey(this.#privateKey);
    // Kubernetes' key id: the base64url SHA-256 of the DER public key.
    const der = this.#publicKey.export({ type: "spki", format: "der" });
    this.#keyId = createHash("sha256").update(der).digest("base64url");
    this.#clock = o.clock ?? (() => new Date());
  }

  /** Signs a token for `sa`, valid `expirationSeconds` from now for `audiences`. */
  async issue(
    sa: ServiceAccountRef,
    o: { expirationSeconds: number; audiences?: string[] },
  ): Promise<{ token: string; expirationTimestamp: string }> {
    const now = Math.floor(this.#clock().getTime() / 1000);
    const exp = now + o.expirationSeconds;
    const token = await new SignJWT({
      "kubernetes.io": { namespace: sa.namespace, serviceaccount: { name: sa.name, uid: sa.uid } },
    })
      .setProtectedHeader({ alg: "RS256", kid: this.#keyId })
      .setIssuer(SA_ISSUER)
      .setSubject(serviceAccountUser(sa.namespace, sa.name))
      .setAudience(o.audiences ?? [SA_ISSUER])
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(this.#privateKey);
    return { token, expirationTimestamp: new Date(exp * 1000).toISOString().replace(/\.\d{3}Z$/, "Z") };
  }

  /**
   * The account a token names, when it is ours (signature, issuer, audience, time) and its
   * claims agree with each other; undefined otherwise (including tokens of other issuers).
   */
  async verify(token: string): Promise<ServiceAccountClaims | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.#publicKey, {
        algorithms: ["RS256"],
        issuer: SA_ISSUER,
        audience: SA_ISSUER,
        currentDate: this.#clock(),
      });
      const kube = payload["kubernetes.io"] as KubeClaim | undefined;
      const namespace = kube?.namespace;
      const name = kube?.serviceaccount?.name;
      const uid = kube?.serviceaccount?.uid;
      if (typeof namespace !== "string" || typeof name !== "string" || typeof uid !== "string") {
        return undefined;
      }
      if (payload.sub !== serviceAccountUser(namespace, name)) return undefined;
      return { namespace, name, uid, id: typeof payload.jti === "string" ? payload.jti : "" };
    } catch (err) {
      if (err instanceof errors.JOSEError) return undefined;
      throw err;
    }
  }
}
