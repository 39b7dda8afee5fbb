// A minimal stand-in for a Kubernetes API server, for tests that watch what the real kubectl
// sends. Plain HTTP (kubectl sends no credentials there), legacy discovery for the resources
// given, GET of seeded objects, and every write recorded with its Content-Type and raw body.
// Writes are answered 201 with `answer(request)`, or with an echo of the JSON body.
import { createServer, type IncomingMessage, type Server } from "node:http";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./child.js";

export interface StubResource {
  /** e.g. "deployments"; subresources as "deployments/scale". */
  name: string;
  kind: string;
  namespaced?: boolean;
  /** For subresources whose kind lives elsewhere (deployments/scale → autoscaling/v1 Scale). */
  group?: string;
  version?: string;
  verbs?: string[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  contentType: string;
  body: Buffer;
}

export interface KubeStubOptions {
  /** groupVersion ("v1", "apps/v1") → its resources. */
  resources: Record<string, StubResource[]>;
  /** URL path → JSON object answered to a GET. */
  objects?: Record<string, unknown>;
  /** Answer to a POST/PUT/PATCH; undefined echoes the body if it is JSON, else `{}`. */
  answer?: (req: RecordedRequest) => unknown;
}

export interface KubeStub {
  url: string;
  /** Environment for kubectl: KUBECONFIG (namespace "default") and HOME in a private temp dir. */
  env: NodeJS.ProcessEnv;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function discovery(resources: Record<string, StubResource[]>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const groups = new Map<string, string[]>();
  for (const [gv, list] of Object.entries(resources)) {
    const [group, version] = gv.includes("/") ? gv.split("/") : ["", gv];
    if (group) groups.set(group, [...(groups.get(group) ?? []), version ?? ""]);
    out.set(group ? `/apis/${gv}` : `/api/${gv}`, {
      kind: "APIResourceList",
      apiVersion: "v1",
      groupVersion: gv,
      resources: list.map((r) => ({
        name: r.name,
        singularName: r.name.includes("/") ? "" : r.kind.toLowerCase(),
        namespaced: r.namespaced ?? true,
        kind: r.kind,
        ...(r.group !== undefined ? { group: r.group, version: r.version } : {}),
        verbs: r.verbs ?? ["create", "delete", "get", "list", "patch", "update", "watch"],
      })),
    });
  }
  out.set("/api", { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] });
  out.set("/apis", {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: [...groups].map(([name, versions]) => ({
      name,
      versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
    })),
  });
  return out;
}

export async function startKubeStub(o: KubeStubOptions): Promise<KubeStub> {
  const work = await mkdtemp(join(tmpdir(), "skiff-kube-stub-"));
  const port = await freePort();
  const found = discovery(o.resources);
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const [path = "/", query = ""] = (req.url ?? "/").split("?");
      const json = (status: number, v: unknown) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(v));
      };
      const method = req.method ?? "GET";
      if (path === "/version") return json(200, { major: "1", minor: "32", gitVersion: "v1.32.0" });
      if (method === "GET" && found.has(path)) return json(200, found.get(path));
      if (method === "GET" && o.objects?.[path] !== undefined) return json(200, o.objects[path]);
      if (method === "POST" || method === "PUT" || method === "PATCH") {
        const r: RecordedRequest = {
          method,
          path,
          query,
          contentType: req.headers["content-type"] ?? "",
          body,
        };
        requests.push(r);
        try {
          if (o.answer) return json(201, o.answer(r));
          return json(201, r.contentType.includes("json") ? (JSON.parse(body.toString()) as unknown) : {});
        } catch (err) {
          return json(500, {
            kind: "Status",
            apiVersion: "v1",
            status: "Failure",
            code: 500,
            message: String(err),
          });
        }
      }
      json(404, { kind: "Status", apiVersion: "v1", status: "Failure", code: 404, reason: "NotFound" });
    })();
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const kubeconfig = join(work, "config");
  await writeFile(
    kubeconfig,
    [
      "apiVersion: v1",
      "kind: Config",
      `clusters: [{name: stub, cluster: {server: 'http://127.0.0.1:${port}'}}]`,
      "users: [{name: stub, user: {}}]",
      "contexts: [{name: stub, context: {cluster: stub, user: stub, namespace: default}}]",
      "current-context: stub",
    ].join("\n"),
  );
  return {
    url: `http://127.0.0.1:${port}`,
    env: { ...process.env, KUBECONFIG: kubeconfig, HOME: work },
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(work, { recursive: true, force: true });
    },
  };
}
