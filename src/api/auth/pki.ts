// The API server's key material under <data-dir>/api/pki, created at first start and reused
// afterwards: a CA, the serving certificate (renewed when it nears expiry or the host list
// changes), the admin bearer token and the key that signs service-account tokens.
import { randomBytes, X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { isNotFound } from "../../content/fs-util.js";
import {
  createCa,
  createServingCert,
  keyMatchesCert,
  newRsaKeyPem,
  subjectAltNames,
  wantedAltNames,
  type KeyAndCert,
} from "./certs.js";
import { ensurePrivateDir, writeFileAtomic } from "./private-file.js";

export interface ApiCredentials {
  caPem: string;
  caKeyPem: string;
  certPem: string;
  keyPem: string;
  adminToken: string;
  /** RSA private key (PEM) that signs and verifies service-account JWTs. */
  serviceAccountKeyPem: string;
}

export const PKI_FILES = {
  caCert: "ca.crt",
  caKey: "ca.key",
  cert: "apiserver.crt",
  key: "apiserver.key",
  adminToken: "admin.token",
  serviceAccountKey: "sa.key",
} as const;

/** Names every serving certificate carries, whatever hosts are asked for. */
export const DEFAULT_HOSTS = ["127.0.0.1", "::1", "localhost"] as const;
const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** The CA on disk, or a new one when either half is missing or they do not belong together. */
async function ensureCa(dir: string, now: Date): Promise<{ ca: KeyAndCert; created: boolean }> {
  const keyPem = await readOptional(join(dir, PKI_FILES.caKey));
  const certPem = await readOptional(join(dir, PKI_FILES.caCert));
  if (keyPem !== undefined && certPem !== undefined && keyMatchesCert(keyPem, certPem)) {
    return { ca: { keyPem, certPem }, created: false };
  }
  const ca = await createCa({ commonName: "skiff-ca", now });
  // Key first: a crash between the two writes leaves a mismatch, which the check above redoes.
  await writeFileAtomic(join(dir, PKI_FILES.caKey), ca.keyPem, 0o600);
  await writeFileAtomic(join(dir, PKI_FILES.caCert), ca.certPem, 0o644);
  return { ca, created: true };
}

/** Why the serving certificate must be (re)issued, or undefined when it is still good. */
function servingProblem(o: {
  ca: KeyAndCert;
  serving: KeyAndCert;
  hosts: readonly string[];
  now: Date;
}): string | undefined {
  const { keyPem, certPem } = o.serving;
  if (!keyMatchesCert(keyPem, certPem)) return "key mismatch";
  const cert = new X509Certificate(certPem);
  if (!cert.verify(new X509Certificate(o.ca.certPem).publicKey)) return "not signed by the CA";
  if (Date.parse(cert.validTo) - o.now.getTime() < RENEW_BEFORE_MS) return "expiring";
  const have = subjectAltNames(certPem);
  const want = wantedAltNames(o.hosts);
  if (have.size !== want.size || [...want].some((n) => !have.has(n))) return "hosts changed";
  return undefined;
}

async function ensureServing(
  dir: string,
  ca: KeyAndCert,
  hosts: readonly string[],
  now: Date,
): Promise<KeyAndCert> {
  const keyPem = await readOptional(join(dir, PKI_FILES.key));
  const certPem = await readOptional(join(dir, PKI_FILES.cert));
  if (keyPem !== undefined && certPem !== undefined) {
    if (servingProblem({ ca, serving: { keyPem, certPem }, hosts, now }) === undefined)
      return { keyPem, certPem };
  }
  const fresh = await createServingCert(ca, { commonName: "skiff-apiserver", hosts, now });
  await writeFileAtomic(join(dir, PKI_FILES.key), fresh.keyPem, 0o600);
  await writeFileAtomic(join(dir, PKI_FILES.cert), fresh.certPem, 0o644);
  return fresh;
}

async function ensureSecret(path: string, make: () => Promise<string>): Promise<string> {
  const existing = (await readOptional(path))?.trim();
  if (existing !== undefined && existing !== "") return existing;
  // Stored with a final newline, returned without, the same on every call.
  const value = (await make()).trim();
  await writeFileAtomic(path, `${value}\n`, 0o600);
  return value;
}

/**
 * Makes sure `dir` (mode 0700) holds the CA, a serving certificate valid for `hosts` (plus
 * 127.0.0.1, ::1 and localhost), the admin token and the service-account signing key, creating
 * or renewing what is missing, stale or inconsistent. A second call reuses everything.
 */
export async function ensurePki(dir: string, o: { hosts: string[]; now?: Date }): Promise<ApiCredentials> {
  const now = o.now ?? new Date();
  await ensurePrivateDir(dir);
  const hosts = [...new Set([...DEFAULT_HOSTS, ...o.hosts.filter((h) => h !== "")])];
  const { ca } = await ensureCa(dir, now);
  const serving = await ensureServing(dir, ca, hosts, now);
  const adminToken = await ensureSecret(join(dir, PKI_FILES.adminToken), async () =>
    randomBytes(32).toString("base64url"),
  );
  const serviceAccountKeyPem = await ensureSecret(join(dir, PKI_FILES.serviceAccountKey), newRsaKeyPem);
  return {
    caPem: ca.certPem,
    caKeyPem: ca.keyPem,
    certPem: serving.certPem,
    keyPem: serving.keyPem,
    adminToken,
    serviceAccountKeyPem,
  };
}
