// The real kubectl reading the catalog's discovery data and OpenAPI documents from a small stub
// server (plain HTTP: kubectl sends no credentials there): `explain` walks the component
// schemas, and client-side `apply` validation trusts the server's fieldValidation parameter.

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTool, run } from "../../../test/support/tools.js";
import { builtinCatalog } from "./catalog.js";
import { openapiV3PathKey } from "./openapi.js";

const hasKubectl = requireTool("kubectl");
const catalog = builtinCatalog();

function discovery(path: string): unknown {
  if (path === "/version")
    return {
      major: "1",
      minor: "32",
      gitVersion: "v1.32.0",
      platform: "linux/amd64",
      goVersion: "go1.23.0",
      compiler: "gc",
    };
  if (path === "/api") return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] };
  if (path === "/apis")
    return {
      kind: "APIGroupList",
      apiVersion: "v1",
      groups: catalog
        .groups()
        .filter((g) => g.group !== "")
        .map((g) => ({
          name: g.group,
          versions: g.versions.map((v) => ({ groupVersion: `${g.group}/${v}`, version: v })),
          preferredVersion: { groupVersion: `${g.group}/${g.preferred}`, version: g.preferred },
        })),
    };
  if (path === "/openapi/v3") return catalog.openapiV3Index();
  for (const g of catalog.groups())
    for (const version of g.versions) {
      const key = openapiV3PathKey({ group: g.group, version });
      if (path === `/openapi/v3/${key}`) return catalog.openapiV3({ group: g.group, version });
      if (path === `/${key}`)
        return {
          kind: "APIResourceList",
          apiVersion: "v1",
          groupVersion: g.group === "" ? version : `${g.group}/${version}`,
          resources: catalog
            .all()
            .filter((d) => d.group === g.group && d.version === version)
            .map((d) => ({
              name: d.resource,
              singularName: d.singular,
              namespaced: d.namespaced,
              kind: d.kind,
              verbs: d.verbs,
              shortNames: d.shortNames,
              categories: d.categories,
            })),
        };
    }
  return undefined;
}

describe.skipIf(!hasKubectl)("kubectl against the catalog's OpenAPI", () => {
  let server: Server;
  let dir: string;
  let url: string;
  /** The one object the stub holds, and the bodies of the PATCH requests it was sent. */
  let live: Record<string, unknown> | undefined;
  const patches: { contentType: string; body: unknown }[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "skiff-openapi-"));
    server = createServer((req, res) => {
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      if (path === "/apis/apps/v1/namespaces/default/deployments/web" && live) {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          if (req.method === "PATCH")
            patches.push({
              contentType: req.headers["content-type"] ?? "",
              body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
            });
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify(live));
        });
        return;
      }
      const body = discovery(path);
      if (body === undefined) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            kind: "Status",
            apiVersion: "v1",
            status: "Failure",
            reason: "NotFound",
            code: 404,
          }),
        );
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address !== "object") throw new Error("no address");
    url = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const kubectl = (...args: string[]) =>
    run("kubectl", ["--server", url, "--cache-dir", join(dir, "cache"), ...args], {
      env: { ...process.env, KUBECONFIG: join(dir, "none") },
      timeoutMs: 60_000,
    });

  it("explains a field of a kind", async () => {
    const r = await kubectl("explain", "deployment.spec.replicas");
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("GROUP:      apps");
    expect(r.stdout).toContain("KIND:       Deployment");
    expect(r.stdout).toMatch(/FIELD: +replicas <integer>/);
    expect(r.stdout).toContain("Number of desired pods; defaults to 1.");
  });

  it("explains nested named types and lists", async () => {
    const r = await kubectl("explain", "pods.spec.containers.ports");
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/FIELD: +ports <\[\]ContainerPort>/);
    expect(r.stdout).toContain("containerPort\t<integer> -required-");
  });

  it("explains the HPA in its preferred version (v2)", async () => {
    const r = await kubectl("explain", "hpa.spec.metrics.resource.target");
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("VERSION:    v2");
    expect(r.stdout).toContain("averageUtilization");
  });

  it("lets apply rely on server-side field validation", async () => {
    const manifest = join(dir, "cm.yaml");
    await writeFile(
      manifest,
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: default\ndata:\n  a: b\n",
    );
    const r = await kubectl("apply", "--dry-run=client", "-f", manifest);
    // The object does not exist on the stub (404), so apply would create it: no validation error.
    expect(r.stderr).not.toContain("failed to download openapi");
    expect(r.stderr).not.toContain("error validating");
    expect(r.stdout).toContain("configmap/x created (dry run)");
  });

  it("computes apply's strategic merge patch from the schemas' merge keys", async () => {
    const deployment = (image: string, ports: number[], env: string[]) => ({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "default" },
      spec: {
        selector: { matchLabels: { app: "web" } },
        strategy: { type: "Recreate" },
        template: {
          metadata: { labels: { app: "web" } },
          spec: {
            containers: [
              {
                name: "main",
                image,
                ports: ports.map((containerPort) => ({ containerPort })),
                env: env.map((name) => ({ name, value: "1" })),
              },
            ],
          },
        },
      },
    });
    const before = deployment("nginx:1.25", [80, 443], ["A", "B"]);
    live = {
      ...before,
      metadata: {
        ...before.metadata,
        uid: "u1",
        resourceVersion: "5",
        annotations: { "kubectl.kubernetes.io/last-applied-configuration": JSON.stringify(before) },
      },
    };
    const manifest = join(dir, "deploy.json");
    await writeFile(manifest, JSON.stringify(deployment("nginx:1.26", [443], ["B", "A"])));
    const r = await kubectl("apply", "--dry-run=server", "-f", manifest);
    expect(r.stderr).toBe("");
    expect(patches).toHaveLength(1);
    expect(patches[0]?.contentType).toBe("application/strategic-merge-patch+json");
    const patch = patches[0]?.body as { spec: { template: { spec: Record<string, unknown> } } };
    const podSpec = patch.spec.template.spec;
    expect(podSpec["$setElementOrder/containers"]).toEqual([{ name: "main" }]);
    expect(podSpec.containers).toEqual([
      {
        "$setElementOrder/env": [{ name: "B" }, { name: "A" }],
        "$setElementOrder/ports": [{ containerPort: 443 }],
        image: "nginx:1.26",
        name: "main",
        ports: [{ $patch: "delete", containerPort: 80 }],
      },
    ]);
  });
});
