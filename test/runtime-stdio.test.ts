// Runtime stdio and introspection against real containers: attach before start, stdin through
// attach (pipe and TTY), closing stdin, pty resize, exec with a TTY, stats and top.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { pino } from "pino";
import { requireTool } from "./support/tools.js";
import { Runtime, readLogs, readStats, type AttachStream } from "../src/runtime/runtime.js";
import { requireRoot, runtimeSuite } from "./runtime-fixture.js";

const ready = requireTool("runc") && requireTool("conmon") && requireTool("busybox") && requireRoot();

/** Collects an attach stream's output per stream until it closes. */
function record(stream: AttachStream): { out: () => string; err: () => string; closed: Promise<void> } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stream.on("data", (s, d) => (s === "stdout" ? out : err).push(d));
  const closed = new Promise<void>((resolve) => stream.once("close", resolve));
  return { out: () => Buffer.concat(out).toString(), err: () => Buffer.concat(err).toString(), closed };
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!ready)("Runtime stdio, exec, stats and top", () => {
  const suite = runtimeSuite();
  const fixture = suite.fixture;

  it("attached before start, gets stdout and stderr apart, then close", async () => {
    const f = fixture(["sh", "-c", "echo out; echo err >&2"]);
    await suite.runtime.create(f.id, f.create);
    const stream = await suite.runtime.attach(f.create.bundleDir);
    const rec = record(stream);
    await suite.runtime.start(f.id);
    await rec.closed;
    expect(rec.out()).toBe("out\n");
    expect(rec.err()).toBe("err\n");
    expect((await suite.runtime.waitExit(f.create.exitDir, f.id)).exitCode).toBe(0);
  });

  it("follows a running container's log until it exits, from a new Runtime too", async () => {
    const f = fixture(["sh", "-c", "for i in 1 2 3; do echo line$i; sleep 0.2; done; echo bye >&2"]);
    await suite.runtime.create(f.id, f.create);
    await suite.runtime.start(f.id);
    const again = new Runtime({ execRoot: suite.runtime.execRoot, logger: pino({ level: "silent" }) });
    const attached = record(await again.attach(f.create.bundleDir));
    const exited = again.waitExit(f.create.exitDir, f.id);
    const lines: string[] = [];
    for await (const e of readLogs(f.create.logPath, { follow: true, stopWhen: exited })) {
      lines.push(`${e.stream}:${e.line.toString()}`);
    }
    expect(lines).toEqual(["stdout:line1\n", "stdout:line2\n", "stdout:line3\n", "stderr:bye\n"]);
    await attached.closed;
    expect(attached.err()).toBe("bye\n");
  });

  it("passes stdin through attach; closing stdin ends the container's input", async () => {
    const f = fixture(["sh", "-c", "read line; echo got:$line; cat; echo done"], { stdin: true });
    await suite.runtime.create(f.id, { ...f.create, leaveStdinOpen: false });
    const stream = await suite.runtime.attach(f.create.bundleDir);
    const rec = record(stream);
    await suite.runtime.start(f.id);
    stream.write(Buffer.from("hello\n"));
    await until(() => rec.out().includes("got:hello"));
    stream.write(Buffer.from("more\n"));
    stream.closeStdin();
    await rec.closed;
    expect(rec.out()).toBe("got:hello\nmore\ndone\n");
    expect((await suite.runtime.waitExit(f.create.exitDir, f.id)).exitCode).toBe(0);
  });

  it("runs a TTY container that answers input and follows resizes", async () => {
    const f = fixture(["sh"], { tty: true, stdin: true });
    await suite.runtime.create(f.id, f.create);
    const stream = await suite.runtime.attach(f.create.bundleDir);
    const rec = record(stream);
    await suite.runtime.start(f.id);
    await suite.runtime.resize(f.create.bundleDir, { height: 33, width: 101 });
    stream.write(Buffer.from("stty size; tty; echo $((6*7))\n"));
    await until(() => rec.out().includes("42"));
    const out = rec.out();
    expect(out).toContain("33 101");
    expect(out).toContain("/dev/pts/0");
    expect(rec.err()).toBe(""); // a TTY has one stream
    stream.write(Buffer.from("exit 5\n"));
    expect((await suite.runtime.waitExit(f.create.exitDir, f.id)).exitCode).toBe(5);
  });

  it("execs with a TTY and with stdin; reports top and stats", async () => {
    const f = fixture(["sh", "-c", "while true; do sleep 1; done"]);
    await suite.runtime.create(f.id, f.create);
    await suite.runtime.start(f.id);

    const tty = await suite.runtime.exec(f.id, {
      process: { ...f.create.spec.process, terminal: true, args: ["sh"] },
      tty: true,
      stdin: true,
      execDir: join(suite.base, `exec-tty-${f.id}`),
    });
    const ttyRec = record(tty.stream as AttachStream);
    await suite.runtime.resize(tty.execDir, { height: 20, width: 70 });
    tty.stream?.write(Buffer.from("stty size; exit 9\n"));
    expect((await tty.wait()).exitCode).toBe(9);
    expect(ttyRec.out()).toContain("20 70");
    await tty.cleanup();

    const piped = await suite.runtime.exec(f.id, {
      process: { ...f.create.spec.process, args: ["sh", "-c", "cat; echo bye >&2"] },
      tty: false,
      stdin: true,
      execDir: join(suite.base, `exec-pipe-${f.id}`),
    });
    const pipedRec = record(piped.stream as AttachStream);
    piped.stream?.write(Buffer.from("ping\n"));
    piped.stream?.closeStdin();
    expect((await piped.wait()).exitCode).toBe(0);
    await until(() => pipedRec.err() === "bye\n");
    expect(pipedRec.out()).toBe("ping\n");
    await piped.cleanup();

    const top = await suite.runtime.top(f.id);
    expect(top.Titles).toContain("PID");
    expect(top.Titles).toContain("CMD");
    expect(top.Processes.some((p) => p.at(-1)?.includes("while true"))).toBe(true);
    const custom = await suite.runtime.top(f.id, "-o pid,comm");
    expect(custom.Titles).toEqual(["PID", "COMMAND"]);

    const state = await suite.runtime.state(f.id);
    const first = await readStats(f.create.spec.linux.cgroupsPath ?? "", {
      pid: state?.pid,
      id: f.id,
      name: "/t",
    });
    await new Promise((r) => setTimeout(r, 300));
    const second = await readStats(f.create.spec.linux.cgroupsPath ?? "", {
      pid: state?.pid,
      previous: first,
    });
    expect(second.memory_stats.usage).toBeGreaterThan(0);
    expect(second.memory_stats.limit).toBeGreaterThan(0);
    expect(second.cpu_stats.cpu_usage.total_usage).toBeGreaterThan(0);
    expect(second.cpu_stats.online_cpus).toBeGreaterThan(0);
    expect(second.cpu_stats.system_cpu_usage).toBeGreaterThan(second.precpu_stats.system_cpu_usage);
    expect(second.pids_stats.current).toBeGreaterThanOrEqual(1);
    expect(second.networks).toEqual({}); // an empty namespace: only loopback, left out
    expect(second.preread).toBe(first.read);
    await suite.runtime.kill(f.id, "KILL");
    await suite.runtime.waitExit(f.create.exitDir, f.id);
  });
});
