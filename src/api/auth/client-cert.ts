// Client-certificate authentication: a certificate our CA signed, currently valid and usable
// for client auth names the user by its CN and the groups by its O values (Kubernetes' x509
// authenticator with CommonNameUserConversion).
import { X509Certificate, type KeyObject } from "node:crypto";
import type { UserInfo } from "./user.js";

/** What the HTTP layer has of a peer certificate: a node:tls PeerCertificate fits. */
export interface ClientCertificate {
  /** The DER bytes. */
  raw: Buffer;
}

const CLIENT_AUTH_OID = "1.3.6.1.5.5.7.3.2";
const ANY_EKU_OID = "2.5.29.37.0";

/** The values of one attribute in Node's multi-line subject text (`O=a\nO=b\nCN=bob`). */
function subjectValues(subject: string, attribute: string): string[] {
  const prefix = `${attribute}=`;
  return subject
    .split("\n")
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(prefix.length));
}

export class ClientCertAuthenticator {
  readonly #caKey: KeyObject;
  readonly #caSubject: string;
  readonly #clock: () => Date;

  constructor(o: { caPem: string; clock?: () => Date }) {
    const ca = new X509Certificate(o.caPem);
    this.#caKey = ca.publicKey;
    this.#caSubject = ca.subject;
    this.#clock = o.clock ?? (() => new Date());
  }

  /** The user the certificate names, or undefined when it is not one we accept. */
  authenticate(peer: ClientCertificate): UserInfo | undefined {
    if (!Buffer.isBuffer(peer.raw) || peer.raw.length === 0) return undefined;
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(peer.raw);
    } catch {
      return undefined;
    }
    if (cert.issuer !== this.#caSubject || !cert.verify(this.#caKey)) return undefined;
    const now = this.#clock().getTime();
    if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)) return undefined;
    // X509Certificate.keyUsage holds the extended key usages; absent means any (as in Go).
    const eku = cert.keyUsage;
    if (eku !== undefined && !eku.includes(CLIENT_AUTH_OID) && !eku.includes(ANY_EKU_OID)) {
      return undefined;
    }
    const name = subjectValues(cert.subject, "CN")[0];
    if (name === undefined || name === "") return undefined;
    return { name, groups: subjectValues(cert.subject, "O") };
  }
}
