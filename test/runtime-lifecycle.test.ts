// Runtime (conmon + runc) against real containers: a busybox rootfs made from the host's static
// busybox, create/start/wait with exit codes and logs, kill, state, delete, a new Runtime after a
// "server restart", OOM kills, and the latency of a `true` container.
import { describe, expect, it } from "vitest";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pino } from "pino";
import { requireTool } from "./support/tools.js";
import { Runtime } from "../src/runtime/runtime.js";
import { readLogs, type LogEntry } from "../src/runtime/logs.js";
import { buildSpec, readHostRlimits } from "../src/runtime/spec.js";
import { requireRoot, runtimeSuite } from "./runtime-fixture.js";

const ready = requireTool("runc") && requireTool("conmon") && requireTool("busybox") && requireRoot();

describe.skipIf(!ready)("Runtime lifecycle (runc + conmon)", () => {
  const suite = runtimeSuite();
  const fixture = suite.fixture;

  async function collect(path: string): Promise<LogEntry[]> {
    const out: LogEntry[] = [];
    for await (const e of readLogs(path, { follow: false })) out.push(e);
    return out;
  }

  it("runs a container to its exit code, with stdout and stderr in the log", async () => {
    const f = fixture(["sh", "-c", "echo hello; echo err >&2; exit 3"]);
    const { pid } = await suite.runtime.create(f.id, f.create);
    expect(pid).toBeGreaterThan(1);
    expect((await suite.runtime.state(f.id))?.status).toBe("created");
    await suite.runtime.start(f.id);
    const exit = await suite.runtime.waitExit(f.create.exitDir, f.id, undefined, {
      persistDir: f.create.persistDir,
    });
    expect(exit.exitCode).toBe(3);
    expect(exit.oomKilled).toBe(false);
    expect(exit.finishedAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect((await suite.runtime.state(f.id))?.status).toBe("stopped");
    const logs = await collect(f.create.logPath);
    expect(logs.map((e) => [e.stream, e.line.toString()])).toEqual([
      ["stdout", "hello\n"],
      ["stderr", "err\n"],
    ]);
    await suite.runtime.delete(f.id, { force: false });
    expect(await suite.runtime.state(f.id)).toBeUndefined();
  });

  it("runs under the seccomp filter, as an unprivileged user when asked", async () => {
    const f = fixture(["sh", "-c", "grep ^Seccomp: /proc/self/status; id -u; id -g"]);
    f.create.spec.process.user = { uid: 1000, gid: 1000, additionalGids: [50] };
    await suite.runtime.create(f.id, f.create);
    await suite.runtime.start(f.id);
    expect((await suite.runtime.waitExit(f.create.exitDir, f.id)).exitCode).toBe(0);
    const out = (await collect(f.create.logPath)).map((e) => e.line.toString()).join("");
    expect(out).toMatch(/^Seccomp:\s+2\n1000\n1000\n$/);
  });

  it("honours a read-only rootfs, bind mounts, tmpfs, hostname and the host's network", async () => {
    const shared = join(suite.base, `shared-${Date.now()}`);
    await mkdir(shared);
    await writeFile(join(shared, "in.txt"), "from host\n");
    const f = fixture([
      "sh",
      "-c",
      [
        "cat /ro/in.txt",
        "echo written > /rw/out.txt",
        "touch /ro/x 2>/dev/null && echo ro-writable",
        "touch /etc/x 2>/dev/null && echo rootfs-writable",
        "echo t > /scratch/t && echo tmpfs-ok",
        "hostname",
        "ls /sys/class/net | grep -qx lo && echo sys-ok",
      ].join("; "),
    ]);
    f.create.spec = buildSpec({
      rootfs: suite.rootfs,
      readonlyRootfs: true,
      args: f.create.spec.process.args,
      env: f.create.spec.process.env,
      user: { uid: 0, gid: 0 },
      terminal: false,
      hostname: "skiffhost",
      mounts: [
        { source: shared, destination: "/ro", readonly: true },
        { source: shared, destination: "/rw", readonly: false },
      ],
      tmpfs: [{ destination: "/scratch", options: ["size=1m"] }],
      cgroupsPath: f.create.spec.linux.cgroupsPath,
      hostRlimits: readHostRlimits(),
    });
    await suite.runtime.create(f.id, f.create);
    await suite.runtime.start(f.id);
    expect((await suite.runtime.waitExit(f.create.exitDir, f.id)).exitCode).toBe(0);
    const out = (await collect(f.create.logPath)).map((e) => e.line.toString()).join("");
    expect(out).toBe("from host\ntmpfs-ok\nskiffhost\nsys-ok\n");
    expect(await readFile(join(shared, "out.txt"), "utf8")).toBe("written\n");
  });

  it("reports runc's error when the command does not exist", async () => {
    const f = fixture(["/no/such/binary"]);
    let error: unknown;
    try {
      await suite.runtime.create(f.id, f.create);
      await suite.runtime.start(f.id);
    } catch (err) {
      error = err;
    }
    expect(String(error)).toMatch(/no such file or directory/);
  });

  it("runs the same container again after delete: the log is appended, the old exit is not reused", async () => {
    const f = fixture(["sh", "-c", "echo run; exit 2"]);
    for (let i = 0; i < 2; i++) {
      await suite.runtime.create(f.id, f.create);
      await suite.runtime.start(f.id);
      expect((await suite.runtime.waitExit(f.create.exitDir, f.id)).exitCode).toBe(2);
      await suite.runtime.delete(f.id, { force: false });
    }
    expect((await collect(f.create.logPath)).map((e) => e.line.toString())).toEqual(["run\n", "run\n"]);
  });

  it("kills with SIGTERM and SIGKILL; exit codes are 128+signal", async () => {
    const term = fixture(["sh", "-c", "trap 'exit 7' TERM; while true; do sleep 0.1; done"]);
    await suite.runtime.create(term.id, term.create);
    await suite.runtime.start(term.id);
    expect((await suite.runtime.state(term.id))?.status).toBe("running");
    await new Promise((r) => setTimeout(r, 200)); // let sh install its trap
    await suite.runtime.kill(term.id, "SIGTERM");
    expect((await suite.runtime.waitExit(term.create.exitDir, term.id)).exitCode).toBe(7);

    const kill = fixture(["sleep", "1000"]);
    await suite.runtime.create(kill.id, kill.create);
    await suite.runtime.start(kill.id);
    await suite.runtime.kill(kill.id, "KILL", { all: true });
    expect((await suite.runtime.waitExit(kill.create.exitDir, kill.id)).exitCode).toBe(137);
  });

  it("lets a new Runtime (after a server restart) wait for, exec in and kill a container", async () => {
    const f = fixture(["sleep", "1000"]);
    await suite.runtime.create(f.id, f.create);
    await suite.runtime.start(f.id);
    const again = new Runtime({ execRoot: suite.runtime.execRoot, logger: pino({ level: "silent" }) });
    expect((await again.state(f.id))?.status).toBe("running");
    const exec = await again.exec(f.id, {
      process: { ...f.create.spec.process, args: ["sh", "-c", "echo from-exec; exit 4"], terminal: false },
      tty: false,
      stdin: false,
      execDir: join(suite.base, `exec-${f.id}`),
    });
    const chunks: Buffer[] = [];
    exec.stream?.on("data", (_s, d) => chunks.push(d));
    expect((await exec.wait()).exitCode).toBe(4);
    expect(Buffer.concat(chunks).toString()).toBe("from-exec\n");
    await exec.cleanup();
    const waiting = again.waitExit(f.create.exitDir, f.id);
    await again.kill(f.id, "SIGKILL");
    expect((await waiting).exitCode).toBe(137);
  });

  it("ends the wait with 255 when conmon dies without writing the exit file", async () => {
    const f = fixture(["sleep", "1000"]);
    await suite.runtime.create(f.id, f.create);
    await suite.runtime.start(f.id);
    const conmonPid = await suite.runtime.conmonPid(f.create.bundleDir);
    expect(conmonPid).toBeGreaterThan(1);
    process.kill(conmonPid ?? 0, "SIGKILL");
    const exit = await suite.runtime.waitExit(f.create.exitDir, f.id, undefined, {
      bundleDir: f.create.bundleDir,
    });
    expect(exit.exitCode).toBe(255);
    await suite.runtime.delete(f.id, { force: true });
  });

  it("pauses and resumes", async () => {
    const f = fixture(["sleep", "1000"]);
    await suite.runtime.create(f.id, f.create);
    await suite.runtime.start(f.id);
    await suite.runtime.pause(f.id);
    expect((await suite.runtime.state(f.id))?.status).toBe("paused");
    await suite.runtime.resume(f.id);
    expect((await suite.runtime.state(f.id))?.status).toBe("running");
    await suite.runtime.kill(f.id, "9");
    expect((await suite.runtime.waitExit(f.create.exitDir, f.id)).exitCode).toBe(137);
  });

  it("fails an exec of a missing command with runc's message", async () => {
    const f = fixture(["sleep", "1000"]);
    await suite.runtime.create(f.id, f.create);
    await suite.runtime.start(f.id);
    const execDir = join(suite.base, `exec-missing-${f.id}`);
    await expect(
      suite.runtime.exec(f.id, {
        process: { ...f.create.spec.process, args: ["no-such-command"] },
        tty: false,
        stdin: false,
        execDir,
      }),
    ).rejects.toThrow(/executable file not found in \$PATH/);
    await suite.runtime.kill(f.id, "KILL");
    await suite.runtime.waitExit(f.create.exitDir, f.id);
  });

  it("reports an OOM kill when the container exceeds its memory limit", async () => {
    const f = fixture(["sh", "-c", "head -c 200m /dev/zero | tail > /dev/null"], {
      memoryBytes: 32 * 1024 * 1024,
    });
    await suite.runtime.create(f.id, f.create);
    await suite.runtime.start(f.id);
    const exit = await suite.runtime.waitExit(f.create.exitDir, f.id, undefined, {
      persistDir: f.create.persistDir,
    });
    expect(exit.oomKilled).toBe(true);
    expect(exit.exitCode).not.toBe(0);
  });

  it("creates, starts and finishes a `true` container quickly", async () => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const f = fixture(["true"]);
      const t0 = performance.now();
      await suite.runtime.create(f.id, f.create);
      await suite.runtime.start(f.id);
      const exit = await suite.runtime.waitExit(f.create.exitDir, f.id);
      await suite.runtime.delete(f.id, { force: false });
      times.push(performance.now() - t0);
      expect(exit.exitCode).toBe(0);
    }
    const median = [...times].sort((a, b) => a - b)[2] ?? 0;
    console.log(
      `create+start+exit+delete of \`true\`: median ${median.toFixed(1)} ms (${times.map((t) => t.toFixed(0)).join(", ")})`,
    );
    // Idle, this is 60-110 ms; the bound only catches pathologies (parallel test files share 2 cores).
    expect(median).toBeLessThan(2000);
  });
});
