import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ANONYMOUS_LABEL, VolumeStore } from "./volumes.js";

let root = "";
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "skiff-volumes-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("VolumeStore", () => {
  it("creates a named volume in Docker's JSON shape, and returns it again for the same name", async () => {
    const store = await VolumeStore.open({ root });
    const v = await store.create({ name: "data", labels: { app: "web" } });
    expect(v).toEqual({
      Name: "data",
      Driver: "local",
      Mountpoint: join(root, "data", "_data"),
      CreatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) as unknown,
      Labels: { app: "web" },
      Scope: "local",
      Options: null,
    });
    expect(existsSync(v.Mountpoint)).toBe(true);
    expect(await store.create({ name: "data", labels: { other: "x" } })).toEqual(v);
    expect(store.get("data")).toEqual(v);
  });

  it("names anonymous volumes with 64 hex characters and labels them", async () => {
    const store = await VolumeStore.open({ root });
    const v = await store.create({});
    expect(v.Name).toMatch(/^[0-9a-f]{64}$/);
    expect(v.Labels).toEqual({ [ANONYMOUS_LABEL]: "" });
  });

  it("refuses invalid names with Docker's message and creates nothing", async () => {
    const store = await VolumeStore.open({ root });
    await expect(store.create({ name: "x/y" })).rejects.toMatchObject({
      statusCode: 400,
      message:
        'create x/y: "x/y" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path',
    });
    await expect(store.create({ name: "a" })).rejects.toMatchObject({ statusCode: 400 });
    await expect(store.create({ name: "ok", driverOpts: { bogus: "1" } })).rejects.toMatchObject({
      statusCode: 400,
    });
    expect(await readdir(root)).toEqual([]);
  });

  it("survives a reopen, and cleans what an interrupted create left", async () => {
    const store = await VolumeStore.open({ root });
    const v = await store.create({ name: "keep", labels: { a: "b" } });
    await mkdir(join(root, ".create-deadbeef", "_data"), { recursive: true });
    const again = await VolumeStore.open({ root });
    expect(again.list()).toEqual([v]);
    expect(existsSync(join(root, ".create-deadbeef"))).toBe(false);
  });

  it("answers a missing volume with 404 and an used one with 409", async () => {
    const store = await VolumeStore.open({ root });
    expect(() => store.get("nope")).toThrow(
      expect.objectContaining({ statusCode: 404, message: "get nope: no such volume" }),
    );
    await expect(store.remove("nope", { force: false, inUseBy: [] })).rejects.toMatchObject({
      statusCode: 404,
    });
    await store.remove("nope", { force: true, inUseBy: [] });
    await store.create({ name: "used" });
    await expect(store.remove("used", { force: true, inUseBy: ["abc", "def"] })).rejects.toMatchObject({
      statusCode: 409,
      message: "remove used: volume is in use - [abc def]",
    });
    await store.remove("used", { force: false, inUseBy: [] });
    expect(store.list()).toEqual([]);
    expect(await readdir(root)).toEqual([]);
  });

  it("prunes unused anonymous volumes, or all unused ones with all", async () => {
    const store = await VolumeStore.open({ root });
    const anon = await store.create({});
    const anonUsed = await store.create({});
    await store.create({ name: "named" });
    await writeFile(join(anon.Mountpoint, "f"), "12345");
    const first = await store.prune(new Set([anonUsed.Name]), { all: false });
    expect(first).toEqual({ VolumesDeleted: [anon.Name], SpaceReclaimed: 5 });
    const second = await store.prune(new Set([anonUsed.Name]), { all: true });
    expect(second.VolumesDeleted).toEqual(["named"]);
    expect(store.list().map((v) => v.Name)).toEqual([anonUsed.Name]);
  });
});
