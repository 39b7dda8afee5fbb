// The real kubectl against the registry with the in-memory store, served in-process by http/
// over plain HTTP (kubectl sends no credentials there; every request is allowed). Shows the
// registry's object semantics as kubectl reads them: apply, get, scale, label, patch, stale
// updates, watch, cascading delete and namespace deletion.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { Registry as MetricsRegistry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiHandler } from "../src/api/http/handler.js";
import { ApiMetrics } from "../src/api/http/metrics.js";
import { applyJsonPatch } from "../src/api/patch/json-patch.js";
import { updateManagedFields } from "../src/api/patch/managed-fields.js";
import { applyMergePatch } from "../src/api/patch/merge-patch.js";
import { applyServerSideApply } from "../src/api/patch/server-side-apply.js";
import { applyStrategicMergePatch } from "../src/api/patch/strategic-merge.js";
import { MemoryStore } from "../src/api/registry/memory-store.js";
import { ApiRegistry } from "../src/api/registry/registry.js";
import { builtinCatalog } from "../src/api/resources/catalog.js";
import { freePort } from "./support/child.js";
import { requireTool, run, type RunResult } from "./support/tools.js";

const haveKubectl = requireTool("kubectl");

const MANIFEST = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: "nginx:1.25", ports: [{containerPort: 80}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {greeting: hello}
`;

describe.skipIf(!haveKubectl)("kubectl over the registry (in-memory store)", () => {
  let server: Server;
  let registry: ApiRegistry;
  let work: string;
  let env: NodeJS.ProcessEnv;

  const kubectl = (args: string[], input?: string): Promise<RunResult> =>
    run("kubectl", args, { env, timeoutMs: 30_000, ...(input !== undefined && { input }) });
  const ok = async (args: string[], input?: string): Promise<string> => {
    const r = await kubectl(args, input);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed (${String(r.code)}): ${r.stderr}`);
    return r.stdout;
  };

  beforeAll(async () => {
    const catalog = builtinCatalog();
    const logger = pino({ level: "silent" });
    registry = new ApiRegistry({
      store: new MemoryStore(),
      catalog,
      logger,
      patch: {
        applyJsonPatch,
        applyMergePatch,
        applyStrategicMergePatch,
        applyServerSideApply,
        updateManagedFields,
      },
      resyncMs: 500,
    });
    const nsDef = catalog.get("", "v1", "namespaces");
    if (!nsDef) throw new Error("no namespaces");
    for (const name of ["default", "kube-system"]) {
      await registry.create(
        nsDef,
        undefined,
        { apiVersion: "v1", kind: "Namespace", metadata: { name } },
        {
          user: { name: "test", groups: [] },
          dryRun: false,
        },
      );
    }
    registry.start();
    const metricsRegistry = new MetricsRegistry();
    const port = await freePort();
    const handler = createApiHandler({
      face: {
        catalog,
        registry,
        authenticator: { authenticate: async () => undefined },
        authorizer: { authorize: async () => ({ allowed: true, reason: "" }) },
        serverAddress: `127.0.0.1:${port}`,
      },
      logger,
      metrics: new ApiMetrics(metricsRegistry),
      metricsRegistry,
    });
    server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    work = await mkdtemp(join(tmpdir(), "skiff-api-registry-"));
    const kubeconfig = join(work, "kubeconfig");
    await writeFile(
      kubeconfig,
      [
        "apiVersion: v1",
        "kind: Config",
        `clusters: [{name: t, cluster: {server: "http://127.0.0.1:${port}"}}]`,
        "users: [{name: u, user: {}}]",
        "contexts: [{name: t, context: {cluster: t, user: u, namespace: default}}]",
        "current-context: t",
        "",
      ].join("\n"),
    );
    env = { ...process.env, KUBECONFIG: kubeconfig, HOME: join(work, "home") };
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await registry?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("applies a manifest, reads it back, and bumps generation on spec changes only", async () => {
    expect(await ok(["apply", "-f", "-"], MANIFEST)).toMatch(
      /deployment.apps\/web created[\s\S]*configmap\/cfg created/,
    );
    const d = JSON.parse(await ok(["get", "deployment", "web", "-o", "json"])) as {
      metadata: { generation: number; uid: string };
      spec: { replicas: number };
    };
    expect(d.metadata.generation).toBe(1);
    expect(await ok(["label", "deployment", "web", "tier=fe"])).toContain("deployment.apps/web labeled");
    expect(await ok(["get", "deployment", "web", "-o", "jsonpath={.metadata.generation}"])).toBe("1");
    expect(await ok(["scale", "deployment", "web", "--replicas=4"])).toContain("deployment.apps/web scaled");
    expect(
      await ok(["get", "deployment", "web", "-o", "jsonpath={.spec.replicas} {.metadata.generation}"]),
    ).toBe("4 2");
    expect(await ok(["apply", "-f", "-"], MANIFEST)).toMatch(/deployment.apps\/web configured/);
    expect(await ok(["get", "configmaps", "-l", "app!=x", "-o", "name"])).toContain("configmap/cfg");
  });

  it("prints Kubernetes' errors for a missing object, an existing one and a stale update", async () => {
    const missing = await kubectl(["get", "configmap", "nope"]);
    expect(missing.stderr).toContain('Error from server (NotFound): configmaps "nope" not found');
    const exists = await kubectl(
      ["create", "-f", "-"],
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\n",
    );
    expect(exists.stderr).toContain('configmaps "cfg" already exists');
    const cm = JSON.parse(await ok(["get", "configmap", "cfg", "-o", "json"])) as {
      metadata: { resourceVersion: string };
    };
    await ok(["patch", "configmap", "cfg", "--type=merge", "-p", '{"data":{"greeting":"hi"}}']);
    const stale = await kubectl(["replace", "-f", "-"], JSON.stringify({ ...cm, data: { greeting: "old" } }));
    expect(stale.stderr).toContain(
      'Operation cannot be fulfilled on configmaps "cfg": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it("server-side apply, dry-run, strict validation, JSON patch and field selectors", async () => {
    const ssa = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {a: '1'}\n";
    expect(await ok(["apply", "--server-side", "-f", "-"], ssa)).toContain(
      "configmap/ssa serverside-applied",
    );
    await ok([
      "patch",
      "configmap",
      "ssa",
      "--type=json",
      "-p",
      '[{"op":"replace","path":"/data/a","value":"2"}]',
    ]);
    const conflict = await kubectl(["apply", "--server-side", "-f", "-"], ssa);
    expect(conflict.stderr).toContain("conflict");
    expect(await ok(["apply", "--server-side", "--force-conflicts", "-f", "-"], ssa)).toContain(
      "serverside-applied",
    );

    const dry = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dry}\n";
    expect(await ok(["apply", "--dry-run=server", "-f", "-"], dry)).toContain(
      "configmap/dry created (server dry run)",
    );
    expect((await kubectl(["get", "configmap", "dry"])).stderr).toContain("NotFound");

    const typo = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: typo}\ndataa: {}\n";
    const strict = await kubectl(["apply", "-f", "-"], typo);
    expect(strict.stderr).toContain(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "dataa"',
    );
    expect(await ok(["get", "configmaps", "--field-selector", "metadata.name=ssa", "-o", "name"])).toBe(
      "configmap/ssa\n",
    );
    const badField = await kubectl(["get", "configmaps", "--field-selector", "spec.x=1"]);
    expect(badField.stderr).toContain("field label not supported: spec.x");
  });

  it("watches from a list (get -w sees another client's change)", async () => {
    const child = run(
      "kubectl",
      ["get", "configmap", "cfg", "-w", "-o", 'jsonpath={.data.greeting}{"\\n"}', "--request-timeout=4s"],
      {
        env,
        timeoutMs: 8_000,
      },
    );
    await new Promise((r) => setTimeout(r, 1500));
    await ok(["patch", "configmap", "cfg", "--type=merge", "-p", '{"data":{"greeting":"watched"}}']);
    const r = await child;
    expect(r.stdout).toContain("watched");
  });

  it("deletes with cascade: dependents go with their owner, a namespace with its content", async () => {
    const owner = JSON.parse(await ok(["get", "deployment", "web", "-o", "json"])) as {
      metadata: { uid: string };
    };
    const rs = {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: {
        name: "web-1",
        labels: { app: "web" },
        ownerReferences: [
          {
            apiVersion: "apps/v1",
            kind: "Deployment",
            name: "web",
            uid: owner.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "web", image: "nginx:1.25" }] },
        },
      },
    };
    await ok(["create", "-f", "-"], JSON.stringify(rs));
    expect(await ok(["delete", "deployment", "web", "--cascade=foreground"])).toContain(
      'deployment.apps "web" deleted',
    );
    expect((await kubectl(["get", "replicaset", "web-1"])).stderr).toContain("NotFound");

    await ok(["apply", "-f", "-"], "apiVersion: v1\nkind: Namespace\nmetadata: {name: doomed}\n");
    await ok(
      ["-n", "doomed", "create", "-f", "-"],
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: inner}\n",
    );
    expect(await ok(["delete", "namespace", "doomed", "--timeout=20s"])).toContain(
      'namespace "doomed" deleted',
    );
    expect((await kubectl(["get", "namespace", "doomed"])).stderr).toContain('namespaces "doomed" not found');
  });
});
