// Validation messages as the real API server words them (kubectl prints them verbatim).

import { describe, expect, it } from "vitest";
import { invalid } from "../errors.js";
import type { KubeObject } from "../types.js";
import { builtinCatalog } from "./catalog.js";

const catalog = builtinCatalog();
const def = (group: string, version: string, resource: string) => {
  const d = catalog.get(group, version, resource);
  if (!d) throw new Error(`no ${resource}`);
  return d;
};
const deployments = def("apps", "v1", "deployments");

function deployment(patch: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default" },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "nginx", image: "nginx:1.25" }] },
      },
      ...patch,
    },
  };
}

/** What kubectl prints after "The Deployment "web" is invalid: ". */
function messages(d: ReturnType<typeof def>, o: KubeObject, old?: KubeObject): string[] {
  d.setDefaults(o);
  if (old) d.setDefaults(old);
  return d.validate(o, old).map((c) => `${c.field}: ${c.message}`);
}

describe("object metadata", () => {
  it("rejects a name that is not a DNS subdomain with the real message", () => {
    const o = deployment();
    o.metadata.name = "My_App";
    expect(messages(deployments, o)).toEqual([
      `metadata.name: Invalid value: "My_App": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    ]);
  });

  it("requires a name or generateName", () => {
    const o = deployment();
    delete o.metadata.name;
    expect(messages(deployments, o)).toEqual([
      "metadata.name: Required value: name or generateName is required",
    ]);
  });

  it("checks label keys and values", () => {
    const o = deployment();
    o.metadata.labels = { "bad key": "ok", good: "-bad" };
    const msgs = messages(deployments, o);
    expect(msgs[0]).toMatch(
      /^metadata\.labels: Invalid value: "bad key": name part must consist of alphanumeric characters/,
    );
    expect(msgs[1]).toContain(
      `metadata.labels: Invalid value: "-bad": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    );
  });

  it("names namespaces as DNS labels", () => {
    const ns = def("", "v1", "namespaces");
    const msgs = messages(ns, { apiVersion: "v1", kind: "Namespace", metadata: { name: "a.b" } });
    expect(msgs).toEqual([
      `metadata.name: Invalid value: "a.b": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    ]);
  });
});

describe("Deployment", () => {
  it("accepts a well-formed deployment", () => {
    expect(messages(deployments, deployment())).toEqual([]);
  });

  it("requires the selector to match the template labels", () => {
    const o = deployment({ selector: { matchLabels: { app: "other" } } });
    expect(messages(deployments, o)).toEqual([
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    ]);
  });

  it("requires a selector", () => {
    const o = deployment({ selector: undefined });
    expect(messages(deployments, o)).toContain("spec.selector: Required value");
  });

  it("keeps the selector immutable", () => {
    const old = deployment();
    const o = deployment({
      selector: { matchLabels: { app: "web", tier: "x" } },
      template: {
        metadata: { labels: { app: "web", tier: "x" } },
        spec: { containers: [{ name: "nginx", image: "nginx" }] },
      },
    });
    expect(messages(deployments, o, old)).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
  });

  it("reports container problems with their paths", () => {
    const o = deployment({
      replicas: -1,
      template: {
        metadata: { labels: { app: "web" } },
        spec: {
          containers: [
            { name: "a", image: "x", ports: [{ containerPort: 70000 }], imagePullPolicy: "Sometimes" },
            { name: "a" },
          ],
        },
      },
    });
    // In the real server's order: replicas, then the template, container by container.
    expect(messages(deployments, o)).toEqual([
      "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
      'spec.template.spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
      "spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
      'spec.template.spec.containers[1].name: Duplicate value: "a"',
      "spec.template.spec.containers[1].image: Required value",
    ]);
  });

  it("requires at least one container and only restartPolicy Always", () => {
    const o = deployment({
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [], restartPolicy: "Never" } },
    });
    expect(messages(deployments, o)).toEqual([
      "spec.template.spec.containers: Required value",
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ]);
  });

  it("checks resource quantities", () => {
    const o = deployment({
      template: {
        metadata: { labels: { app: "web" } },
        spec: {
          containers: [
            {
              name: "a",
              image: "x",
              resources: { limits: { cpu: "1" }, requests: { cpu: "2", memory: "lots" } },
            },
          ],
        },
      },
    });
    expect(messages(deployments, o)).toEqual([
      "spec.template.spec.containers[0].resources.requests[memory]: Invalid value: \"lots\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkMGTP]*[-+]?[0-9]*)$'",
      'spec.template.spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
    ]);
  });

  it("words the Invalid error as kubectl shows it", () => {
    const o = deployment({ selector: { matchLabels: { app: "other" } } });
    const err = invalid({ group: "apps", kind: "Deployment" }, "web", deployments.validate(o));
    expect(err.message).toBe(
      'Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    );
    expect(err.details?.causes?.[0]?.reason).toBe("FieldValueInvalid");
  });
});

describe("Service, ConfigMap, Secret", () => {
  const services = def("", "v1", "services");
  const svc = (spec: Record<string, unknown>): KubeObject => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web", namespace: "default" },
    spec,
  });

  it("validates service ports", () => {
    const msgs = messages(services, svc({ ports: [{ port: 80 }, { port: 0, name: "b" }], type: "Magic" }));
    expect(msgs).toEqual([
      'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
      "spec.ports[0].name: Required value",
      "spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive",
      // targetPort defaults to port, as on the real server
      "spec.ports[1].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive",
    ]);
    expect(messages(services, svc({}))).toEqual(["spec.ports: Required value"]);
  });

  it("validates ConfigMap keys", () => {
    const cm = def("", "v1", "configmaps");
    const msgs = messages(cm, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", namespace: "default" },
      data: { "a b": "x", ok: "y" },
    });
    expect(msgs).toEqual([
      `data[a b]: Invalid value: "a b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
    ]);
  });

  it("rejects changes to an immutable ConfigMap", () => {
    const cm = def("", "v1", "configmaps");
    const base = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", namespace: "default" },
      immutable: true,
    };
    expect(messages(cm, { ...base, data: { a: "2" } }, { ...base, data: { a: "1" } })).toEqual([
      "data: Forbidden: field is immutable when `immutable` is set",
    ]);
  });

  it("validates Secret data as base64 and the keys a type requires", () => {
    const secrets = def("", "v1", "secrets");
    const msgs = messages(secrets, {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s", namespace: "default" },
      type: "kubernetes.io/tls",
      data: { "tls.crt": "not base64!" },
    });
    expect(msgs).toEqual([
      'data[tls.crt]: Invalid value: "<secret contents redacted>": illegal base64 data at input byte 3',
      "data[tls.key]: Required value",
    ]);
  });
});

describe("other kinds", () => {
  it("checks HPA replica bounds", () => {
    const hpa = def("autoscaling", "v2", "horizontalpodautoscalers");
    const msgs = messages(hpa, {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "h", namespace: "default" },
      spec: { scaleTargetRef: { kind: "Deployment", name: "web" }, minReplicas: 5, maxReplicas: 2 },
    });
    expect(msgs).toEqual([
      "spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`",
    ]);
  });

  it("requires Ingress path types", () => {
    const ing = def("networking.k8s.io", "v1", "ingresses");
    const msgs = messages(ing, {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: { name: "i", namespace: "default" },
      spec: {
        rules: [
          {
            host: "a.example.com",
            http: { paths: [{ path: "/", backend: { service: { name: "web", port: { number: 80 } } } }] },
          },
        ],
      },
    });
    expect(msgs).toEqual([
      "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified",
    ]);
  });

  it("restricts RoleBinding roleRef kinds", () => {
    const rb = def("rbac.authorization.k8s.io", "v1", "rolebindings");
    const msgs = messages(rb, {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "b", namespace: "default" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Thing", name: "x" },
      subjects: [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "alice" }],
    });
    expect(msgs).toEqual([
      'roleRef.kind: Unsupported value: "Thing": supported values: "Role", "ClusterRole"',
    ]);
  });

  it("allows only image changes in a Pod's spec", () => {
    const pods = def("", "v1", "pods");
    const pod = (image: string, extra: Record<string, unknown> = {}): KubeObject => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", namespace: "default" },
      spec: { containers: [{ name: "c", image }], ...extra },
    });
    expect(messages(pods, pod("b"), pod("a"))).toEqual([]);
    expect(messages(pods, pod("a", { nodeName: "n1" }), pod("a"))).toEqual([]);
    const msgs = messages(pods, pod("a", { hostNetwork: true }), pod("a"));
    expect(msgs[0]).toMatch(
      /^spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/,
    );
  });
});

describe("updates", () => {
  it("keeps a binding's roleRef", () => {
    const rb = def("rbac.authorization.k8s.io", "v1", "rolebindings");
    const binding = (name: string): KubeObject => ({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "b", namespace: "default" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
    });
    expect(messages(rb, binding("a"), binding("a"))).toEqual([]);
    expect(messages(rb, binding("b"), binding("a"))).toEqual([
      'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"b"}: cannot change roleRef',
    ]);
  });
});

describe("JSON types", () => {
  it("reports values the Go types could not hold, without defaulting them", () => {
    const o = deployment({
      replicas: "2",
      template: { metadata: { labels: { app: "web", version: 1.5 } }, spec: { containers: {} } },
    });
    expect(messages(deployments, o)).toEqual([
      'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
      'spec.template.metadata.labels[version]: Invalid value: "number": spec.template.metadata.labels[version] in body must be of type string: "number"',
      'spec.template.spec.containers: Invalid value: "object": spec.template.spec.containers in body must be of type array: "object"',
    ]);
    expect((o.spec as { strategy?: unknown }).strategy).toBeUndefined();
  });

  it("catches numbers in ConfigMap data", () => {
    const cm = def("", "v1", "configmaps");
    const o: KubeObject = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", namespace: "default" },
      data: { port: 8080 },
    };
    expect(messages(cm, o)).toEqual([
      'data[port]: Invalid value: "integer": data[port] in body must be of type string: "integer"',
    ]);
  });
});
