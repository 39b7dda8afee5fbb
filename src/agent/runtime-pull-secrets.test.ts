import { describe, expect, it } from "vitest";
import type { KubeObject } from "../api/types.js";
import { matchScore, pullCredentials } from "./runtime-pull-secrets.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");
function secret(type: string, key: string, auths: Record<string, unknown>): KubeObject {
  const body = type === "kubernetes.io/dockerconfigjson" ? { auths } : auths;
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "s" },
    type,
    data: { [key]: b64(JSON.stringify(body)) },
  };
}

describe("pull secrets", () => {
  it("matches hosts, Docker Hub's legacy address, globs and path prefixes", () => {
    const hub = { domain: "docker.io", path: "library/busybox" };
    expect(matchScore("https://index.docker.io/v1/", hub)).toBe(0);
    expect(matchScore("docker.io", hub)).toBe(0);
    expect(matchScore("registry.example.com", hub)).toBe(-1);
    const ex = { domain: "eu.registry.example.com:5000", path: "team/app" };
    expect(matchScore("*.registry.example.com:5000", ex)).toBe(0);
    expect(matchScore("eu.registry.example.com:5000/team", ex)).toBe(4);
    expect(matchScore("eu.registry.example.com:5000/other", ex)).toBe(-1);
    expect(matchScore("eu.registry.example.com", ex)).toBe(-1);
  });

  it("reads dockerconfigjson and dockercfg secrets, auth decoded, most specific first", () => {
    const secrets = [
      secret("kubernetes.io/dockerconfigjson", ".dockerconfigjson", {
        "r.example:5000": { auth: b64("wide:pw1") },
        "r.example:5000/team": { username: "narrow", password: "pw2" },
      }),
      secret("kubernetes.io/dockercfg", ".dockercfg", { "other.example": { auth: b64("x:y") } }),
      secret("Opaque", "x", {}),
    ];
    expect(pullCredentials(secrets, { domain: "r.example:5000", path: "team/app" })).toEqual([
      { username: "narrow", password: "pw2" },
      { username: "wide", password: "pw1" },
    ]);
    expect(pullCredentials(secrets, { domain: "other.example", path: "a" })).toEqual([
      { username: "x", password: "y" },
    ]);
  });
});
