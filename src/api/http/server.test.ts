import { generateKeyPairSync } from "node:crypto";
import { request } from "node:https";
import forge from "node-forge";
import { pino } from "pino";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeFace } from "./fake-face.test-util.js";
import { createApiHandler } from "./handler.js";
import { ApiMetrics } from "./metrics.js";
import { startApiHttpServer, type ApiHttpServer } from "./server.js";

interface Issued {
  certPem: string;
  keyPem: string;
}

function keyPair(): { pub: forge.pki.PublicKey; priv: forge.pki.PrivateKey; keyPem: string } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const priv = forge.pki.privateKeyFromPem(keyPem);
  const pub = forge.pki.setRsaPublicKey(
    (priv as forge.pki.rsa.PrivateKey).n,
    (priv as forge.pki.rsa.PrivateKey).e,
  );
  return { pub, priv, keyPem };
}

function certificate(o: {
  subject: forge.pki.CertificateField[];
  issuer?: { cert: forge.pki.Certificate; key: forge.pki.PrivateKey };
  ca?: boolean;
  serverIp?: string;
  serial: string;
}): Issued & { cert: forge.pki.Certificate; key: forge.pki.PrivateKey } {
  const { pub, priv, keyPem } = keyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = pub;
  cert.serialNumber = o.serial;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 3_600_000);
  cert.setSubject(o.subject);
  cert.setIssuer(o.issuer ? o.issuer.cert.subject.attributes : o.subject);
  const extensions: object[] = [{ name: "basicConstraints", cA: o.ca === true }];
  if (o.ca) extensions.push({ name: "keyUsage", keyCertSign: true, digitalSignature: true });
  if (o.serverIp) {
    extensions.push({ name: "subjectAltName", altNames: [{ type: 7, ip: o.serverIp }] });
    extensions.push({ name: "extKeyUsage", serverAuth: true });
  } else if (!o.ca) {
    extensions.push({ name: "extKeyUsage", clientAuth: true });
  }
  cert.setExtensions(extensions);
  cert.sign((o.issuer?.key ?? priv) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { cert, key: priv, certPem: forge.pki.certificateToPem(cert), keyPem };
}

describe("API HTTPS server", () => {
  let server: ApiHttpServer;
  let ca: ReturnType<typeof certificate>;
  let client: Issued;
  let stranger: Issued;
  const seen: { user?: string }[] = [];

  beforeAll(async () => {
    ca = certificate({ subject: [{ name: "commonName", value: "test-ca" }], ca: true, serial: "01" });
    const serving = certificate({
      subject: [{ name: "commonName", value: "localhost" }],
      issuer: ca,
      serverIp: "127.0.0.1",
      serial: "02",
    });
    client = certificate({
      subject: [
        { name: "commonName", value: "alice" },
        { name: "organizationName", value: "devs" },
      ],
      issuer: ca,
      serial: "03",
    });
    const otherCa = certificate({
      subject: [{ name: "commonName", value: "other-ca" }],
      ca: true,
      serial: "04",
    });
    stranger = certificate({
      subject: [{ name: "commonName", value: "mallory" }],
      issuer: otherCa,
      serial: "05",
    });

    const face = fakeFace();
    face.authenticator = {
      authenticate: async ({ authorization, peerCertificate }) => {
        if (peerCertificate !== undefined) {
          return { name: String(peerCertificate.subject.CN), groups: [String(peerCertificate.subject.O)] };
        }
        return authorization === "Bearer admin"
          ? { name: "skiff-admin", groups: ["system:masters"] }
          : undefined;
      },
    };
    face.authorizer = {
      authorize: async (a) => {
        seen.push({ user: a.user.name });
        return { allowed: true, reason: "" };
      },
    };
    const metrics = new Registry();
    server = await startApiHttpServer({
      host: "127.0.0.1",
      port: 0,
      tls: { caPem: ca.certPem, certPem: serving.certPem, keyPem: serving.keyPem },
      handler: createApiHandler({
        face,
        logger: pino({ level: "silent" }),
        metrics: new ApiMetrics(metrics),
        metricsRegistry: metrics,
      }),
    });
  });

  afterAll(async () => {
    await server?.close(1000);
  });

  function get(
    path: string,
    o: { cert?: Issued; token?: string } = {},
  ): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        `${server.url}${path}`,
        {
          ca: ca.certPem,
          ...(o.cert && { cert: o.cert.certPem, key: o.cert.keyPem }),
          headers: o.token ? { authorization: `Bearer ${o.token}` } : {},
          agent: false,
        },
        (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (body += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on("error", reject);
      req.end();
    });
  }

  it("serves HTTPS with the CA's certificate", async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const v = await get("/version");
    expect(JSON.parse(v.body)).toMatchObject({ minor: "32" });
  });

  it("authenticates a client certificate signed by the CA, and ignores one that is not", async () => {
    seen.length = 0;
    expect((await get("/api/v1/namespaces/default/configmaps", { cert: client })).status).toBe(200);
    expect(seen.at(-1)).toEqual({ user: "alice" });
    await get("/api/v1/namespaces/default/configmaps", { cert: stranger });
    expect(seen.at(-1)).toEqual({ user: "system:anonymous" });
    await get("/api/v1/namespaces/default/configmaps", { token: "admin" });
    expect(seen.at(-1)).toEqual({ user: "skiff-admin" });
  });
});
