import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startThroughFifo } from "./exec-fifo.js";

let root = "";

/** A runc-like state dir: exec.fifo and state.json naming `pid` as init. */
async function container(id: string, pid: number): Promise<string> {
  const dir = join(root, id);
  await mkdir(dir);
  await new Promise<void>((resolve, reject) =>
    spawn("mkfifo", [join(dir, "exec.fifo")]).on("exit", (c) =>
      c === 0 ? resolve() : reject(new Error("mkfifo")),
    ),
  );
  await writeFile(join(dir, "state.json"), JSON.stringify({ init_process_pid: pid }));
  return join(dir, "exec.fifo");
}

describe("startThroughFifo", () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "skiff-execfifo-"));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("reads init's byte until EOF, then deletes the fifo (runc's 'running')", async () => {
    // Stands for runc init: opens its end late, writes "0", stays a moment, then goes (exec).
    const fifo = join(root, "c1", "exec.fifo");
    const init = spawn("sh", ["-c", `sleep 0.2; exec 3>${fifo}; printf 0 >&3; sleep 0.1`], {
      stdio: "ignore",
    });
    await container("c1", init.pid ?? 0);
    const started = performance.now();
    expect(await startThroughFifo(root, "c1")).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(250); // waited for EOF, not the byte alone
    expect(existsSync(fifo)).toBe(false);
  });

  it("leaves it to runc start when init is gone, there is no fifo or no state", async () => {
    const dead = spawn("true");
    await new Promise((r) => dead.on("exit", r));
    await container("c2", dead.pid ?? 0);
    expect(await startThroughFifo(root, "c2")).toBe(false);
    expect(existsSync(join(root, "c2", "exec.fifo"))).toBe(true); // untouched for runc
    expect(await startThroughFifo(root, "missing")).toBe(false);
    await mkdir(join(root, "c3"));
    expect(await startThroughFifo(root, "c3")).toBe(false);
  });
});
