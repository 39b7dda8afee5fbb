// The protobuf bodies kubectl's typed commands really send, read back by decodeKubeProtobuf and
// compared with the JSON the same command prints with `--dry-run=client -o json`. The stub API
// server (test/support/kube-stub.ts) answers discovery and records each write.
// With SKIFF_PB_FIXTURES=<dir> set, the captured bodies and the expected JSON are written there
// (how src/api/protobuf/fixtures/ was made).
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeKubeProtobuf } from "../src/api/protobuf/decode.js";
import type { KubeObject } from "../src/api/types.js";
import { startKubeStub, type KubeStub, type RecordedRequest } from "./support/kube-stub.js";
import { requireTool, runOk } from "./support/tools.js";

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

/** The stub's answer to a protobuf create: the decoded object, as a server would return it. */
function answer(r: RecordedRequest): unknown {
  if (!r.contentType.includes("protobuf")) return JSON.parse(r.body.toString()) as unknown;
  const obj = decodeKubeProtobuf(r.body);
  const out: KubeObject = { ...obj, metadata: { ...obj.metadata, name: obj.metadata.name ?? "x", uid: "u" } };
  if (obj.kind === "SelfSubjectAccessReview") out.status = { allowed: true };
  return out;
}

describe("protobuf bodies of kubectl's typed commands", () => {
  requireTool("kubectl");
  let stub: KubeStub;
  const fixtures = process.env.SKIFF_PB_FIXTURES;

  beforeAll(async () => {
    stub = await startKubeStub({
      resources: {
        v1: [
          { name: "namespaces", kind: "Namespace", namespaced: false },
          { name: "pods", kind: "Pod" },
          { name: "configmaps", kind: "ConfigMap" },
          { name: "secrets", kind: "Secret" },
          { name: "services", kind: "Service" },
          { name: "serviceaccounts", kind: "ServiceAccount" },
          { name: "resourcequotas", kind: "ResourceQuota" },
        ],
        "apps/v1": [
          { name: "deployments", kind: "Deployment" },
          { name: "deployments/scale", kind: "Scale", group: "autoscaling", version: "v1" },
        ],
        "autoscaling/v1": [{ name: "horizontalpodautoscalers", kind: "HorizontalPodAutoscaler" }],
        "rbac.authorization.k8s.io/v1": [
          { name: "roles", kind: "Role" },
          { name: "rolebindings", kind: "RoleBinding" },
          { name: "clusterroles", kind: "ClusterRole", namespaced: false },
          { name: "clusterrolebindings", kind: "ClusterRoleBinding", namespaced: false },
        ],
        "authorization.k8s.io/v1": [
          { name: "selfsubjectaccessreviews", kind: "SelfSubjectAccessReview", namespaced: false },
        ],
        "networking.k8s.io/v1": [{ name: "ingresses", kind: "Ingress" }],
      },
      objects: { "/apis/apps/v1/namespaces/default/deployments/web": DEPLOYMENT_WEB },
      answer,
    });
    if (fixtures) await mkdir(fixtures, { recursive: true });
  });

  afterAll(async () => {
    await stub?.close();
  });

  const cases: [string, string[]][] = [
    ["namespace", ["create", "namespace", "team-a"]],
    ["configmap", ["create", "configmap", "settings", "--from-literal=mode=fast", "--from-literal=level=3"]],
    ["secret", ["create", "secret", "generic", "db", "--from-literal=password=s3cr3t"]],
    [
      "secret-typed",
      ["create", "secret", "generic", "typed", "--type=example.com/kind", "--from-literal=k=v"],
    ],
    ["deployment", ["create", "deployment", "web", "--image=busybox:1", "--replicas=2", "--port=80"]],
    ["deployment-zero", ["create", "deployment", "idle", "--image=busybox:1", "--replicas=0"]],
    ["service", ["create", "service", "clusterip", "web", "--tcp=80:8080"]],
    ["service-nodeport", ["create", "service", "nodeport", "np", "--tcp=5678:8080", "--node-port=30080"]],
    ["serviceaccount", ["create", "serviceaccount", "robot"]],
    ["quota", ["create", "quota", "q", "--hard=cpu=1,memory=1Gi,pods=10"]],
    ["role", ["create", "role", "reader", "--verb=get,list", "--resource=pods,configmaps"]],
    [
      "rolebinding",
      ["create", "rolebinding", "read", "--role=reader", "--user=bob", "--serviceaccount=default:robot"],
    ],
    ["clusterrole", ["create", "clusterrole", "viewer", "--verb=get", "--resource=deployments.apps"]],
    ["clusterrolebinding", ["create", "clusterrolebinding", "view", "--clusterrole=viewer", "--group=devs"]],
    ["ingress", ["create", "ingress", "site", "--rule=example.com/app*=web:80"]],
    ["autoscale", ["autoscale", "deployment", "web", "--min=2", "--max=5", "--cpu-percent=80"]],
  ];

  for (const [what, args] of cases) {
    it(`reads what \`kubectl ${args.slice(0, 2).join(" ")}\` sends (${what})`, async () => {
      const expected = JSON.parse(
        (await runOk("kubectl", [...args, "--dry-run=client", "-o", "json"], { env: stub.env })).stdout,
      ) as KubeObject;
      const before = stub.requests.length;
      await runOk("kubectl", args, { env: stub.env, timeoutMs: 30_000 });
      const sent = stub.requests.slice(before).find((b) => b.contentType.includes("protobuf"));
      expect(sent, "kubectl sent a protobuf body").toBeDefined();
      const body = sent?.body ?? Buffer.alloc(0);
      const decoded = decodeKubeProtobuf(body);
      // The namespace travels in the URL; --dry-run prints it only for some kinds.
      delete decoded.metadata.namespace;
      delete expected.metadata.namespace;
      if (fixtures) {
        await writeFile(join(fixtures, `${what}.pb`), body);
        await writeFile(join(fixtures, `${what}.json`), JSON.stringify(normalize(expected), null, 2) + "\n");
      }
      expect(normalize(decoded)).toEqual(normalize(expected));
    });
  }

  it("reads `kubectl auth can-i`'s SelfSubjectAccessReview", async () => {
    const before = stub.requests.length;
    await runOk("kubectl", ["auth", "can-i", "create", "deployments.apps", "-n", "team-a"], {
      env: stub.env,
    });
    const sent = stub.requests.slice(before).find((b) => b.contentType.includes("protobuf"));
    const review = decodeKubeProtobuf(sent?.body ?? Buffer.alloc(0));
    if (fixtures && sent) await writeFile(join(fixtures, "selfsubjectaccessreview.pb"), sent.body);
    expect(review).toMatchObject({
      apiVersion: "authorization.k8s.io/v1",
      kind: "SelfSubjectAccessReview",
      spec: {
        resourceAttributes: { namespace: "team-a", verb: "create", group: "apps", resource: "deployments" },
      },
    });
  });
});
