// X.509 certificates for the API: a self-signed CA, a serving certificate and client
// certificates signed by it. Key pairs come from node:crypto (native, milliseconds) and forge
// only assembles and signs the certificates (its pure-JS RSA key generation takes seconds).
import { generateKeyPair, randomBytes, X509Certificate, createPublicKey } from "node:crypto";
import { isIP } from "node:net";
import { promisify } from "node:util";
import forge from "node-forge";

const generateKeyPairAsync = promisify(generateKeyPair);

const DAY_MS = 24 * 60 * 60 * 1000;
/** Backdating absorbs clock skew between the server and its clients. */
const BACKDATE_MS = 60 * 60 * 1000;

export interface KeyAndCert {
  keyPem: string;
  certPem: string;
}

/** A fresh RSA 2048 private key, PKCS#1 PEM (what forge and node:tls both read). */
export async function newRsaKeyPem(): Promise<string> {
  const { privateKey } = await generateKeyPairAsync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return privateKey;
}

/** A positive 128-bit serial number (RFC 5280 allows up to 20 octets, must be positive). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString("hex");
}

function publicKeyOf(keyPem: string): forge.pki.PublicKey {
  const spki = createPublicKey(keyPem).export({ type: "spki", format: "pem" }).toString();
  return forge.pki.publicKeyFromPem(spki);
}

function baseCertificate(keyPem: string, days: number, now: Date): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKeyOf(keyPem);
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(now.getTime() - BACKDATE_MS);
  cert.validity.notAfter = new Date(now.getTime() + days * DAY_MS);
  return cert;
}

function sign(cert: forge.pki.Certificate, signerKeyPem: string): string {
  cert.sign(forge.pki.privateKeyFromPem(signerKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/** A self-signed CA (10 years by default) that signs the serving and client certificates. */
export async function createCa(o: { commonName: string; days?: number; now?: Date }): Promise<KeyAndCert> {
  const keyPem = await newRsaKeyPem();
  const cert = baseCertificate(keyPem, o.days ?? 3650, o.now ?? new Date());
  const subject = [{ name: "commonName", value: o.commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", critical: true, keyCertSign: true, cRLSign: true, digitalSignature: true },
    { name: "subjectKeyIdentifier" },
  ]);
  return { keyPem, certPem: sign(cert, keyPem) };
}

/** The SAN entries of a host list: IP addresses as iPAddress, everything else as dNSName. */
function altNames(hosts: readonly string[]): { type: number; ip?: string; value?: string }[] {
  return hosts.map((h) => (isIP(h) !== 0 ? { type: 7, ip: h } : { type: 2, value: h }));
}

function issuerOf(ca: KeyAndCert): forge.pki.Certificate {
  return forge.pki.certificateFromPem(ca.certPem);
}

function leafExtensions(ca: forge.pki.Certificate, eku: "serverAuth" | "clientAuth"): object[] {
  const caKeyId = (ca.generateSubjectKeyIdentifier() as forge.util.ByteStringBuffer).getBytes();
  return [
    { name: "basicConstraints", cA: false, critical: true },
    { name: "keyUsage", critical: true, digitalSignature: true, keyEncipherment: true },
    { name: "extKeyUsage", [eku]: true },
    { name: "authorityKeyIdentifier", keyIdentifier: caKeyId },
  ];
}

/** A serverAuth certificate for `hosts` (IPs and DNS names), 1 year by default. */
export async function createServingCert(
  ca: KeyAndCert,
  o: { commonName: string; hosts: readonly string[]; days?: number; now?: Date },
): Promise<KeyAndCert> {
  const keyPem = await newRsaKeyPem();
  const issuer = issuerOf(ca);
  const cert = baseCertificate(keyPem, o.days ?? 365, o.now ?? new Date());
  cert.setSubject([{ name: "commonName", value: o.commonName }]);
  cert.setIssuer(issuer.subject.attributes);
  cert.setExtensions([
    ...leafExtensions(issuer, "serverAuth"),
    { name: "subjectAltName", altNames: altNames(o.hosts) },
  ]);
  return { keyPem, certPem: sign(cert, ca.keyPem) };
}

/** A clientAuth certificate: CN is the user name, one O per group (as Kubernetes reads them). */
export async function createClientCert(
  ca: KeyAndCert,
  o: { user: string; groups?: readonly string[]; days?: number; now?: Date },
): Promise<KeyAndCert> {
  const keyPem = await newRsaKeyPem();
  const issuer = issuerOf(ca);
  const cert = baseCertificate(keyPem, o.days ?? 365, o.now ?? new Date());
  cert.setSubject([
    ...(o.groups ?? []).map((g) => ({ name: "organizationName", value: g })),
    { name: "commonName", value: o.user },
  ]);
  cert.setIssuer(issuer.subject.attributes);
  cert.setExtensions(leafExtensions(issuer, "clientAuth"));
  return { keyPem, certPem: sign(cert, ca.keyPem) };
}

/** The normalised SAN set of a certificate: "IP:addr" / "DNS:name", IPv6 in compressed form. */
export function subjectAltNames(certPem: string): Set<string> {
  const text = new X509Certificate(certPem).subjectAltName ?? "";
  const out = new Set<string>();
  for (const entry of text.split(", ")) {
    if (entry.startsWith("DNS:")) out.add(`DNS:${entry.slice(4).toLowerCase()}`);
    else if (entry.startsWith("IP Address:")) out.add(`IP:${normaliseIp(entry.slice(11))}`);
  }
  return out;
}

/** The SAN set a host list asks for, in the form subjectAltNames returns. */
export function wantedAltNames(hosts: readonly string[]): Set<string> {
  return new Set(hosts.map((h) => (isIP(h) !== 0 ? `IP:${normaliseIp(h)}` : `DNS:${h.toLowerCase()}`)));
}

function normaliseIp(ip: string): string {
  return isIP(ip) === 6 ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : ip;
}

/** True when `keyPem` is the private half of `certPem`'s public key. */
export function keyMatchesCert(keyPem: string, certPem: string): boolean {
  const fromKey = createPublicKey(keyPem).export({ type: "spki", format: "der" });
  const fromCert = new X509Certificate(certPem).publicKey.export({ type: "spki", format: "der" });
  return fromKey.equals(fromCert);
}
