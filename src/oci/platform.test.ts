import { describe, expect, it } from "vitest";
import type { Descriptor } from "./descriptor.js";
import type { Digest } from "./digest.js";
import { formatPlatform, hostPlatform, parsePlatform, pickManifest, platformMatches } from "./platform.js";

const entry = (n: string, platform?: Descriptor["platform"]): Descriptor => ({
  mediaType: "application/vnd.oci.image.manifest.v1+json",
  digest: `sha256:${n.repeat(64)}` as Digest,
  size: 1,
  ...(platform && { platform }),
});

describe("platforms", () => {
  it("parses and normalises", () => {
    expect(parsePlatform("linux/amd64")).toEqual({ os: "linux", architecture: "amd64" });
    expect(parsePlatform("linux/x86_64")).toEqual({ os: "linux", architecture: "amd64" });
    expect(parsePlatform("linux/arm64/v8")).toEqual({ os: "linux", architecture: "arm64" });
    expect(parsePlatform("linux/arm")).toEqual({ os: "linux", architecture: "arm", variant: "v7" });
    expect(parsePlatform("linux/arm/6")).toEqual({ os: "linux", architecture: "arm", variant: "v6" });
    expect(() => parsePlatform("linux//amd64")).toThrow(/invalid platform/);
    expect(formatPlatform({ os: "linux", architecture: "arm", variant: "v7" })).toBe("linux/arm/v7");
  });

  it("knows the host", () => {
    const host = hostPlatform();
    expect(host.os).toBe("linux");
    expect(host.architecture).toBe(process.arch === "x64" ? "amd64" : process.arch);
  });

  it("matches variants leniently and prefers exact ones", () => {
    expect(
      platformMatches(
        { os: "linux", architecture: "arm64" },
        { os: "linux", architecture: "arm64", variant: "v8" },
      ),
    ).toBe(true);
    expect(
      platformMatches(
        { os: "linux", architecture: "arm", variant: "v7" },
        { os: "linux", architecture: "arm", variant: "v6" },
      ),
    ).toBe(false);
    const list = [
      entry("a", { os: "linux", architecture: "arm", variant: "v6" }),
      entry("b", { os: "linux", architecture: "arm", variant: "v7" }),
      entry("c", { os: "linux", architecture: "amd64" }),
      entry("d", { os: "unknown", architecture: "unknown" }),
      entry("e"),
    ];
    expect(pickManifest(list, parsePlatform("linux/arm/v7"))?.digest).toBe(list[1]!.digest);
    expect(pickManifest(list, parsePlatform("linux/amd64"))?.digest).toBe(list[2]!.digest);
    expect(pickManifest(list, parsePlatform("linux/s390x"))).toBeUndefined();
  });
});
