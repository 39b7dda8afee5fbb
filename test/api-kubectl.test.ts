// The real kubectl against a real `skiff server`: the commands people use every day, and the
// error texts they read, as kubectl prints them against Kubernetes (kubectl-wire §3.5).
import { spawn } from "node:child_process";
import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiServer, type ApiServer } from "./support/api-server.js";
import { onLines, stopChild } from "./support/child.js";
import { requireTool } from "./support/tools.js";

const NS = "team-a";

const MANIFEST = (image: string, replicas: number): string => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: ${image}
        ports:
        - containerPort: 80
        env:
        - {name: MODE, value: prod}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 80
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
data:
  greeting: hello
---
apiVersion: v1
kind: Secret
metadata:
  name: app-secret
type: Opaque
stringData:
  password: s3cr3t
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
  - host: web.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service: {name: web, port: {number: 80}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 5
  metrics:
  - type: Resource
    resource:
      name: cpu
      target: {type: Utilization, averageUtilization: 80}
`;

const hasKubectl = requireTool("kubectl");

describe.skipIf(!hasKubectl)("kubectl against skiff server", () => {
  let api: ApiServer;

  beforeAll(async () => {
    api = await startApiServer();
  });

  afterAll(async () => {
    await api?.stop();
  });

  async function file(name: string, text: string): Promise<string> {
    const path = join(api.work, name);
    await writeFile(path, text);
    return path;
  }

  it("reports version 1.32 and lists the system namespaces", async () => {
    const version = JSON.parse((await api.kubectlOk(["version", "-o", "json"])).stdout) as {
      serverVersion: { major: string; minor: string };
    };
    expect(version.serverVersion).toMatchObject({ major: "1", minor: "32" });
    const ns = await api.kubectlOk(["get", "namespaces"]);
    expect(ns.stdout).toMatch(/^NAME\s+STATUS\s+AGE/);
    for (const name of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
      expect(ns.stdout).toMatch(new RegExp(`^${name}\\s+Active\\s+\\d+s`, "m"));
    }
    const nodes = await api.kubectlOk(["get", "nodes"]);
    expect(nodes.stderr).toContain("No resources found");
  });

  it("creates a namespace from a typed command (protobuf body)", async () => {
    expect((await api.kubectlOk(["create", "namespace", "typed"])).stdout.trim()).toBe(
      "namespace/typed created",
    );
    const ns = await api.kubectlOk(["get", "namespace", "typed", "-o", "jsonpath={.status.phase}"]);
    expect(ns.stdout).toBe("Active");
  });

  it("applies a multi-document manifest", async () => {
    const nsFile = await file("ns.yaml", `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${NS}\n`);
    expect((await api.kubectlOk(["apply", "-f", nsFile])).stdout.trim()).toBe(`namespace/${NS} created`);
    // Every namespace gets its `default` ServiceAccount soon after it is created.
    for (let i = 0; (await api.kubectl(["get", "serviceaccount", "default", "-n", NS])).code !== 0; i++) {
      if (i > 100) throw new Error(`no default ServiceAccount in ${NS}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const path = await file("app.yaml", MANIFEST("nginx:1.25", 2));
    const applied = await api.kubectlOk(["apply", "-n", NS, "-f", path]);
    expect(applied.stdout.trim().split("\n")).toEqual([
      "deployment.apps/web created",
      "service/web created",
      "configmap/app-config created",
      "secret/app-secret created",
      "ingress.networking.k8s.io/web created",
      "horizontalpodautoscaler.autoscaling/web created",
    ]);
  });

  it("re-applies after an edit: client-side, then server-side", async () => {
    const path = await file("app.yaml", MANIFEST("nginx:1.26", 3));
    const again = await api.kubectlOk(["apply", "-n", NS, "-f", path]);
    expect(again.stdout).toContain("deployment.apps/web configured");
    expect(again.stdout).toContain("configmap/app-config unchanged");
    const image = await api.kubectlOk([
      "get",
      "deploy",
      "web",
      "-n",
      NS,
      "-o",
      "jsonpath={.spec.template.spec.containers[0].image} {.spec.replicas}",
    ]);
    expect(image.stdout).toBe("nginx:1.26 3");

    const ssa = await file("ssa.yaml", MANIFEST("nginx:1.27", 3));
    const server = await api.kubectlOk(["apply", "--server-side", "-n", NS, "-f", ssa]);
    expect(server.stdout).toContain("deployment.apps/web serverside-applied");
    const after = await api.kubectlOk([
      "get",
      "deploy",
      "web",
      "-n",
      NS,
      "-o",
      "jsonpath={.spec.template.spec.containers[0].image}",
    ]);
    expect(after.stdout).toBe("nginx:1.27");
  });

  it("gets in every output format", async () => {
    const table = await api.kubectlOk(["get", "deploy", "-n", NS]);
    expect(table.stdout).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\n/);
    expect(table.stdout).toMatch(/^web\s+0\/3\s+/m);
    const wide = await api.kubectlOk(["get", "deploy", "-n", NS, "-o", "wide"]);
    expect(wide.stdout).toMatch(/CONTAINERS\s+IMAGES\s+SELECTOR/);
    expect(wide.stdout).toMatch(/web\s+nginx:1\.27\s+app=web/);
    const yaml = await api.kubectlOk(["get", "configmap", "app-config", "-n", NS, "-o", "yaml"]);
    expect(yaml.stdout).toContain("greeting: hello");
    expect(yaml.stdout).toContain("kind: ConfigMap");
    const json = JSON.parse((await api.kubectlOk(["get", "svc", "web", "-n", NS, "-o", "json"])).stdout) as {
      spec: { ports: { port: number; protocol: string; targetPort: number }[]; type: string };
    };
    expect(json.spec.type).toBe("ClusterIP");
    expect(json.spec.ports[0]).toMatchObject({ port: 80, protocol: "TCP", targetPort: 80 });
    const secret = await api.kubectlOk([
      "get",
      "secret",
      "app-secret",
      "-n",
      NS,
      "-o",
      "jsonpath={.data.password}",
    ]);
    expect(Buffer.from(secret.stdout, "base64").toString()).toBe("s3cr3t");
    const all = await api.kubectlOk(["get", "configmaps,secrets,services,ingress,hpa", "-n", NS]);
    expect(all.stdout).toContain("configmap/app-config");
    expect(all.stdout).toContain("horizontalpodautoscaler.autoscaling/web");
    const allNs = await api.kubectlOk(["get", "configmaps", "-A", "--show-labels"]);
    expect(allNs.stdout).toMatch(new RegExp(`^${NS}\\s+app-config\\s+1\\s+`, "m"));
  });

  it("get -w sees a change made by another client", async () => {
    const child = spawn(
      "kubectl",
      ["get", "configmap", "app-config", "-n", NS, "-w", "-o", 'jsonpath={.data.greeting}{"\\n"}'],
      {
        env: api.env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const lines: string[] = [];
    onLines(child.stdout, (l) => lines.push(l));
    try {
      await until(() => lines.includes("hello"), "the first state");
      await api.kubectlOk([
        "patch",
        "configmap",
        "app-config",
        "-n",
        NS,
        "--type",
        "merge",
        "-p",
        '{"data":{"greeting":"bonjour"}}',
      ]);
      await until(() => lines.includes("bonjour"), "the change");
    } finally {
      await stopChild(child, "SIGTERM", 5000);
    }
  });

  it("describes, scales, sets an image, labels and annotates", async () => {
    const describe = await api.kubectlOk(["describe", "deployment", "web", "-n", NS]);
    expect(describe.stdout).toMatch(/^Name:\s+web$/m);
    expect(describe.stdout).toMatch(/^Namespace:\s+team-a$/m);
    expect(describe.stdout).toMatch(/^Replicas:\s+3 desired/m);
    expect(
      (await api.kubectlOk(["scale", "deployment", "web", "-n", NS, "--replicas=4"])).stdout.trim(),
    ).toBe("deployment.apps/web scaled");
    const replicas = await api.kubectlOk([
      "get",
      "deploy",
      "web",
      "-n",
      NS,
      "-o",
      "jsonpath={.spec.replicas}",
    ]);
    expect(replicas.stdout).toBe("4");
    // With a precondition kubectl reads /scale and PUTs it back (without a Content-Type).
    await api.kubectlOk(["scale", "deployment", "web", "-n", NS, "--current-replicas=4", "--replicas=5"]);
    const stale = await api.kubectl([
      "scale",
      "deployment",
      "web",
      "-n",
      NS,
      "--current-replicas=4",
      "--replicas=6",
    ]);
    expect(stale.stderr).toContain("Expected replicas to be 4, was 5");
    await api.kubectlOk(["scale", "deployment", "web", "-n", NS, "--replicas=4"]);
    const set = await api.kubectlOk(["set", "image", "deployment/web", "web=nginx:1.28", "-n", NS]);
    expect(set.stdout.trim()).toBe("deployment.apps/web image updated");
    await api.kubectlOk(["label", "deployment", "web", "tier=frontend", "-n", NS]);
    await api.kubectlOk(["annotate", "deployment", "web", "owner=team-a", "-n", NS]);
    const meta = await api.kubectlOk([
      "get",
      "deploy",
      "web",
      "-n",
      NS,
      "-o",
      "jsonpath={.metadata.labels.tier} {.metadata.annotations.owner} {.spec.template.spec.containers[0].image} {.metadata.generation}",
    ]);
    const [tier, owner, image, generation] = meta.stdout.split(" ");
    expect([tier, owner, image]).toEqual(["frontend", "team-a", "nginx:1.28"]);
    expect(Number(generation)).toBeGreaterThanOrEqual(4);
    const selected = await api.kubectlOk(["get", "deploy", "-n", NS, "-l", "tier=frontend", "-o", "name"]);
    expect(selected.stdout.trim()).toBe("deployment.apps/web");
  });

  it("edits with an editor script", async () => {
    const editor = await file("editor.sh", '#!/bin/sh\nsed -i "s/greeting: bonjour/greeting: hallo/" "$1"\n');
    await chmod(editor, 0o755);
    const edited = await api.kubectlOk(["edit", "configmap", "app-config", "-n", NS], {
      env: { EDITOR: editor },
    });
    expect(edited.stdout.trim()).toBe("configmap/app-config edited");
    const value = await api.kubectlOk([
      "get",
      "cm",
      "app-config",
      "-n",
      NS,
      "-o",
      "jsonpath={.data.greeting}",
    ]);
    expect(value.stdout).toBe("hallo");
  });

  it("patches with each patch type", async () => {
    await api.kubectlOk([
      "patch",
      "deploy",
      "web",
      "-n",
      NS,
      "--type",
      "json",
      "-p",
      '[{"op":"replace","path":"/spec/replicas","value":2}]',
    ]);
    await api.kubectlOk([
      "patch",
      "deploy",
      "web",
      "-n",
      NS,
      "--type",
      "merge",
      "-p",
      '{"metadata":{"labels":{"merged":"yes"}}}',
    ]);
    await api.kubectlOk([
      "patch",
      "deploy",
      "web",
      "-n",
      NS,
      "--type",
      "strategic",
      "-p",
      '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox:1.36"}]}}}}',
    ]);
    const out = await api.kubectlOk([
      "get",
      "deploy",
      "web",
      "-n",
      NS,
      "-o",
      "jsonpath={.spec.replicas} {.metadata.labels.merged} {.spec.template.spec.containers[*].name}",
    ]);
    // Strategic merge adds the container by name and keeps the existing one (new ones first,
    // as Kubernetes orders them).
    const [replicas, merged, ...containers] = out.stdout.split(" ");
    expect([replicas, merged, containers.sort()]).toEqual(["2", "yes", ["sidecar", "web"]]);
  });

  it("creates configmaps and secrets from literals and files", async () => {
    const path = await file("settings.conf", "level=debug\n");
    await api.kubectlOk([
      "create",
      "configmap",
      "from-args",
      "-n",
      NS,
      "--from-literal=a=1",
      `--from-file=${path}`,
    ]);
    const cm = JSON.parse(
      (await api.kubectlOk(["get", "cm", "from-args", "-n", NS, "-o", "json"])).stdout,
    ) as {
      data: Record<string, string>;
    };
    expect(cm.data).toEqual({ a: "1", "settings.conf": "level=debug\n" });
    await api.kubectlOk([
      "create",
      "secret",
      "generic",
      "creds",
      "-n",
      NS,
      "--from-literal=user=admin",
      `--from-file=${path}`,
    ]);
    const user = await api.kubectlOk(["get", "secret", "creds", "-n", NS, "-o", "jsonpath={.data.user}"]);
    expect(Buffer.from(user.stdout, "base64").toString()).toBe("admin");
  });

  it("answers auth can-i and forbids a token without rights in Kubernetes' words", async () => {
    expect((await api.kubectlOk(["auth", "can-i", "create", "pods"])).stdout.trim()).toBe("yes");
    await api.kubectlOk(["create", "-n", NS, "-f", "-"], {
      input: JSON.stringify({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "robot" } }),
    });
    const token = (await api.kubectlOk(["create", "token", "robot", "-n", NS])).stdout.trim();
    expect(token.split(".")).toHaveLength(3);
    const asSa = ["--token", token];
    const cannot = await api.kubectl([...asSa, "auth", "can-i", "delete", "deployments", "-n", NS]);
    expect(cannot.stdout.trim()).toBe("no");
    const forbidden = await api.kubectl([...asSa, "get", "pods", "-n", NS]);
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toContain(
      `Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:${NS}:robot" cannot list resource "pods" in API group "" in the namespace "${NS}"`,
    );
    const badToken = await api.kubectl(["--token", "not-a-token", "get", "pods"]);
    expect(badToken.stderr).toContain("error: You must be logged in to the server (Unauthorized)");
  });

  it("prints Kubernetes' errors for a missing object, an invalid manifest and a stale update", async () => {
    const missing = await api.kubectl(["get", "deployment", "nope", "-n", NS]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('Error from server (NotFound): deployments.apps "nope" not found');

    const bad = await file("bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n");
    const invalid = await api.kubectl(["apply", "-n", NS, "-f", bad]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain(
      'The ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"',
    );

    const current = JSON.parse(
      (await api.kubectlOk(["get", "cm", "app-config", "-n", NS, "-o", "json"])).stdout,
    ) as {
      metadata: { resourceVersion: string };
    };
    const stale = JSON.stringify({ ...current, metadata: { ...current.metadata, resourceVersion: "1" } });
    const conflict = await api.kubectl(["replace", "-f", "-"], { input: stale });
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain(
      'Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on configmaps "app-config": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it("deletes with cascade and waits until the objects are gone", async () => {
    const fg = await api.kubectlOk(["delete", "deployment", "web", "-n", NS, "--cascade=foreground"]);
    expect(fg.stdout.trim()).toBe('deployment.apps "web" deleted');
    const gone = await api.kubectl(["get", "deployment", "web", "-n", NS]);
    expect(gone.code).toBe(1);
    const ns = await api.kubectlOk(["delete", "namespace", NS], { timeoutMs: 60_000 });
    expect(ns.stdout.trim()).toBe(`namespace "${NS}" deleted`);
    const after = await api.kubectl(["get", "configmaps", "-n", NS]);
    expect(after.stderr).toContain("No resources found");
  });
});

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
