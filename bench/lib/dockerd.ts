// The peer of the engine benchmarks: Debian's dockerd (with the containerd it starts itself)
// on private directories and a private socket, so it never touches a system Docker.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { killOnExit, onLines, stopChild } from "../../test/support/child.js";

export interface Dockerd {
  socketPath: string;
  pid: number;
  logs: string[];
  stop(): Promise<void>;
}

export interface DockerdOptions {
  /** Extra environment for dockerd (on top of this process's). */
  env?: NodeJS.ProcessEnv;
}

export async function startDockerd(o: DockerdOptions = {}): Promise<Dockerd> {
  const work = await mkdtemp(join(tmpdir(), "skiff-bench-dockerd-"));
  const socketPath = join(work, "docker.sock");
  const child = spawn(
    "dockerd",
    [
      "--data-root",
      join(work, "data"),
      "--exec-root",
      join(work, "exec"),
      "--pidfile",
      join(work, "dockerd.pid"),
      "-H",
      `unix://${socketPath}`,
      "--storage-driver",
      "overlay2",
    ],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...o.env } },
  );
  killOnExit(child);
  const logs: string[] = [];
  onLines(child.stdout, (l) => logs.push(l));
  onLines(child.stderr, (l) => logs.push(l));
  const deadline = Date.now() + 30_000;
  while (!(await ping(socketPath))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stopChild(child, "SIGKILL");
      throw new Error(`dockerd did not start:\n${logs.slice(-20).join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    socketPath,
    pid: child.pid ?? -1,
    logs,
    async stop() {
      await stopChild(child, "SIGTERM", 20_000);
      await rm(work, { recursive: true, force: true });
    },
  };
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: "/_ping", timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}
