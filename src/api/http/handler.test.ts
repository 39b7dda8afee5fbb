import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { pino } from "pino";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeFace, type FakeRegistry } from "./fake-face.test-util.js";
import { createApiHandler } from "./handler.js";
import { ApiMetrics } from "./metrics.js";
import { CONTENT_AGGREGATED } from "./negotiate.js";

const TABLE =
  "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
const AGG =
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

let server: Server;
let base: string;
let registry: FakeRegistry;
const metricsRegistry = new Registry();

beforeAll(async () => {
  const face = fakeFace();
  registry = face.registry;
  const handler = createApiHandler({
    face,
    logger: pino({ level: "silent" }),
    metrics: new ApiMetrics(metricsRegistry),
    metricsRegistry,
  });
  server = createServer(handler);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function call(
  method: string,
  path: string,
  o: { token?: string; body?: string | Buffer; type?: string; accept?: string } = {},
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers; text: string }> {
  const headers: Record<string, string> = {};
  if (o.token !== "") headers.authorization = `Bearer ${o.token ?? "admin"}`;
  if (o.type) headers["content-type"] = o.type;
  if (o.accept) headers.accept = o.accept;
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(o.body !== undefined && { body: o.body }),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON
  }
  return { status: res.status, json, headers: res.headers, text };
}

describe("API handler", () => {
  it("answers /version with minor 32 to anyone, and /healthz", async () => {
    const v = await call("GET", "/version?timeout=5s", { token: "" });
    expect(v.status).toBe(200);
    expect(v.json).toMatchObject({ major: "1", minor: "32" });
    expect((await call("GET", "/healthz", { token: "" })).text).toBe("ok");
  });

  it("answers 401 for bad credentials and 403 with Kubernetes' words", async () => {
    const bad = await call("GET", "/api/v1/namespaces/default/configmaps", { token: "nope" });
    expect(bad.status).toBe(401);
    expect(bad.json).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "Unauthorized",
      reason: "Unauthorized",
      code: 401,
    });
    const anon = await call("GET", "/api/v1/namespaces/default/configmaps", { token: "" });
    expect(anon.status).toBe(403);
    expect(anon.json.message).toBe(
      'configmaps is forbidden: User "system:anonymous" cannot list resource "configmaps" in API group "" in the namespace "default"',
    );
    const deploy = await call("GET", "/apis/apps/v1/namespaces/x/deployments/web", { token: "bob" });
    expect(deploy.json.message).toBe(
      'deployments.apps "web" is forbidden: User "bob" cannot get resource "deployments" in API group "apps" in the namespace "x"',
    );
    const nodes = await call("GET", "/api/v1/namespaces", { token: "bob" });
    expect(nodes.json.message).toBe(
      'namespaces is forbidden: User "bob" cannot list resource "namespaces" in API group "" at the cluster scope',
    );
    const metrics = await call("GET", "/metrics", { token: "bob" });
    expect(metrics.json.message).toBe('forbidden: User "bob" cannot get path "/metrics"');
  });

  it("serves aggregated discovery with its exact content type, and legacy discovery", async () => {
    const agg = await call("GET", "/apis?timeout=32s", { accept: AGG });
    expect(agg.headers.get("content-type")).toBe(CONTENT_AGGREGATED);
    const items = agg.json.items as {
      metadata: { name: string };
      versions: { resources: Record<string, unknown>[] }[];
    }[];
    expect(items.map((i) => i.metadata.name)).toEqual(["apps"]);
    expect(items[0]?.versions[0]?.resources[0]).toMatchObject({
      resource: "deployments",
      scope: "Namespaced",
      shortNames: ["deploy"],
      categories: ["all"],
      subresources: [
        { subresource: "scale", responseKind: { group: "autoscaling", version: "v1", kind: "Scale" } },
        { subresource: "status" },
      ],
    });
    const core = await call("GET", "/api", { accept: AGG });
    expect((core.json.items as { metadata: { name: string } }[])[0]?.metadata.name).toBe("");
    expect((await call("GET", "/api", { accept: "application/json, */*" })).json).toMatchObject({
      kind: "APIVersions",
      versions: ["v1"],
    });
    const v1 = await call("GET", "/api/v1");
    expect((v1.json.resources as { name: string }[]).map((r) => r.name)).toEqual([
      "serviceaccounts",
      "serviceaccounts/token",
      "configmaps",
      "namespaces",
    ]);
    const apps = await call("GET", "/apis/apps/v1");
    expect((apps.json.resources as { name: string }[]).map((r) => r.name)).toEqual([
      "deployments",
      "deployments/scale",
      "deployments/status",
    ]);
    expect((await call("GET", "/apis/nope/v1")).status).toBe(404);
    expect((await call("GET", "/api/v1/configmaps/c1")).status).toBe(404);
    expect((await call("POST", "/api/v1/configmaps", { body: "{}", type: "application/json" })).status).toBe(
      404,
    );
  });

  it("serves the OpenAPI v3 index with hashed URLs and 404 for v2", async () => {
    const index = await call("GET", "/openapi/v3");
    const paths = index.json.paths as Record<string, { serverRelativeURL: string }>;
    expect(Object.keys(paths)).toEqual(["api/v1", "apis/apps/v1"]);
    const doc = await call("GET", paths["apis/apps/v1"]?.serverRelativeURL ?? "");
    expect(doc.json).toMatchObject({ openapi: "3.0.0", gv: { group: "apps", version: "v1" } });
    expect(doc.headers.get("cache-control")).toBe("public, immutable");
    expect((await call("GET", "/openapi/v2")).status).toBe(404);
  });

  it("creates (201), conflicts (409), gets as JSON and as Table, lists, deletes", async () => {
    const body = JSON.stringify({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c1" },
      data: { a: "1" },
    });
    const created = await call("POST", "/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create", {
      body,
      type: "application/json",
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ kind: "ConfigMap", metadata: { name: "c1", namespace: "default" } });
    const again = await call("POST", "/api/v1/namespaces/default/configmaps", {
      body,
      type: "application/json",
    });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ reason: "AlreadyExists", message: 'configmaps "c1" already exists' });

    const table = await call("GET", "/api/v1/namespaces/default/configmaps/c1", { accept: TABLE });
    expect(table.json).toMatchObject({
      kind: "Table",
      apiVersion: "meta.k8s.io/v1",
      columnDefinitions: [{ name: "Name" }, { name: "Data" }],
      rows: [{ cells: ["c1", 1], object: { kind: "PartialObjectMetadata", metadata: { name: "c1" } } }],
    });
    const list = await call("GET", "/api/v1/configmaps?limit=500", { accept: TABLE });
    expect((list.json.rows as unknown[]).length).toBe(1);
    const meta = await call("GET", "/api/v1/namespaces/default/configmaps", {
      accept: "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json",
    });
    expect(meta.json).toMatchObject({
      kind: "PartialObjectMetadataList",
      items: [{ kind: "PartialObjectMetadata", metadata: { name: "c1" } }],
    });
    expect((meta.json.items as Record<string, unknown>[])[0]?.data).toBeUndefined();
    const jsonList = await call("GET", "/api/v1/namespaces/default/configmaps");
    expect(jsonList.json).toMatchObject({ kind: "ConfigMapList", items: [{ metadata: { name: "c1" } }] });

    const stale = await call("PUT", "/api/v1/namespaces/default/configmaps/c1", {
      body: JSON.stringify({ metadata: { name: "c1", resourceVersion: "1" }, data: {} }),
      type: "application/json",
    });
    expect(stale.status).toBe(409);
    expect(stale.json.reason).toBe("Conflict");

    const gone = await call("DELETE", "/api/v1/namespaces/default/configmaps/c1", {
      body: JSON.stringify({ propagationPolicy: "Background" }),
      type: "application/json",
    });
    expect(gone.status).toBe(200);
    const missing = await call("GET", "/api/v1/namespaces/default/configmaps/c1");
    expect(missing.status).toBe(404);
    expect(missing.json.message).toBe('configmaps "c1" not found');
  });

  it("answers 202 for a delete held by finalizers", async () => {
    await call("POST", "/api/v1/namespaces/default/configmaps", {
      body: JSON.stringify({ metadata: { name: "fin", finalizers: ["x/y"] } }),
      type: "application/json",
    });
    const res = await call("DELETE", "/api/v1/namespaces/default/configmaps/fin");
    expect(res.status).toBe(202);
  });

  it("decodes YAML and protobuf bodies; refuses unknown types, bad JSON, several documents, huge bodies", async () => {
    const yaml = await call("POST", "/api/v1/namespaces/default/configmaps", {
      body: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\n",
      type: "application/yaml",
    });
    expect(yaml.status).toBe(201);
    const pb = await call("POST", "/api/v1/namespaces", {
      body: Buffer.from("k8s\0"),
      type: "application/vnd.kubernetes.protobuf",
    });
    expect(pb.json).toMatchObject({ metadata: { name: "from-protobuf" } });
    expect((await call("POST", "/api/v1/namespaces", { body: "x", type: "text/plain" })).status).toBe(415);
    const bad = await call("POST", "/api/v1/namespaces", { body: "{nope", type: "application/json" });
    expect(bad.status).toBe(400);
    expect(bad.json.reason).toBe("BadRequest");
    const two = await call("POST", "/api/v1/namespaces/default/configmaps", {
      body: "metadata: {name: a}\n---\nmetadata: {name: b}\n",
      type: "application/yaml",
    });
    expect(two.status).toBe(400);
    const huge = await call("POST", "/api/v1/namespaces/default/configmaps", {
      body: JSON.stringify({ metadata: { name: "big" }, data: { a: "x".repeat(3 * 1024 * 1024) } }),
      type: "application/json",
    });
    expect(huge.status).toBe(413);
    const kind = await call("POST", "/api/v1/namespaces/default/configmaps", {
      body: JSON.stringify({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" } }),
      type: "application/json",
    });
    expect(kind.json.message).toBe(
      "the API version in the data (apps/v1) does not match the expected API version (v1)",
    );
  });

  it("maps patch content types, requires a fieldManager for apply and answers 201 when apply creates", async () => {
    const noManager = await call("PATCH", "/apis/apps/v1/namespaces/default/deployments/web", {
      body: "{}",
      type: "application/apply-patch+yaml",
    });
    expect(noManager.status).toBe(400);
    const applied = await call(
      "PATCH",
      "/apis/apps/v1/namespaces/default/deployments/web?fieldManager=kubectl&force=false",
      {
        body: JSON.stringify({
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: { name: "web" },
          spec: { replicas: 1 },
        }),
        type: "application/apply-patch+yaml",
      },
    );
    expect(applied.status).toBe(201);
    const merge = await call("PATCH", "/apis/apps/v1/namespaces/default/deployments/web/scale", {
      body: JSON.stringify({ spec: { replicas: 3 } }),
      type: "application/merge-patch+json",
    });
    expect(merge.status).toBe(200);
    const last = registry.calls.at(-1);
    expect(last?.op).toBe("patch");
    expect(last?.args[3]).toBe("merge");
    expect(last?.args[5]).toMatchObject({
      subresource: "scale",
      fieldManager: "node",
      fieldValidation: "Warn",
    });
    expect(
      (
        await call("PATCH", "/apis/apps/v1/namespaces/default/deployments/web", {
          body: "{}",
          type: "application/xml",
        })
      ).status,
    ).toBe(415);
    const scale = await call("GET", "/apis/apps/v1/namespaces/default/deployments/web/scale");
    expect(scale.json).toMatchObject({ kind: "Scale", apiVersion: "autoscaling/v1" });
    const dry = await call("POST", "/api/v1/namespaces/default/configmaps?dryRun=Nope", {
      body: "{}",
      type: "application/json",
    });
    expect(dry.json.message).toBe('dryRun: Unsupported value: "Nope": supported values: "All"');
  });

  it("streams a watch: headers at once, synthetic ADDED, live events, Table events, timeoutSeconds", async () => {
    await call("POST", "/api/v1/namespaces/w/configmaps", {
      body: JSON.stringify({ metadata: { name: "first" } }),
      type: "application/json",
    });
    const controller = new AbortController();
    const res = await fetch(`${base}/api/v1/namespaces/w/configmaps?watch=1&resourceVersion=0`, {
      headers: { authorization: "Bearer admin", accept: TABLE },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const lines: Record<string, unknown>[] = [];
    let buffered = "";
    const next = async (): Promise<Record<string, unknown>> => {
      while (!buffered.includes("\n")) {
        const { value, done } = await reader.read();
        if (done) throw new Error("stream ended");
        buffered += new TextDecoder().decode(value);
      }
      const line = buffered.slice(0, buffered.indexOf("\n"));
      buffered = buffered.slice(buffered.indexOf("\n") + 1);
      const parsed = JSON.parse(line) as Record<string, unknown>;
      lines.push(parsed);
      return parsed;
    };
    expect(await next()).toMatchObject({
      type: "ADDED",
      object: { kind: "Table", rows: [{ cells: ["first", 0] }] },
    });
    await call("POST", "/api/v1/namespaces/w/configmaps", {
      body: JSON.stringify({ metadata: { name: "second" } }),
      type: "application/json",
    });
    expect(await next()).toMatchObject({ type: "ADDED", object: { rows: [{ cells: ["second", 0] }] } });
    controller.abort();

    const timed = await call(
      "GET",
      "/api/v1/namespaces/w/configmaps?watch=true&timeoutSeconds=1&resourceVersion=0",
    );
    expect(timed.status).toBe(200);
    expect(
      timed.text
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { type: string }).type),
    ).toEqual(["ADDED", "ADDED"]);
  });

  it("answers SelfSubjectAccessReview and TokenRequest", async () => {
    const ssar = await call("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", {
      token: "bob",
      body: JSON.stringify({
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectAccessReview",
        spec: { resourceAttributes: { namespace: "default", verb: "get", resource: "configmaps" } },
      }),
      type: "application/json",
    });
    expect(ssar.status).toBe(201);
    expect(ssar.json.status).toEqual({ allowed: true });
    const denied = await call("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", {
      token: "bob",
      body: JSON.stringify({ spec: { resourceAttributes: { verb: "delete", resource: "pods" } } }),
      type: "application/json",
    });
    expect(denied.json.status).toEqual({ allowed: false });
    const invalidReview = await call("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", {
      token: "bob",
      body: JSON.stringify({ spec: {} }),
      type: "application/json",
    });
    expect(invalidReview.status).toBe(422);

    await call("POST", "/api/v1/namespaces/default/serviceaccounts", {
      body: JSON.stringify({ metadata: { name: "robot" } }),
      type: "application/json",
    });
    const token = await call("POST", "/api/v1/namespaces/default/serviceaccounts/robot/token", {
      body: JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: {} }),
      type: "application/json",
    });
    expect(token.status).toBe(201);
    expect(token.json).toMatchObject({
      kind: "TokenRequest",
      spec: { expirationSeconds: 3600 },
      status: { token: "token-for-robot" },
    });
    const noSa = await call("POST", "/api/v1/namespaces/default/serviceaccounts/ghost/token", {
      body: "{}",
      type: "application/json",
    });
    expect(noSa.json.message).toBe('serviceaccounts "ghost" not found');
  });

  it("counts requests in /metrics", async () => {
    const m = await call("GET", "/metrics");
    expect(m.text).toMatch(
      /apiserver_request_total\{verb="GET",group="",resource="configmaps",subresource="",code="404"\} \d+/,
    );
  });
});
