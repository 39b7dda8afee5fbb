import { describe, expect, it } from "vitest";
import { encodeLogEntry, rfc3339Nano } from "./container-streams.js";
import { validContainerName, parseUntil } from "./containers.js";
import { parseExecStart, validateExecConfig } from "./exec.js";
import { familiarName, pullReference } from "./image-transfer.js";
import { imageInspect, imageSummary, matchesLabels, matchesReference } from "./images.js";
import { demux } from "./stdcopy.js";
import { fakeImage } from "./testing/fake-images.js";

describe("log lines", () => {
  it("prints times as Go's RFC3339Nano in UTC", () => {
    expect(rfc3339Nano("2026-11-22T08:00:00.123456789Z")).toBe("2026-11-22T08:00:00.123456789Z");
    expect(rfc3339Nano("2026-11-22T09:00:00.120000000+01:00")).toBe("2026-11-22T08:00:00.12Z");
    expect(rfc3339Nano("2026-11-22T08:00:00.000000000Z")).toBe("2026-11-22T08:00:00Z");
    expect(rfc3339Nano(new Date("2026-11-22T08:00:00.500Z"))).toBe("2026-11-22T08:00:00.5Z");
  });

  it("frames entries without a TTY and sends them raw with one", () => {
    const entry = {
      stream: "stderr" as const,
      line: Buffer.from("oops\n"),
      partial: false,
      timestamp: "2026-01-01T00:00:00.5Z",
      seconds: 0,
    };
    expect(demux(encodeLogEntry(entry, { tty: false, timestamps: false }))).toEqual({
      stdout: "",
      stderr: "oops\n",
    });
    expect(encodeLogEntry(entry, { tty: true, timestamps: true }).toString()).toBe(
      "2026-01-01T00:00:00.5Z oops\n",
    );
  });
});

describe("container and exec parameters", () => {
  it("checks container names as moby does", () => {
    expect(validContainerName("/web-1")).toBe("web-1");
    for (const bad of ["a", "-x", "a b", "x/y"])
      expect(() => validContainerName(bad)).toThrow(/Invalid container name/);
  });

  it("reads prune's until as seconds, a duration or a time", () => {
    expect(parseUntil("1700000000")).toBe(1700000000);
    expect(parseUntil("2026-01-01T00:00:00Z")).toBe(Date.parse("2026-01-01T00:00:00Z") / 1000);
    expect(Math.abs(parseUntil("1h") - (Date.now() / 1000 - 3600))).toBeLessThan(2);
    expect(() => parseUntil("soon")).toThrow(/invalid filter/);
  });

  it("validates exec bodies", () => {
    expect(validateExecConfig({ Cmd: ["sh"], Tty: true })).toEqual({ Cmd: ["sh"], Tty: true });
    expect(() => validateExecConfig({ Cmd: "sh" })).toThrow("No exec command specified");
    expect(() => validateExecConfig({ Cmd: ["sh"], Tty: "yes" })).toThrow(/Tty must be a boolean/);
    expect(parseExecStart({ Detach: false, Tty: true, ConsoleSize: [24, 80] })).toEqual({
      detach: false,
      tty: true,
      consoleSize: { height: 24, width: 80 },
    });
    expect(() => parseExecStart({ ConsoleSize: [24] })).toThrow(/ConsoleSize/);
  });
});

describe("image references and documents", () => {
  it("builds the reference to pull from fromImage and tag", () => {
    expect(pullReference("docker.io/library/busybox", "latest")).toBe("docker.io/library/busybox:latest");
    expect(pullReference("127.0.0.1:5000/a/b", "sha256:abc")).toBe("127.0.0.1:5000/a/b@sha256:abc");
    expect(pullReference("127.0.0.1:5000/a/b", "")).toBe("127.0.0.1:5000/a/b:latest");
    expect(pullReference("busybox:1.36", null)).toBe("busybox:1.36");
    expect(() => pullReference("busybox:1.36", "latest")).toThrow(/both/);
    expect(familiarName("docker.io/library/busybox:latest")).toBe("busybox:latest");
    expect(familiarName("docker.io/me/app:v1")).toBe("me/app:v1");
    expect(familiarName("localhost:5000/app:v1")).toBe("localhost:5000/app:v1");
  });

  it("matches reference and label filters", () => {
    const image = fakeImage(["127.0.0.1:5000/team/app:v1", "busybox:latest"]);
    expect(matchesReference(image, ["busybox"])).toBe(true);
    expect(matchesReference(image, ["busy*"])).toBe(true);
    expect(matchesReference(image, ["127.0.0.1:5000/team/*:v1"])).toBe(true);
    expect(matchesReference(image, ["team/*"])).toBe(false);
    expect(matchesLabels(image, ["fake"])).toBe(true);
    expect(matchesLabels(image, ["fake=yes"])).toBe(true);
    expect(matchesLabels(image, ["fake=no"])).toBe(false);
  });

  it("shapes ImageSummary and ImageInspect as Docker does", () => {
    const image = fakeImage(["busybox:latest"]);
    expect(imageSummary(image, 2)).toMatchObject({
      Id: image.id,
      Created: 1767323045,
      Containers: 2,
      Labels: { fake: "yes" },
    });
    expect(imageInspect(image)).toMatchObject({
      Id: image.id,
      Created: "2026-01-02T03:04:05Z",
      Os: "linux",
      RootFS: { Type: "layers", Layers: image.config.rootfs.diff_ids },
      Config: { Cmd: ["sh"] },
    });
  });
});
