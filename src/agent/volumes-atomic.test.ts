import { mkdtemp, readFile, readdir, readlink, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkPayloadPath, writeAtomic, type Payload } from "./volumes-atomic.js";

let dir = "";
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "skiff-atomic-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const file = (text: string, mode = 0o644) => ({ data: Buffer.from(text), mode });
const at = new Date("2026-12-07T06:45:00Z");

describe("writeAtomic (the kubelet's ..data layout)", () => {
  it("writes files behind ..data and top-level links, with their modes", async () => {
    const payload: Payload = new Map([
      ["a.conf", file("A", 0o600)],
      ["sub/b.txt", file("B")],
    ]);
    expect(await writeAtomic(dir, payload, at)).toBe(true);
    expect(await readFile(join(dir, "a.conf"), "utf8")).toBe("A");
    expect(await readFile(join(dir, "sub/b.txt"), "utf8")).toBe("B");
    expect(await readlink(join(dir, "a.conf"))).toBe("..data/a.conf");
    expect(await readlink(join(dir, "..data"))).toMatch(/^\.\.2026_12_07_06_45_00\.[0-9a-f]+$/);
    expect((await stat(join(dir, "a.conf"))).mode & 0o777).toBe(0o600);
  });

  it("leaves an unchanged payload alone and swaps a changed one, dropping what went away", async () => {
    await writeAtomic(
      dir,
      new Map([
        ["a", file("1")],
        ["b", file("x")],
      ]),
      at,
    );
    const first = await readlink(join(dir, "..data"));
    expect(
      await writeAtomic(
        dir,
        new Map([
          ["a", file("1")],
          ["b", file("x")],
        ]),
        at,
      ),
    ).toBe(false);
    expect(await writeAtomic(dir, new Map([["a", file("2")]]), at)).toBe(true);
    expect(await readlink(join(dir, "..data"))).not.toBe(first);
    expect(await readFile(join(dir, "a"), "utf8")).toBe("2");
    const names = (await readdir(dir)).sort();
    expect(names.filter((n) => !n.startsWith("..2026"))).toEqual(["..data", "a"]);
    expect(names.filter((n) => n.startsWith("..2026"))).toHaveLength(1);
  });

  it("refuses paths that escape", () => {
    expect(() => checkPayloadPath("../x")).toThrow(/'\.\.'/);
    expect(() => checkPayloadPath("/etc/x")).toThrow(/relative/);
    expect(() => checkPayloadPath("..data")).toThrow(/start with/);
    expect(() => checkPayloadPath("ok/file")).not.toThrow();
  });
});
