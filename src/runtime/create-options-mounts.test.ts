import { describe, expect, it } from "vitest";
import { collectMounts, parseBind, parseMount } from "./create-options-mounts.js";

describe("-v binds", () => {
  it("parses host paths, named volumes and anonymous volumes", () => {
    expect(parseBind("/host/dir:/ctr:ro")).toEqual({
      type: "bind",
      source: "/host/dir",
      destination: "/ctr",
      rw: false,
      mode: "ro",
      propagation: "rprivate",
      mustExist: false,
    });
    expect(parseBind("data:/var/lib/data")).toEqual({
      type: "volume",
      name: "data",
      destination: "/var/lib/data",
      rw: true,
      mode: "",
    });
    expect(parseBind("/cache")).toEqual({
      type: "volume",
      name: undefined,
      destination: "/cache",
      rw: true,
      mode: "",
    });
    expect(parseBind("/h:/c:rw,rshared")).toMatchObject({ rw: true, propagation: "rshared" });
  });

  it("rejects bad specifications with Docker's messages", () => {
    expect(() => parseBind("/a:/b:c:d")).toThrow("invalid volume specification: '/a:/b:c:d'");
    expect(() => parseBind("/a:/b:bogus")).toThrow("invalid volume specification: '/a:/b:bogus'");
    expect(() => parseBind("/a:rel")).toThrow(
      `invalid mount config for type "bind": invalid mount path: 'rel' mount path must be absolute`,
    );
    expect(() => parseBind("/a:/")).toThrow("invalid specification: destination can't be '/'");
    expect(() => parseBind("x/y:/d")).toThrow(/includes invalid characters for a local volume name/);
  });
});

describe("--mount", () => {
  it("parses bind, volume and tmpfs mounts", () => {
    expect(parseMount({ Type: "bind", Source: "/src", Target: "/dst", ReadOnly: true })).toMatchObject({
      type: "bind",
      source: "/src",
      destination: "/dst",
      rw: false,
      mustExist: true,
    });
    expect(parseMount({ Type: "volume", Source: "v1", Target: "/v" })).toMatchObject({
      type: "volume",
      name: "v1",
    });
    expect(parseMount({ Type: "volume", Target: "/v" })).toMatchObject({ type: "volume", name: undefined });
    expect(
      parseMount({ Type: "tmpfs", Target: "/t", TmpfsOptions: { SizeBytes: 1024, Mode: 0o1777 } }),
    ).toEqual({
      type: "tmpfs",
      destination: "/t",
      options: ["size=1024", "mode=1777"],
    });
  });

  it("rejects incomplete or unknown mounts", () => {
    expect(() => parseMount({ Type: "bind", Target: "/x" })).toThrow(
      `invalid mount config for type "bind": field Source must not be empty`,
    );
    expect(() => parseMount({ Type: "volume", Source: "v" })).toThrow(
      `invalid mount config for type "volume": field Target must not be empty`,
    );
    expect(() => parseMount({ Type: "npipe", Target: "/x" })).toThrow(
      `invalid mount config for type "npipe": mount type unknown`,
    );
  });
});

describe("collectMounts", () => {
  it("refuses two mounts on one path and covers image volumes once", () => {
    expect(() => collectMounts({ Binds: ["/a:/x"], Mounts: [{ Type: "volume", Target: "/x" }] }, [])).toThrow(
      "Duplicate mount point: /x",
    );
    const mounts = collectMounts({ Binds: ["named:/data"], Tmpfs: { "/run": "size=1m" } }, [
      "/data",
      "/cache",
    ]);
    expect(mounts.map((m) => [m.type, m.destination])).toEqual([
      ["volume", "/data"],
      ["tmpfs", "/run"],
      ["volume", "/cache"],
    ]);
  });
});
