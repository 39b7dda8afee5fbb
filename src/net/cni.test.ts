import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CniError, CniPlugins } from "./cni.js";

// A stand-in plugin that records what the CNI protocol handed it and answers as told.
let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "skiff-cni-"));
  await writeFile(
    join(dir, "probe"),
    `#!/bin/sh
cat > "${dir}/stdin"
env | grep '^CNI_' | sort > "${dir}/env"
case "$CNI_CONTAINERID" in
  fail) echo '{"cniVersion":"1.0.0","code":7,"msg":"bad thing","details":"more"}'; exit 1 ;;
  crash) echo 'boom' >&2; exit 2 ;;
esac
echo '{"cniVersion":"1.0.0","ips":[{"address":"10.1.0.2/24"}]}'
`,
  );
  await chmod(join(dir, "probe"), 0o755);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const config = { cniVersion: "1.0.0", name: "n", type: "probe", extra: 1 };

describe("CniPlugins", () => {
  it("passes command, container, netns, ifname and CNI_PATH in the environment and the config on stdin", async () => {
    const plugins = new CniPlugins([join(dir, "missing"), dir]);
    const result = await plugins.invoke({
      command: "ADD",
      containerId: "c1",
      netns: "/run/x",
      ifName: "eth0",
      config,
    });
    expect(result).toEqual({ cniVersion: "1.0.0", ips: [{ address: "10.1.0.2/24" }] });
    expect(JSON.parse(await readFile(join(dir, "stdin"), "utf8"))).toEqual(config);
    expect(await readFile(join(dir, "env"), "utf8")).toBe(
      `CNI_COMMAND=ADD\nCNI_CONTAINERID=c1\nCNI_IFNAME=eth0\nCNI_NETNS=/run/x\nCNI_PATH=${join(dir, "missing")}:${dir}\n`,
    );
    expect(
      await plugins.invoke({ command: "DEL", containerId: "c1", netns: "", ifName: "eth0", config }),
    ).toBeUndefined();
  });

  it("turns a CNI error object, or stderr, into a CniError", async () => {
    const plugins = new CniPlugins([dir]);
    const err = await plugins
      .invoke({ command: "ADD", containerId: "fail", netns: "/run/x", ifName: "eth0", config })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CniError);
    expect(err).toMatchObject({ code: 7, message: "CNI plugin probe ADD failed: bad thing: more" });
    await expect(
      plugins.invoke({ command: "ADD", containerId: "crash", netns: "/run/x", ifName: "eth0", config }),
    ).rejects.toThrow("CNI plugin probe ADD failed: boom");
  });

  it("names the Debian package when a plugin is missing", () => {
    expect(() => new CniPlugins([dir]).locate("bridge")).toThrow(/containernetworking-plugins/);
  });
});
