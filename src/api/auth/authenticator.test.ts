import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../types.js";
import { Authenticator, ANONYMOUS, bearerToken } from "./authenticator.js";
import { createCa, createClientCert } from "./certs.js";
import { ServiceAccountTokens } from "./sa-token.js";

const saKey = generateKeyPairSync("rsa", { modulusLength: 2048 })
  .privateKey.export({ type: "pkcs1", format: "pem" })
  .toString();
const ca = await createCa({ commonName: "test-ca" });
const credentials = { caPem: ca.certPem, adminToken: "admin-secret", serviceAccountKeyPem: saKey };

function serviceAccounts(): {
  items: Map<string, KubeObject>;
  serviceAccount(ns: string, n: string): KubeObject | undefined;
} {
  const items = new Map<string, KubeObject>();
  return { items, serviceAccount: (ns, n) => items.get(`${ns}/${n}`) };
}

function sa(namespace: string, name: string, uid: string): KubeObject {
  return { apiVersion: "v1", kind: "ServiceAccount", metadata: { namespace, name, uid } };
}

describe("bearerToken", () => {
  it("reads `Bearer <token>` with any case of the scheme", () => {
    expect(bearerToken("Bearer abc")).toBe("abc");
    expect(bearerToken("bearer abc")).toBe("abc");
    expect(bearerToken("  BEARER abc  ")).toBe("abc");
    expect(bearerToken("Basic abc")).toBeUndefined();
    expect(bearerToken("Bearer ")).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe("Authenticator", () => {
  it("maps the admin token to skiff-admin in system:masters", async () => {
    const a = new Authenticator({ credentials });
    expect(await a.authenticate({ authorization: "Bearer admin-secret" })).toEqual({
      name: "skiff-admin",
      groups: ["system:masters", "system:authenticated"],
    });
  });

  it("answers static tokens, rejects unknown ones and leaves no credentials anonymous", async () => {
    const tokens = new Map([["bob-token", { name: "bob", uid: "42", groups: ["dev"] }]]);
    const a = new Authenticator({ credentials, tokens });
    expect(await a.authenticate({ authorization: "Bearer bob-token" })).toEqual({
      name: "bob",
      uid: "42",
      groups: ["dev", "system:authenticated"],
    });
    expect(await a.authenticate({ authorization: "Bearer nope" })).toBeUndefined();
    expect(await a.authenticate({ authorization: "Bearer a.b.c" })).toBeUndefined();
    expect(await a.authenticate({})).toEqual(ANONYMOUS);
    expect(await a.authenticate({ authorization: "Basic Ym9iOnB3" })).toEqual(ANONYMOUS);
  });

  it("accepts client certificates of its CA (CN user, O groups) and no others", async () => {
    const a = new Authenticator({ credentials });
    const good = await createClientCert(ca, { user: "carol", groups: ["ops", "dev"] });
    const raw = (pem: string): Buffer =>
      Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
    expect(await a.authenticate({ peerCertificate: { raw: raw(good.certPem) } })).toEqual({
      name: "carol",
      groups: ["ops", "dev", "system:authenticated"],
    });
    const strangerCa = await createCa({ commonName: "test-ca" });
    const stranger = await createClientCert(strangerCa, { user: "mallory", groups: ["system:masters"] });
    expect(await a.authenticate({ peerCertificate: { raw: raw(stranger.certPem) } })).toBeUndefined();
    // A bad certificate does not hide a good token.
    expect(
      await a.authenticate({
        peerCertificate: { raw: raw(stranger.certPem) },
        authorization: "Bearer admin-secret",
      }),
    ).toMatchObject({ name: "skiff-admin" });
    const expired = await createClientCert(ca, { user: "old", now: new Date(Date.now() - 400 * 86400e3) });
    expect(await a.authenticate({ peerCertificate: { raw: raw(expired.certPem) } })).toBeUndefined();
  });

  it("issues service-account tokens that work while the account with that uid exists", async () => {
    const accounts = serviceAccounts();
    accounts.items.set("dev/builder", sa("dev", "builder", "uid-1"));
    const a = new Authenticator({ credentials, serviceAccounts: accounts });
    const issued = await a.issueServiceAccountToken({
      namespace: "dev",
      name: "builder",
      uid: "uid-1",
      expirationSeconds: 3600,
    });
    expect(issued.expirationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const payload = JSON.parse(
      Buffer.from(issued.token.split(".")[1] ?? "", "base64url").toString(),
    ) as Record<string, unknown>;
    expect(payload).toMatchObject({
      iss: "https://kubernetes.default.svc",
      sub: "system:serviceaccount:dev:builder",
      aud: ["https://kubernetes.default.svc"],
      "kubernetes.io": { namespace: "dev", serviceaccount: { name: "builder", uid: "uid-1" } },
    });
    const auth = `Bearer ${issued.token}`;
    expect(await a.authenticate({ authorization: auth })).toEqual({
      name: "system:serviceaccount:dev:builder",
      uid: "uid-1",
      groups: ["system:serviceaccounts", "system:serviceaccounts:dev", "system:authenticated"],
    });
    // Re-created under the same name: a new uid, the old token is dead.
    accounts.items.set("dev/builder", sa("dev", "builder", "uid-2"));
    expect(await a.authenticate({ authorization: auth })).toBeUndefined();
    accounts.items.delete("dev/builder");
    expect(await a.authenticate({ authorization: auth })).toBeUndefined();
  });

  it("rejects expired tokens, tokens for other audiences and tokens signed by another key", async () => {
    const accounts = serviceAccounts();
    accounts.items.set("dev/x", sa("dev", "x", "u"));
    let now = new Date();
    const a = new Authenticator({ credentials, serviceAccounts: accounts, clock: () => now });
    const ref = { namespace: "dev", name: "x", uid: "u" };
    const short = await a.issueServiceAccountToken({ ...ref, expirationSeconds: 600 });
    const vault = await a.issueServiceAccountToken({ ...ref, expirationSeconds: 600, audiences: ["vault"] });
    expect(await a.authenticate({ authorization: `Bearer ${vault.token}` })).toBeUndefined();
    const otherKey = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .privateKey.export({ type: "pkcs1", format: "pem" })
      .toString();
    const forged = await new ServiceAccountTokens({ signingKeyPem: otherKey }).issue(ref, {
      expirationSeconds: 600,
    });
    expect(await a.authenticate({ authorization: `Bearer ${forged.token}` })).toBeUndefined();
    expect(await a.authenticate({ authorization: `Bearer ${short.token}` })).toMatchObject({ uid: "u" });
    now = new Date(now.getTime() + 601_000);
    expect(await a.authenticate({ authorization: `Bearer ${short.token}` })).toBeUndefined();
  });

  it("rejects service-account tokens when it cannot look accounts up, and accounts being deleted", async () => {
    const bare = new Authenticator({ credentials });
    const t = await bare.issueServiceAccountToken({
      namespace: "a",
      name: "b",
      uid: "c",
      expirationSeconds: 600,
    });
    expect(await bare.authenticate({ authorization: `Bearer ${t.token}` })).toBeUndefined();
    const accounts = serviceAccounts();
    const dying = sa("a", "b", "c");
    dying.metadata.deletionTimestamp = new Date().toISOString();
    accounts.items.set("a/b", dying);
    const a = new Authenticator({ credentials, serviceAccounts: accounts });
    expect(await a.authenticate({ authorization: `Bearer ${t.token}` })).toBeUndefined();
  });
});
