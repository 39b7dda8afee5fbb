// A real TLS handshake with the PKI's certificates: the client trusts the CA and presents a
// client certificate; the server asks for one without requiring it, as the API server does.
import { request, createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Authenticator } from "./authenticator.js";
import { createCa, createClientCert, type KeyAndCert } from "./certs.js";
import { ensurePki, type ApiCredentials } from "./pki.js";

let dir: string;
let creds: ApiCredentials;
let server: Server;
let port: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "skiff-tls-"));
  creds = await ensurePki(join(dir, "pki"), { hosts: [] });
  const auth = new Authenticator({ credentials: creds });
  server = createServer(
    { cert: creds.certPem, key: creds.keyPem, ca: creds.caPem, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const socket = req.socket as TLSSocket;
      const peer = socket.authorized ? socket.getPeerCertificate() : undefined;
      void auth
        .authenticate({
          ...(req.headers.authorization !== undefined && { authorization: req.headers.authorization }),
          ...(peer !== undefined && Object.keys(peer).length > 0 && { peerCertificate: peer }),
        })
        .then((user) => res.end(JSON.stringify(user ?? null)));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

function get(
  host: string,
  o: { client?: KeyAndCert; token?: string; servername?: string; trust?: boolean } = {},
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host,
        port,
        path: "/",
        ...(o.trust !== false && { ca: creds.caPem }),
        ...(o.servername !== undefined && { servername: o.servername }),
        ...(o.client && { cert: o.client.certPem, key: o.client.keyPem }),
        ...(o.token !== undefined && { headers: { authorization: `Bearer ${o.token}` } }),
      },
      (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve(JSON.parse(body)));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("TLS with the PKI", () => {
  it("verifies the serving certificate for 127.0.0.1 and localhost and authenticates a client certificate", async () => {
    const client = await createClientCert(
      { certPem: creds.caPem, keyPem: creds.caKeyPem },
      { user: "bob", groups: ["dev"] },
    );
    expect(await get("127.0.0.1", { client })).toEqual({
      name: "bob",
      groups: ["dev", "system:authenticated"],
    });
    expect(await get("127.0.0.1", { servername: "localhost", token: creds.adminToken })).toMatchObject({
      name: "skiff-admin",
    });
  });

  it("treats a certificate from another CA as no certificate", async () => {
    const other = await createCa({ commonName: "evil" });
    const client = await createClientCert(other, { user: "mallory", groups: ["system:masters"] });
    expect(await get("127.0.0.1", { client })).toEqual({
      name: "system:anonymous",
      groups: ["system:unauthenticated"],
    });
  });

  it("is refused by a client for a name the certificate does not carry, or without the CA", async () => {
    await expect(get("127.0.0.1", { servername: "example.com" })).rejects.toMatchObject({
      code: "ERR_TLS_CERT_ALTNAME_INVALID",
    });
    await expect(get("127.0.0.1", { trust: false })).rejects.toMatchObject({
      code: "SELF_SIGNED_CERT_IN_CHAIN",
    });
  });
});
