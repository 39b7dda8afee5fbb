import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { subjectAltNames } from "./certs.js";
import { ensurePki, PKI_FILES } from "./pki.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "skiff-pki-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const mode = async (p: string): Promise<number> => (await stat(p)).mode & 0o777;

describe("ensurePki", () => {
  it("creates a CA and a serving certificate it signs, with the default and given SANs", async () => {
    const dir = join(root, "pki");
    const c = await ensurePki(dir, { hosts: ["10.1.2.3", "api.example.test"] });
    const ca = new X509Certificate(c.caPem);
    const leaf = new X509Certificate(c.certPem);
    expect(ca.ca).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]);
    expect([...subjectAltNames(c.certPem)].sort()).toEqual(
      ["DNS:api.example.test", "DNS:localhost", "IP:10.1.2.3", "IP:127.0.0.1", "IP:::1"].sort(),
    );
    expect(leaf.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(leaf.checkIP("::1")).toBeDefined();
    const years = (Date.parse(ca.validTo) - Date.now()) / (365 * 86400e3);
    expect(years).toBeGreaterThan(9.9);
    const days = (Date.parse(leaf.validTo) - Date.now()) / 86400e3;
    expect(days).toBeGreaterThan(364);
    expect(days).toBeLessThan(366);
  });

  it("writes keys and the token 0600 in a 0700 directory, the token as 32 base64url bytes", async () => {
    const dir = join(root, "pki");
    const c = await ensurePki(dir, { hosts: [] });
    expect(await mode(dir)).toBe(0o700);
    for (const f of [PKI_FILES.caKey, PKI_FILES.key, PKI_FILES.adminToken, PKI_FILES.serviceAccountKey]) {
      expect(await mode(join(dir, f))).toBe(0o600);
    }
    expect(c.adminToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await readFile(join(dir, PKI_FILES.adminToken), "utf8")).trim()).toBe(c.adminToken);
    expect(c.serviceAccountKeyPem).toContain("PRIVATE KEY");
  });

  it("reuses everything on a second call", async () => {
    const dir = join(root, "pki");
    const first = await ensurePki(dir, { hosts: ["10.0.0.1"] });
    const second = await ensurePki(dir, { hosts: ["10.0.0.1"] });
    expect(second).toEqual(first);
  });

  it("re-issues only the serving certificate when the hosts change", async () => {
    const dir = join(root, "pki");
    const first = await ensurePki(dir, { hosts: ["10.0.0.1"] });
    const second = await ensurePki(dir, { hosts: ["10.0.0.2"] });
    expect(second.caPem).toBe(first.caPem);
    expect(second.adminToken).toBe(first.adminToken);
    expect(second.certPem).not.toBe(first.certPem);
    expect(subjectAltNames(second.certPem).has("IP:10.0.0.2")).toBe(true);
    expect(subjectAltNames(second.certPem).has("IP:10.0.0.1")).toBe(false);
  });

  it("renews a serving certificate with less than 30 days left", async () => {
    const dir = join(root, "pki");
    const longAgo = new Date(Date.now() - 340 * 86400e3);
    const old = await ensurePki(dir, { hosts: [], now: longAgo });
    const kept = await ensurePki(dir, { hosts: [], now: new Date(longAgo.getTime() + 86400e3) });
    expect(kept.certPem).toBe(old.certPem);
    const renewed = await ensurePki(dir, { hosts: [] });
    expect(renewed.certPem).not.toBe(old.certPem);
    expect(renewed.caPem).toBe(old.caPem);
    expect(Date.parse(new X509Certificate(renewed.certPem).validTo)).toBeGreaterThan(
      Date.now() + 300 * 86400e3,
    );
  });

  it("replaces a CA whose key and certificate do not belong together, and re-signs the leaf", async () => {
    const dir = join(root, "pki");
    const first = await ensurePki(dir, { hosts: [] });
    const other = await ensurePki(join(root, "other"), { hosts: [] });
    const { writeFile } = await import("node:fs/promises");
    await writeFile(join(dir, PKI_FILES.caKey), other.caKeyPem);
    const next = await ensurePki(dir, { hosts: [] });
    expect(next.caPem).not.toBe(first.caPem);
    expect(new X509Certificate(next.certPem).verify(new X509Certificate(next.caPem).publicKey)).toBe(true);
  });
});
