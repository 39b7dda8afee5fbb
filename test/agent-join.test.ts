// Joining nodes with tokens, end to end against a real `skiff server`: `skiff token create`
// makes a bootstrap-token Secret and publishes cluster-info; an HTTPS client holding the token
// and the CA (pinned by its hash) can do what a node agent does and nothing more; wrong,
// expired and deleted tokens get 401, and `skiff agent` says so before it starts anything.
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caCertHash } from "../src/api/auth/cluster-info.js";
import { HttpClusterClient } from "../src/api/client/http-client.js";
import { discoverClusterCa } from "../src/api/client/join-discovery.js";
import { readKubeconfig, type KubeconfigConnection } from "../src/api/client/kubeconfig-read.js";
import type { KubeObject } from "../src/api/types.js";
import { startApiServer, type ApiServer } from "./support/api-server.js";
import { SKIFF_BIN } from "./support/skiff-server.js";
import { run, type RunResult } from "./support/tools.js";

const NODE = "join-test-node";

function skiff(args: string[]): Promise<RunResult> {
  return run(process.execPath, [SKIFF_BIN, ...args], { timeoutMs: 60_000 });
}

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as { reason?: string }).reason ?? `not an ApiError: ${String(err)}`;
  }
  return "allowed";
}

describe("joining nodes with tokens", () => {
  let api: ApiServer;
  let admin: KubeconfigConnection;
  let adminClient: HttpClusterClient;
  const clients: HttpClusterClient[] = [];
  const token = (args: string[]): Promise<RunResult> =>
    skiff(["token", ...args, "--kubeconfig", api.kubeconfig]);
  const nodeClient = (t: string, caPem = admin.caPem): HttpClusterClient => {
    const c = new HttpClusterClient({ server: api.url, caPem, token: t, fieldManager: "kubelet" });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    api = await startApiServer();
    admin = readKubeconfig(await readFile(api.kubeconfig, "utf8"));
    adminClient = new HttpClusterClient({ ...admin });
  });

  afterAll(async () => {
    for (const c of [adminClient, ...clients]) c?.close();
    await api?.stop();
  });

  it("creates a token, publishes cluster-info and prints the join command", async () => {
    const created = await token(["create", "--ttl", "1h", "--description", "for the test"]);
    expect(created.code, created.stderr).toBe(0);
    const t = created.stdout.trim();
    expect(t).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    const hash = caCertHash(admin.caPem as string);
    expect(created.stderr).toContain(`skiff agent --server ${api.url} --token ${t} --ca-cert-hash ${hash}`);
    const joinCmd = await token(["create", "--print-join-command", "--server", "https://10.0.0.5:6443"]);
    expect(joinCmd.stdout).toMatch(
      /^skiff agent --server https:\/\/10\.0\.0\.5:6443 --token [a-z0-9.]{23} --ca-cert-hash sha256:[0-9a-f]{64}\n$/,
    );

    const secret = await adminClient
      .resource({ apiVersion: "v1", kind: "Secret" })
      .get("kube-system", `bootstrap-token-${t.slice(0, 6)}`);
    expect(secret.type).toBe("bootstrap.kubernetes.io/token");
    const listed = await token(["list", "--json"]);
    const entries = JSON.parse(listed.stdout) as { id: string; description: string; expiration: string }[];
    expect(entries.find((e) => e.id === t.slice(0, 6))?.description).toBe("for the test");

    // The CA is found without credentials and accepted only with the right hash.
    expect(await discoverClusterCa({ server: api.url, caCertHash: hash })).toBe(admin.caPem);
    const wrong = `sha256:${"0".repeat(64)}`;
    await expect(discoverClusterCa({ server: api.url, caCertHash: wrong })).rejects.toThrow(/does not match/);
  });

  it("lets a node register, renew its lease, follow its pods and report their status", async () => {
    const t = (await token(["create"])).stdout.trim();
    const node = nodeClient(
      t,
      await discoverClusterCa({ server: api.url, caCertHash: caCertHash(admin.caPem as string) }),
    );
    const nodes = node.resource({ apiVersion: "v1", kind: "Node" });
    const registered = await nodes.create({ apiVersion: "v1", kind: "Node", metadata: { name: NODE } });
    expect(registered.metadata.uid).toBeDefined();
    await nodes.patch(
      undefined,
      NODE,
      "strategic",
      {
        status: {
          conditions: [
            {
              type: "Ready",
              status: "True",
              reason: "KubeletReady",
              message: "kubelet is posting ready status",
            },
          ],
        },
      },
      { subresource: "status" },
    );
    const leases = node.resource({ apiVersion: "coordination.k8s.io/v1", kind: "Lease" });
    const lease = await leases.create({
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name: NODE, namespace: "kube-node-lease" },
      spec: {
        holderIdentity: NODE,
        leaseDurationSeconds: 40,
        renewTime: new Date().toISOString().replace("Z", "000Z"),
      },
    });
    await leases.update({
      ...lease,
      spec: { ...(lease.spec as object), renewTime: new Date().toISOString().replace("Z", "000Z") },
    });

    // The admin makes a pod bound to the node, with a ConfigMap and a Secret it uses.
    await adminClient.resource({ apiVersion: "v1", kind: "ConfigMap" }).create({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "app-config", namespace: "default" },
      data: { a: "1" },
    });
    await adminClient.resource({ apiVersion: "v1", kind: "Secret" }).create({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "app-secret", namespace: "default" },
      data: { p: "cw==" },
    });
    const pods = node.resource({ apiVersion: "v1", kind: "Pod" });
    const abort = new AbortController();
    const seen: string[] = [];
    const list = await pods.list(undefined, { fieldSelector: `spec.nodeName=${NODE}` });
    const watching = (async () => {
      for await (const ev of pods.watch(
        undefined,
        { fieldSelector: `spec.nodeName=${NODE}`, resourceVersion: list.metadata.resourceVersion as string },
        abort.signal,
      )) {
        seen.push(`${ev.type} ${ev.object.metadata.name}`);
        if (ev.type === "MODIFIED") abort.abort();
      }
    })();
    const pod: KubeObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "web", namespace: "default" },
      spec: {
        nodeName: NODE,
        containers: [{ name: "c", image: "busybox", envFrom: [{ configMapRef: { name: "app-config" } }] }],
      },
    };
    await adminClient.resource({ apiVersion: "v1", kind: "Pod" }).create(pod);
    expect(
      (await node.resource({ apiVersion: "v1", kind: "ConfigMap" }).get("default", "app-config")).data,
    ).toEqual({ a: "1" });
    expect(
      (await node.resource({ apiVersion: "v1", kind: "Secret" }).get("default", "app-secret")).data,
    ).toEqual({ p: "cw==" });
    const current = await pods.get("default", "web");
    const running = await pods.updateStatus({
      ...current,
      status: { ...(current.status as object), phase: "Running", hostIP: "10.0.0.9" },
    });
    expect((running.status as { phase?: string }).phase).toBe("Running");
    await node.resource({ apiVersion: "v1", kind: "Event" }).create({
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: "web.1", namespace: "default" },
      involvedObject: { kind: "Pod", name: "web", namespace: "default", uid: current.metadata.uid },
      reason: "Started",
      message: "Started container c",
      type: "Normal",
      source: { component: "kubelet", host: NODE },
    });
    await watching;
    expect(seen).toEqual(["ADDED web", "MODIFIED web"]);
  });

  it("does not let a node do what nodes do not do", async () => {
    const node = nodeClient((await token(["create"])).stdout.trim());
    const secrets = node.resource({ apiVersion: "v1", kind: "Secret" });
    expect(await reason(secrets.list("kube-system"))).toBe("Forbidden");
    expect(
      await reason(
        secrets.create({ apiVersion: "v1", kind: "Secret", metadata: { name: "x", namespace: "default" } }),
      ),
    ).toBe("Forbidden");
    expect(await reason(node.resource({ apiVersion: "apps/v1", kind: "Deployment" }).list("default"))).toBe(
      "Forbidden",
    );
    expect(
      await reason(node.resource({ apiVersion: "v1", kind: "Namespace" }).delete(undefined, "default")),
    ).toBe("Forbidden");
    const pods = node.resource({ apiVersion: "v1", kind: "Pod" });
    const web = await pods.get("default", "web");
    expect(
      await reason(pods.update({ ...web, metadata: { ...web.metadata, labels: { hacked: "yes" } } })),
    ).toBe("Forbidden");
    expect(
      await reason(
        node.resource({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding" }).list(),
      ),
    ).toBe("Forbidden");
  });

  it("answers 401 to wrong, expired and deleted tokens", async () => {
    const t = (await token(["create"])).stdout.trim();
    const nodes = (c: HttpClusterClient): Promise<unknown> =>
      c.resource({ apiVersion: "v1", kind: "Node" }).list();
    expect(await reason(nodes(nodeClient(t)))).toBe("allowed");
    expect(await reason(nodes(nodeClient(`${t.slice(0, 7)}${"x".repeat(16)}`)))).toBe("Unauthorized");
    expect(await reason(nodes(nodeClient("zzzzzz.0123456789abcdef")))).toBe("Unauthorized");

    const short = (await token(["create", "--ttl", "1s"])).stdout.trim();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await reason(nodes(nodeClient(short)))).toBe("Unauthorized");

    const deleted = await token(["delete", t.slice(0, 6)]);
    expect(deleted.stdout).toContain(`deleted join token ${t.slice(0, 6)}`);
    expect(await reason(nodes(nodeClient(t)))).toBe("Unauthorized");
    expect((await token(["delete", t.slice(0, 6)])).stderr).toContain(
      `no join token with id ${t.slice(0, 6)}`,
    );
  });

  it("has `skiff agent` refuse a wrong CA hash or a refused token before it starts anything", async () => {
    const hash = caCertHash(admin.caPem as string);
    const base = ["agent", "--server", api.url, "--data-dir", `${api.work}/agent`, "--node-name", NODE];
    const badHash = await skiff([
      ...base,
      "--token",
      "abcdef.0123456789abcdef",
      "--ca-cert-hash",
      `sha256:${"1".repeat(64)}`,
    ]);
    expect(badHash.code).toBe(1);
    expect(badHash.stderr).toContain("does not match --ca-cert-hash");
    const badToken = await skiff([...base, "--token", "abcdef.0123456789abcdef", "--ca-cert-hash", hash]);
    expect(badToken.code).toBe(1);
    expect(badToken.stderr).toContain("refused the join token");
    const noTrust = await skiff([...base, "--token", "abcdef.0123456789abcdef"]);
    expect(noTrust.stderr).toContain("--ca-cert-hash");
    const help = await skiff(["agent", "--help"]);
    for (const flag of [
      "--server",
      "--token",
      "--ca-cert-hash",
      "--ca-file",
      "--node-name",
      "--node-ip",
      "--data-dir",
      "--exec-root",
      "--bridge-name",
      "--bridge-subnet",
      "--engine-socket",
    ]) {
      expect(help.stdout).toContain(flag);
    }
  });
});
