import { describe, expect, it } from "vitest";
import { engineRoutes } from "./server.js";
import { matchRoute, splitVersion, compareVersions } from "./route.js";
import { FakeContainers } from "./testing/fake-containers.js";
import { FakeImages, FakeVolumes } from "./testing/fake-images.js";

const images = new FakeImages();
const routes = engineRoutes(
  { images, containers: new FakeContainers(images), volumes: new FakeVolumes() },
  { version: "0", gitCommit: "", rootDir: "/", name: "test" },
);

function resolve(method: string, path: string): string | undefined {
  const m = matchRoute(routes, method, path);
  if (m === undefined || m === "method") return m;
  return `${m.route.name} ${JSON.stringify(m.params)}`;
}

describe("route table", () => {
  it("routes image names with a registry host, port, slashes and a tag by their suffix", () => {
    expect(resolve("GET", "/images/127.0.0.1:5000/a/b:tag/json")).toBe(
      'image.inspect {"name":"127.0.0.1:5000/a/b:tag"}',
    );
    expect(resolve("POST", "/images/127.0.0.1:5000/a/b/push")).toBe(
      'image.push {"name":"127.0.0.1:5000/a/b"}',
    );
    expect(resolve("POST", "/images/busybox:latest/tag")).toBe('image.tag {"name":"busybox:latest"}');
    expect(resolve("DELETE", "/images/localhost/x@sha256:abc")).toBe(
      'image.remove {"name":"localhost/x@sha256:abc"}',
    );
    expect(resolve("GET", "/images/a/b/history")).toBe('image.history {"name":"a/b"}');
  });

  it("prefers fixed paths over name patterns", () => {
    expect(resolve("GET", "/images/json")).toBe("image.list {}");
    expect(resolve("POST", "/images/create")).toBe("image.create {}");
    expect(resolve("GET", "/images/get")).toBe("image.save {}");
    expect(resolve("POST", "/containers/create")).toBe("container.create {}");
    expect(resolve("GET", "/containers/json")).toBe("container.list {}");
    expect(resolve("POST", "/volumes/create")).toBe("volume.create {}");
  });

  it("tells an unknown path from a known path with the wrong method", () => {
    expect(resolve("GET", "/nope")).toBeUndefined();
    expect(resolve("PUT", "/containers/abc/start")).toBe("method");
    expect(resolve("HEAD", "/_ping")).toBe("ping {}");
    expect(resolve("HEAD", "/version")).toBe("version {}"); // HEAD is served by GET
  });

  it("marks only attach and exec start as hijackable", () => {
    expect(routes.filter((r) => r.hijack === true).map((r) => r.name)).toEqual([
      "container.attach",
      "exec.start",
    ]);
  });
});

describe("API version prefix", () => {
  it("strips /v1.NN within 1.24–1.51 and serves unprefixed paths at 1.51", () => {
    expect(splitVersion("/v1.50/containers/json")).toEqual({ version: "1.50", path: "/containers/json" });
    expect(splitVersion("/v1.24/_ping")).toEqual({ version: "1.24", path: "/_ping" });
    expect(splitVersion("/info")).toEqual({ version: "1.51", path: "/info" });
  });

  it("refuses versions outside the range with moby's words", () => {
    expect(splitVersion("/v1.23/info")).toEqual({
      error:
        "client version 1.23 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version",
    });
    expect(splitVersion("/v1.52/info")).toEqual({
      error: "client version 1.52 is too new. Maximum supported API version is 1.51",
    });
    expect(splitVersion("/v2.0/info")).toHaveProperty("error");
  });

  it("compares versions numerically", () => {
    expect(compareVersions("1.9", "1.24")).toBeLessThan(0);
    expect(compareVersions("1.51", "1.51")).toBe(0);
  });
});
