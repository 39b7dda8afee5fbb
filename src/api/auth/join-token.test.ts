import { describe, expect, it } from "vitest";
import type { KubeObject } from "../types.js";
import { Authenticator } from "./authenticator.js";
import { bootstrapRbac } from "./bootstrap.js";
import { createCa } from "./certs.js";
import {
  bootstrapTokenSecret,
  formatJoinToken,
  newJoinToken,
  parseJoinToken,
  readBootstrapTokenSecret,
} from "./join-token.js";
import { JoinTokenAuthenticator } from "./join-token-auth.js";
import { RbacAuthorizer, type RequestAttributes } from "./rbac.js";
import { memorySource } from "./rbac.test-util.js";
import { withAuthenticatedGroup } from "./user.js";

const NOW = new Date("2026-12-07T12:00:00Z");

function secrets(objects: KubeObject[]): { secret(ns: string, name: string): KubeObject | undefined } {
  return {
    secret: (ns, name) => objects.find((o) => o.metadata.namespace === ns && o.metadata.name === name),
  };
}

describe("join tokens", () => {
  it("are 6 + 16 characters of [a-z0-9] and parse back", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const text = formatJoinToken(newJoinToken());
      expect(text).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
      seen.add(text);
      expect(parseJoinToken(text)).toEqual({ id: text.slice(0, 6), secret: text.slice(7) });
    }
    expect(seen.size).toBe(50);
    for (const bad of [
      "abcdef.0123456789abcde",
      "ABCDEF.0123456789abcdef",
      "abcdef0123456789abcdef",
      "a.b.c",
    ]) {
      expect(parseJoinToken(bad)).toBeUndefined();
    }
  });

  it("are kept in a bootstrap-token Secret as Kubernetes lays it out", () => {
    const token = { id: "abcdef", secret: "0123456789abcdef" };
    const secret = bootstrapTokenSecret({ token, expiration: NOW, description: "for node-2" });
    expect(secret.metadata).toEqual({ name: "bootstrap-token-abcdef", namespace: "kube-system" });
    expect(secret.type).toBe("bootstrap.kubernetes.io/token");
    const data = secret.data as Record<string, string>;
    const text = (k: string): string => Buffer.from(data[k] ?? "", "base64").toString();
    expect(text("token-id")).toBe("abcdef");
    expect(text("token-secret")).toBe("0123456789abcdef");
    expect(text("expiration")).toBe("2026-12-07T12:00:00Z");
    expect(text("usage-bootstrap-authentication")).toBe("true");
    expect(readBootstrapTokenSecret(secret)).toEqual({
      ...token,
      expiration: NOW,
      description: "for node-2",
      authentication: true,
    });
    expect(readBootstrapTokenSecret({ ...secret, type: "Opaque" })).toBeUndefined();
    expect(
      readBootstrapTokenSecret({ ...secret, metadata: { name: "bootstrap-token-zzzzzz" } }),
    ).toBeUndefined();
  });
});

describe("JoinTokenAuthenticator", () => {
  const token = { id: "abcdef", secret: "0123456789abcdef" };
  const valid = bootstrapTokenSecret({ token, expiration: new Date(NOW.getTime() + 60_000) });
  const auth = (objects: KubeObject[], now = NOW): JoinTokenAuthenticator =>
    new JoinTokenAuthenticator({ secrets: secrets(objects), clock: () => now });

  it("accepts a token whose Secret matches, as a bootstrap user in system:nodes", async () => {
    expect(await auth([valid]).authenticate("abcdef.0123456789abcdef")).toEqual({
      name: "system:bootstrap:abcdef",
      groups: ["system:bootstrappers", "system:nodes"],
    });
  });

  it("refuses wrong secrets, unknown ids, expired or deleted tokens and tokens not for authentication", async () => {
    expect(await auth([valid]).authenticate("abcdef.0123456789abcdee")).toBeUndefined();
    expect(await auth([valid]).authenticate("zzzzzz.0123456789abcdef")).toBeUndefined();
    expect(
      await auth([valid], new Date(NOW.getTime() + 60_000)).authenticate(formatJoinToken(token)),
    ).toBeUndefined();
    const deleting = { ...valid, metadata: { ...valid.metadata, deletionTimestamp: NOW.toISOString() } };
    expect(await auth([deleting]).authenticate(formatJoinToken(token))).toBeUndefined();
    const noUsage = structuredClone(valid);
    delete (noUsage.data as Record<string, string>)["usage-bootstrap-authentication"];
    expect(await auth([noUsage]).authenticate(formatJoinToken(token))).toBeUndefined();
    const forever = bootstrapTokenSecret({ token });
    expect(await auth([forever], new Date("2100-01-01")).authenticate(formatJoinToken(token))).toBeDefined();
  });

  it("is part of the API's Authenticator when it is given the Secrets", async () => {
    const ca = await createCa({ commonName: "test-ca" });
    const credentials = { caPem: ca.certPem, adminToken: "admin-token", serviceAccountKeyPem: ca.keyPem };
    const withTokens = new Authenticator({
      credentials,
      bootstrapTokens: secrets([valid]),
      clock: () => NOW,
    });
    const user = await withTokens.authenticate({ authorization: `Bearer ${formatJoinToken(token)}` });
    expect(user?.name).toBe("system:bootstrap:abcdef");
    expect(user?.groups).toContain("system:authenticated");
    expect(
      await withTokens.authenticate({ authorization: "Bearer abcdef.aaaaaaaaaaaaaaaa" }),
    ).toBeUndefined();
    const without = new Authenticator({ credentials, clock: () => NOW });
    expect(await without.authenticate({ authorization: `Bearer ${formatJoinToken(token)}` })).toBeUndefined();
  });
});

describe("the system:node role", () => {
  const authz = new RbacAuthorizer(memorySource(bootstrapRbac()));
  const node = withAuthenticatedGroup({
    name: "system:bootstrap:abcdef",
    groups: ["system:bootstrappers", "system:nodes"],
  });
  const can = async (a: Partial<RequestAttributes> & { verb: string; resource: string }): Promise<boolean> =>
    (
      await authz.authorize({
        user: node,
        resourceRequest: true,
        apiGroup: "",
        subresource: "",
        namespace: "",
        name: "",
        path: "",
        ...a,
      })
    ).allowed;

  it("lets a node register, heartbeat, follow its pods, report their status and write events", async () => {
    expect(await can({ verb: "create", resource: "nodes" })).toBe(true);
    expect(await can({ verb: "patch", resource: "nodes", subresource: "status", name: "n1" })).toBe(true);
    expect(
      await can({
        verb: "update",
        resource: "leases",
        apiGroup: "coordination.k8s.io",
        namespace: "kube-node-lease",
      }),
    ).toBe(true);
    expect(await can({ verb: "watch", resource: "pods" })).toBe(true);
    expect(
      await can({ verb: "update", resource: "pods", subresource: "status", namespace: "team", name: "p" }),
    ).toBe(true);
    expect(await can({ verb: "delete", resource: "pods", namespace: "team", name: "p" })).toBe(true);
    expect(await can({ verb: "create", resource: "events", namespace: "team" })).toBe(true);
    expect(await can({ verb: "get", resource: "configmaps", namespace: "team", name: "c" })).toBe(true);
    expect(await can({ verb: "get", resource: "secrets", namespace: "team", name: "s" })).toBe(true);
  });

  it("does not let a node enumerate secrets, change workloads or RBAC, or update pod specs", async () => {
    expect(await can({ verb: "list", resource: "secrets", namespace: "kube-system" })).toBe(false);
    expect(await can({ verb: "create", resource: "secrets", namespace: "kube-system" })).toBe(false);
    expect(await can({ verb: "create", resource: "deployments", apiGroup: "apps", namespace: "team" })).toBe(
      false,
    );
    expect(await can({ verb: "update", resource: "pods", namespace: "team", name: "p" })).toBe(false);
    expect(await can({ verb: "delete", resource: "nodes", name: "n2" })).toBe(false);
    expect(
      await can({ verb: "create", resource: "clusterrolebindings", apiGroup: "rbac.authorization.k8s.io" }),
    ).toBe(false);
  });

  it("lets anyone read kube-public/cluster-info and nothing else there", async () => {
    const anonymous = { name: "system:anonymous", groups: ["system:unauthenticated"] };
    const base = {
      user: anonymous,
      resourceRequest: true,
      apiGroup: "",
      resource: "configmaps",
      subresource: "",
      namespace: "kube-public",
      path: "",
    };
    expect((await authz.authorize({ ...base, verb: "get", name: "cluster-info" })).allowed).toBe(true);
    expect((await authz.authorize({ ...base, verb: "get", name: "other" })).allowed).toBe(false);
    expect((await authz.authorize({ ...base, verb: "list", name: "" })).allowed).toBe(false);
  });
});
