// The real kubectl against a small HTTPS server wired with this module: the kubeconfig it
// writes, the serving certificate, bearer tokens, client certificates, and the 401/403 Status
// texts kubectl turns into its messages.
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTool, run } from "../../../test/support/tools.js";
import { ApiError } from "../errors.js";
import { Authenticator } from "./authenticator.js";
import { bootstrapRbac } from "./bootstrap.js";
import { createClientCert } from "./certs.js";
import { forbiddenError } from "./forbidden.js";
import { kubeconfigYaml } from "./kubeconfig.js";
import { ensurePki, type ApiCredentials } from "./pki.js";
import { RbacAuthorizer, type RequestAttributes } from "./rbac.js";
import { binding, memorySource } from "./rbac.test-util.js";
import type { UserInfo } from "./user.js";

const hasKubectl = requireTool("kubectl");
let dir: string;
let creds: ApiCredentials;
let server: Server;
let url: string;

const VERSION = { major: "1", minor: "32", gitVersion: "v1.32.0", platform: "linux/amd64" };

/** Just enough request parsing for /api/v1/[namespaces/NS/]RESOURCE[/NAME] and URLs. */
function attributesOf(path: string, method: string, user: UserInfo): RequestAttributes {
  const base = { user, apiGroup: "", subresource: "", namespace: "", name: "", resource: "", path };
  const parts = path.split("/").filter(Boolean);
  if (parts[0] !== "api" || parts.length < 3)
    return { ...base, verb: method.toLowerCase(), resourceRequest: false };
  let rest = parts.slice(2);
  let namespace = "";
  if (rest[0] === "namespaces" && rest.length >= 3) {
    namespace = rest[1] ?? "";
    rest = rest.slice(2);
  }
  const name = rest[1] ?? "";
  const verb = method === "GET" ? (name === "" ? "list" : "get") : "create";
  return { ...base, verb, resourceRequest: true, namespace, resource: rest[0] ?? "", name };
}

function send(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function handle(auth: Authenticator, authz: RbacAuthorizer, req: IncomingMessage, res: ServerResponse) {
  const socket = req.socket as TLSSocket;
  const peer = socket.authorized ? socket.getPeerCertificate() : undefined;
  const user = await auth.authenticate({
    ...(req.headers.authorization !== undefined && { authorization: req.headers.authorization }),
    ...(peer !== undefined && Object.keys(peer).length > 0 && { peerCertificate: peer }),
  });
  if (!user) return send(res, 401, new ApiError("Unauthorized", "Unauthorized").toStatus());
  const path = new URL(req.url ?? "/", "https://x").pathname;
  const a = attributesOf(path, req.method ?? "GET", user);
  const decision = await authz.authorize(a);
  if (!decision.allowed) return send(res, 403, forbiddenError(a, decision.reason).toStatus());
  if (path === "/version") return send(res, 200, VERSION);
  return send(res, 200, { kind: "PodList", apiVersion: "v1", metadata: {}, items: [] });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "skiff-auth-kubectl-"));
  creds = await ensurePki(join(dir, "pki"), { hosts: [] });
  const auth = new Authenticator({
    credentials: creds,
    tokens: new Map([["bob-token", { name: "bob", groups: [] }]]),
  });
  const authz = new RbacAuthorizer(
    memorySource([
      ...bootstrapRbac(),
      binding(
        "carol-view",
        { kind: "ClusterRole", name: "view" },
        [{ kind: "User", name: "carol" }],
        "default",
      ),
    ]),
  );
  server = createServer(
    { cert: creds.certPem, key: creds.keyPem, ca: creds.caPem, requestCert: true, rejectUnauthorized: false },
    (req, res) => void handle(auth, authz, req, res).catch(() => send(res, 500, {})),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await rm(dir, { recursive: true, force: true });
});

async function kubectl(token: string, args: string[], extra: string[] = []) {
  const kubeconfig = join(dir, `kubeconfig-${token.slice(0, 6)}`);
  await writeFile(kubeconfig, kubeconfigYaml({ server: url, caPem: creds.caPem, token }), { mode: 0o600 });
  return run("kubectl", ["--kubeconfig", kubeconfig, ...extra, ...args], {
    env: { ...process.env, HOME: dir, KUBECONFIG: kubeconfig },
    timeoutMs: 30_000,
  });
}

describe.skipIf(!hasKubectl)("kubectl against the PKI and authenticator", () => {
  it("trusts the CA of the kubeconfig and sends the admin token", async () => {
    const r = await kubectl(creds.adminToken, ["get", "--raw", "/version"]);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toMatchObject({ minor: "32" });
  });

  it("prints Kubernetes' 401 and 403 messages", async () => {
    const bad = await kubectl("not-a-token", ["get", "--raw", "/api/v1/namespaces/default/pods"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("error: You must be logged in to the server (Unauthorized)");
    const bob = await kubectl("bob-token", ["get", "--raw", "/api/v1/namespaces/default/pods"]);
    expect(bob.code).not.toBe(0);
    expect(bob.stderr).toContain(
      'Error from server (Forbidden): pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "default"',
    );
  });

  it("authenticates a client certificate signed by the CA", async () => {
    const cert = await createClientCert({ certPem: creds.caPem, keyPem: creds.caKeyPem }, { user: "carol" });
    await writeFile(join(dir, "carol.crt"), cert.certPem);
    await writeFile(join(dir, "carol.key"), cert.keyPem, { mode: 0o600 });
    const certArgs = [
      `--client-certificate=${join(dir, "carol.crt")}`,
      `--client-key=${join(dir, "carol.key")}`,
    ];
    // A blank token (no usable Bearer credential): only the certificate speaks for the client.
    const ok = await kubectl("      ", ["get", "--raw", "/api/v1/namespaces/default/pods"], certArgs);
    expect(ok.stderr).toBe("");
    expect(JSON.parse(ok.stdout)).toMatchObject({ kind: "PodList" });
    const denied = await kubectl("      ", ["get", "--raw", "/api/v1/namespaces/kube-system/pods"], certArgs);
    expect(denied.stderr).toContain('User "carol" cannot list resource "pods"');
  });
});
