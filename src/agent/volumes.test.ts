import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiClient } from "../api/registry/client.js";
import { newRegistry } from "../api/registry/registry.test-util.js";
import type { KubeObject } from "../api/types.js";
import { ContainerStartFailure } from "./pod-runtime.js";
import { PodObjects } from "./runtime-objects.js";
import type { PodContainer, PodVolume } from "./runtime-types.js";
import { PodVolumes, payloadOf } from "./volumes.js";
import { prepareHostPath } from "./volumes-hostpath.js";

let dir = "";
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "skiff-vol-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const pod = (volumes: PodVolume[], containers: PodContainer[] = [{ name: "c" }]): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", namespace: "default", uid: "uid-1" },
  spec: { containers, volumes },
});

async function objects(): Promise<PodObjects> {
  const client = new ApiClient((await newRegistry()).registry);
  await client.resource({ apiVersion: "v1", kind: "ConfigMap" }).create({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "cm", namespace: "default" },
    data: { "a.conf": "A" },
  });
  return new PodObjects(client, "default");
}

async function failureOf(p: Promise<unknown>): Promise<ContainerStartFailure> {
  const err = await p.catch((e: unknown) => e);
  if (!(err instanceof ContainerStartFailure)) throw new Error(`expected a failure, got ${String(err)}`);
  return err;
}

describe("payloadOf", () => {
  const data = new Map([
    ["a", Buffer.from("1")],
    ["b", Buffer.from("2")],
  ]);
  it("takes every key with the default mode, or the items with their own", () => {
    expect([...payloadOf("configmap", data, {}).entries()].map(([k, v]) => [k, v.mode])).toEqual([
      ["a", 0o644],
      ["b", 0o644],
    ]);
    const items = payloadOf("secret", data, {
      defaultMode: 0o400,
      items: [
        { key: "b", path: "dir/b.txt", mode: 0o600 },
        { key: "a", path: "a" },
      ],
    });
    expect([...items.entries()].map(([k, v]) => [k, v.mode, v.data.toString()])).toEqual([
      ["dir/b.txt", 0o600, "2"],
      ["a", 0o400, "1"],
    ]);
  });
  it("words a missing key as the kubelet does, unless optional", () => {
    expect(() => payloadOf("configmap", data, { items: [{ key: "x", path: "x" }] })).toThrow(
      "configmap references non-existent config key: x",
    );
    expect(() => payloadOf("secret", data, { items: [{ key: "x", path: "x" }] })).toThrow(
      "secret references non-existent secret key: x",
    );
    expect(payloadOf("secret", data, { optional: true, items: [{ key: "x", path: "x" }] }).size).toBe(0);
  });
});

describe("PodVolumes", () => {
  it("prepares configMap and emptyDir volumes and mounts them, configMaps read-only", async () => {
    const volumes = new PodVolumes({ podsDir: dir });
    const c: PodContainer = {
      name: "c",
      volumeMounts: [
        { name: "cfg", mountPath: "/etc/app" },
        { name: "cfg", mountPath: "/etc/a.conf", subPath: "a.conf" },
        { name: "scratch", mountPath: "/scratch", subPath: "sub/dir" },
      ],
    };
    const p = pod(
      [
        { name: "cfg", configMap: { name: "cm" } },
        { name: "scratch", emptyDir: {} },
      ],
      [c],
    );
    await volumes.prepare(p, await objects());
    const cfg = volumes.volumeDir("uid-1", "cfg");
    expect(await readFile(join(cfg, "a.conf"), "utf8")).toBe("A");
    const mounts = await volumes.mounts(p, c);
    expect(mounts[0]).toEqual({ Type: "bind", Source: cfg, Target: "/etc/app", ReadOnly: true });
    expect(mounts[1]?.Source).toMatch(new RegExp(`^${cfg}/\\.\\.\\d{4}_.*/a\\.conf$`));
    expect(mounts[2]).toEqual({
      Type: "bind",
      Source: join(volumes.volumeDir("uid-1", "scratch"), "sub/dir"),
      Target: "/scratch",
      ReadOnly: false,
    });
    await volumes.cleanup("uid-1");
    await expect(readFile(join(cfg, "a.conf"))).rejects.toThrow();
  });

  it("refuses a missing configMap, a subPath that escapes, a volume the pod lacks", async () => {
    const volumes = new PodVolumes({ podsDir: dir });
    const missing = await failureOf(
      volumes.prepare(pod([{ name: "v", configMap: { name: "gone" } }]), await objects()),
    );
    expect(missing).toMatchObject({
      reason: "CreateContainerConfigError",
      message: 'configmap "gone" not found',
    });
    await volumes.prepare(pod([{ name: "v", configMap: { name: "gone", optional: true } }]), await objects());

    const p = pod([{ name: "e", emptyDir: {} }]);
    await volumes.prepare(p, await objects());
    await symlink("/etc", join(volumes.volumeDir("uid-1", "e"), "out"));
    expect(
      (
        await failureOf(
          volumes.mounts(p, { name: "c", volumeMounts: [{ name: "e", mountPath: "/x", subPath: "out" }] }),
        )
      ).message,
    ).toMatch(/resolves outside/);
    expect(
      (
        await failureOf(
          volumes.mounts(p, { name: "c", volumeMounts: [{ name: "e", mountPath: "/x", subPath: "../x" }] }),
        )
      ).message,
    ).toMatch(/without '\.\.'/);
    expect(
      (await failureOf(volumes.mounts(p, { name: "c", volumeMounts: [{ name: "zz", mountPath: "/x" }] })))
        .message,
    ).toBe('cannot find volume "zz" to mount into container "c"');
  });
});

describe("hostPath types", () => {
  it("creates what *OrCreate asks for and checks the others", async () => {
    await prepareHostPath(join(dir, "made/dir"), "DirectoryOrCreate");
    await prepareHostPath(join(dir, "made/dir"), "Directory");
    await prepareHostPath(join(dir, "other/file"), "FileOrCreate");
    await prepareHostPath(join(dir, "other/file"), "File");
    await prepareHostPath(join(dir, "nothing"), undefined);
    await writeFile(join(dir, "f"), "x");
    await mkdir(join(dir, "d"));
    expect((await failureOf(prepareHostPath(join(dir, "f"), "Directory"))).message).toBe(
      `hostPath type check failed: ${join(dir, "f")} is not a directory`,
    );
    expect((await failureOf(prepareHostPath(join(dir, "d"), "FileOrCreate"))).message).toMatch(
      /is not a file$/,
    );
    expect((await failureOf(prepareHostPath(join(dir, "f"), "Socket"))).message).toMatch(
      /is not a socket file$/,
    );
  });
});
