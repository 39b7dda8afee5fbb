// The protobuf bodies kubectl's typed commands really send, read back by decodeKubeProtobuf and
// compared with the JSON the same command prints with `--dry-run=client -o json`. A small stub
// API server (plain HTTP: kubectl sends no credentials there) answers discovery and records
// each POST body. (`kubectl autoscale` needs the scale subresource from aggregated discovery,
// which this stub does not serve; it runs against the real server in test/api-kubectl.test.ts.)
import { createServer, type IncomingMessage, type Server } from "node:http";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeKubeProtobuf } from "../src/api/protobuf/decode.js";
import type { KubeObject } from "../src/api/types.js";
import { freePort } from "./support/child.js";
import { requireTool, runOk } from "./support/tools.js";

const resource = (name: string, kind: string, namespaced = true) => ({
  name,
  singularName: kind.toLowerCase(),
  namespaced,
  kind,
  verbs: ["create", "get", "list"],
});

const DISCOVERY: Record<string, unknown> = {
  "/api": { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] },
  "/apis": {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: ["apps", "autoscaling", "rbac.authorization.k8s.io", "authorization.k8s.io"].map((name) => ({
      name,
      versions: [{ groupVersion: `${name}/v1`, version: "v1" }],
      preferredVersion: { groupVersion: `${name}/v1`, version: "v1" },
    })),
  },
  "/api/v1": {
    kind: "APIResourceList",
    groupVersion: "v1",
    resources: [
      resource("namespaces", "Namespace", false),
      resource("pods", "Pod"),
      resource("configmaps", "ConfigMap"),
      resource("secrets", "Secret"),
      resource("services", "Service"),
      resource("serviceaccounts", "ServiceAccount"),
    ],
  },
  "/apis/apps/v1": {
    kind: "APIResourceList",
    groupVersion: "apps/v1",
    resources: [resource("deployments", "Deployment")],
  },
  "/apis/autoscaling/v1": {
    kind: "APIResourceList",
    groupVersion: "autoscaling/v1",
    resources: [resource("horizontalpodautoscalers", "HorizontalPodAutoscaler")],
  },
  "/apis/rbac.authorization.k8s.io/v1": {
    kind: "APIResourceList",
    groupVersion: "rbac.authorization.k8s.io/v1",
    resources: [resource("roles", "Role"), resource("rolebindings", "RoleBinding")],
  },
  "/apis/authorization.k8s.io/v1": {
    kind: "APIResourceList",
    groupVersion: "authorization.k8s.io/v1",
    resources: [resource("selfsubjectaccessreviews", "SelfSubjectAccessReview", false)],
  },
};

const DEPLOYMENT_WEB = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "default", uid: "u1", resourceVersion: "1", labels: { app: "web" } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "busybox", image: "busybox:1" }] },
    },
  },
};

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Drops what only one of the two forms spells out: nulls and empty objects. */
function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalize);
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const n = normalize(x);
      if (n === null || n === undefined) continue;
      if (typeof n === "object" && !Array.isArray(n) && Object.keys(n).length === 0) continue;
      out[k] = n;
    }
    return out;
  }
  return v;
}

describe("protobuf bodies of kubectl's typed commands", () => {
  requireTool("kubectl");
  let server: Server;
  let work: string;
  let env: NodeJS.ProcessEnv;
  const bodies: { contentType: string; body: Buffer }[] = [];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "skiff-pb-"));
    const port = await freePort();
    server = createServer((req, res) => {
      void (async () => {
        const body = await readBody(req);
        const path = (req.url ?? "/").split("?")[0] ?? "/";
        const json = (status: number, o: unknown) => {
          res.writeHead(status, { "Content-Type": "application/json" });
          res.end(JSON.stringify(o));
        };
        if (path === "/version") return json(200, { major: "1", minor: "32", gitVersion: "v1.32.0" });
        if (req.method === "GET" && DISCOVERY[path]) return json(200, DISCOVERY[path]);
        if (req.method === "GET" && path.endsWith("/deployments/web")) return json(200, DEPLOYMENT_WEB);
        if (req.method === "POST") {
          bodies.push({ contentType: req.headers["content-type"] ?? "", body });
          const obj = decodeKubeProtobuf(body);
          const answer: KubeObject = {
            ...obj,
            metadata: { ...obj.metadata, name: obj.metadata.name ?? "x", uid: "u" },
          };
          if (obj.kind === "SelfSubjectAccessReview") answer.status = { allowed: true };
          return json(201, answer);
        }
        return json(404, {
          kind: "Status",
          apiVersion: "v1",
          status: "Failure",
          code: 404,
          reason: "NotFound",
        });
      })();
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    const kubeconfig = join(work, "config");
    await writeFile(
      kubeconfig,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters: [{name: stub, cluster: {server: 'http://127.0.0.1:" + port + "'}}]",
        "users: [{name: stub, user: {}}]",
        "contexts: [{name: stub, context: {cluster: stub, user: stub, namespace: default}}]",
        "current-context: stub",
      ].join("\n"),
    );
    env = { ...process.env, KUBECONFIG: kubeconfig, HOME: work };
  });

  afterAll(async () => {
    server?.close();
    await rm(work, { recursive: true, force: true });
  });

  const cases: [string, string[]][] = [
    ["namespace", ["create", "namespace", "team-a"]],
    ["configmap", ["create", "configmap", "settings", "--from-literal=mode=fast", "--from-literal=level=3"]],
    ["secret", ["create", "secret", "generic", "db", "--from-literal=password=s3cr3t"]],
    [
      "tls-ish secret type",
      ["create", "secret", "generic", "typed", "--type=example.com/kind", "--from-literal=k=v"],
    ],
    ["deployment", ["create", "deployment", "web", "--image=busybox:1", "--replicas=2", "--port=80"]],
    ["deployment with zero replicas", ["create", "deployment", "idle", "--image=busybox:1", "--replicas=0"]],
    ["service", ["create", "service", "clusterip", "web", "--tcp=80:8080"]],
    ["serviceaccount", ["create", "serviceaccount", "robot"]],
    ["role", ["create", "role", "reader", "--verb=get,list", "--resource=pods,configmaps"]],
    [
      "rolebinding",
      ["create", "rolebinding", "read", "--role=reader", "--user=bob", "--serviceaccount=default:robot"],
    ],
  ];

  for (const [what, args] of cases) {
    it(`reads what \`kubectl ${args.slice(0, 2).join(" ")}\` sends (${what})`, async () => {
      const expected = JSON.parse(
        (await runOk("kubectl", [...args, "--dry-run=client", "-o", "json"], { env })).stdout,
      ) as KubeObject;
      const before = bodies.length;
      await runOk("kubectl", args, { env, timeoutMs: 30_000 });
      const sent = bodies.slice(before).find((b) => b.contentType.includes("protobuf"));
      expect(sent, "kubectl sent a protobuf body").toBeDefined();
      const decoded = decodeKubeProtobuf(sent?.body ?? Buffer.alloc(0));
      // The namespace travels in the URL; --dry-run prints it only for some kinds.
      delete decoded.metadata.namespace;
      delete expected.metadata.namespace;
      expect(normalize(decoded)).toEqual(normalize(expected));
    });
  }

  it("reads `kubectl auth can-i`'s SelfSubjectAccessReview", async () => {
    const before = bodies.length;
    await runOk("kubectl", ["auth", "can-i", "create", "deployments.apps", "-n", "team-a"], { env });
    const sent = bodies.slice(before).find((b) => b.contentType.includes("protobuf"));
    const review = decodeKubeProtobuf(sent?.body ?? Buffer.alloc(0));
    expect(review).toMatchObject({
      apiVersion: "authorization.k8s.io/v1",
      kind: "SelfSubjectAccessReview",
      spec: {
        resourceAttributes: { namespace: "team-a", verb: "create", group: "apps", resource: "deployments" },
      },
    });
  });

  it("refuses a body that is not Kubernetes protobuf, and kinds it cannot read", () => {
    expect(() => decodeKubeProtobuf(Buffer.from("{}"))).toThrow(/magic prefix/);
    const unknownKind = Buffer.concat([
      Buffer.from("k8s\0"),
      Buffer.from([0x0a, 0x0a, 0x0a, 0x02, 0x76, 0x31, 0x12, 0x04, 0x57, 0x68, 0x61, 0x74]),
    ]);
    expect(() => decodeKubeProtobuf(unknownKind)).toThrow(
      /protobuf encoding of What \(v1\) is not supported/,
    );
  });
});
