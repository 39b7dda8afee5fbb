import { describe, expect, it } from "vitest";
import {
  InvalidReferenceError,
  familiarString,
  formatReference,
  isLoopbackRegistry,
  loginDomain,
  normalizeReference,
  parseReference,
  registryEndpoint,
} from "./reference.js";

const digest = `sha256:${"a".repeat(64)}`;

describe("Docker references", () => {
  it.each([
    ["busybox", "docker.io/library/busybox:latest", "busybox:latest"],
    ["busybox:1.36", "docker.io/library/busybox:1.36", "busybox:1.36"],
    ["user/app", "docker.io/user/app:latest", "user/app:latest"],
    ["docker.io/library/busybox", "docker.io/library/busybox:latest", "busybox:latest"],
    ["index.docker.io/library/busybox:1", "docker.io/library/busybox:1", "busybox:1"],
    ["127.0.0.1:5000/a/b:t", "127.0.0.1:5000/a/b:t", "127.0.0.1:5000/a/b:t"],
    ["localhost/app", "localhost/app:latest", "localhost/app:latest"],
    ["registry.example.com/x", "registry.example.com/x:latest", "registry.example.com/x:latest"],
    [`busybox@${digest}`, `docker.io/library/busybox@${digest}`, `busybox@${digest}`],
    [`host:5000/app:v1@${digest}`, `host:5000/app:v1@${digest}`, `host:5000/app:v1@${digest}`],
    ["[::1]:5000/app", "[::1]:5000/app:latest", "[::1]:5000/app:latest"],
  ])("%s normalises to %s, shown as %s", (input, full, familiar) => {
    const ref = normalizeReference(input);
    expect(formatReference(ref)).toBe(full);
    expect(familiarString(ref)).toBe(familiar);
  });

  it("keeps the tag absent until defaulted", () => {
    expect(parseReference("busybox")).toEqual({ domain: "docker.io", path: "library/busybox" });
    expect(parseReference(`a@${digest}`).tag).toBeUndefined();
  });

  it.each(["", "Busybox", "a:b:c", "busybox:", "-a", "a//b", "a@sha256:short", "a:" + "t".repeat(129)])(
    "rejects %j",
    (input) => {
      expect(() => parseReference(input)).toThrow(InvalidReferenceError);
    },
  );

  it("says why an uppercase name is wrong, as Docker does", () => {
    expect(() => parseReference("Busybox")).toThrow(
      "invalid reference format: repository name (library/Busybox) must be lowercase",
    );
  });

  it("speaks plain HTTP to loopback registries only", () => {
    expect(isLoopbackRegistry("127.0.0.1:5000")).toBe(true);
    expect(isLoopbackRegistry("localhost:5000")).toBe(true);
    expect(isLoopbackRegistry("[::1]:5000")).toBe(true);
    expect(isLoopbackRegistry("example.com")).toBe(false);
    expect(registryEndpoint("127.0.0.1:5000")).toBe("http://127.0.0.1:5000");
    expect(registryEndpoint("docker.io")).toBe("https://registry-1.docker.io");
    expect(registryEndpoint("ghcr.io")).toBe("https://ghcr.io");
    expect(registryEndpoint("10.0.0.5:5000", { plainHttp: true })).toBe("http://10.0.0.5:5000");
  });

  it("reads docker login server addresses", () => {
    expect(loginDomain("https://index.docker.io/v1/")).toBe("docker.io");
    expect(loginDomain("127.0.0.1:5000")).toBe("127.0.0.1:5000");
    expect(loginDomain("http://127.0.0.1:5000/")).toBe("127.0.0.1:5000");
  });
});
