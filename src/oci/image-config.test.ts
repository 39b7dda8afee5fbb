import { describe, expect, it } from "vitest";
import { InvalidImageConfigError, parseImageConfig } from "./image-config.js";

const valid = {
  architecture: "amd64",
  os: "linux",
  created: "2024-01-01T00:00:00Z",
  config: { Cmd: ["sh"], Env: ["PATH=/bin"], ExposedPorts: { "80/tcp": {} }, Labels: { a: "b" } },
  rootfs: { type: "layers", diff_ids: [`sha256:${"a".repeat(64)}`] },
  history: [{ created: "2024-01-01T00:00:00Z", comment: "Imported from -" }],
  docker_version: "20.10.24",
};

describe("parseImageConfig", () => {
  it("accepts a Docker config and keeps its extra fields", () => {
    const config = parseImageConfig(JSON.stringify(valid));
    expect(config.config?.Cmd).toEqual(["sh"]);
    expect(config.docker_version).toBe("20.10.24");
  });

  it("turns a null config into none", () => {
    expect(parseImageConfig(JSON.stringify({ ...valid, config: null })).config).toBeUndefined();
  });

  it.each([
    ["not JSON", "{"],
    ["no architecture", JSON.stringify({ ...valid, architecture: undefined })],
    ["bad rootfs", JSON.stringify({ ...valid, rootfs: { type: "layers" } })],
    ["bad diff id", JSON.stringify({ ...valid, rootfs: { type: "layers", diff_ids: ["sha256:x"] } })],
    ["bad Cmd", JSON.stringify({ ...valid, config: { Cmd: "sh" } })],
    ["bad Labels", JSON.stringify({ ...valid, config: { Labels: { a: 1 } } })],
    ["bad history", JSON.stringify({ ...valid, history: ["x"] })],
  ])("rejects %s", (_what, text) => {
    expect(() => parseImageConfig(text)).toThrow(InvalidImageConfigError);
  });
});
