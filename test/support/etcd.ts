// A private etcd member (Debian's etcd-server, 3.4) on free ports and a temp data dir, for the
// storage tests, the API e2e tests on etcd and the benchmarks.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, killOnExit, onLines, stopChild, waitForHttp } from "./child.js";
import { findTool } from "./tools.js";

export interface EtcdMember {
  /** The client URL: `http://127.0.0.1:PORT`. */
  readonly endpoint: string;
  /** What `skiff server --datastore` takes: `etcd://127.0.0.1:PORT`. */
  readonly datastore: string;
  /** The process, for memory figures. */
  readonly pid: number;
  stop(): Promise<void>;
}

export async function startEtcd(): Promise<EtcdMember> {
  const binary = findTool("etcd");
  if (binary === undefined) throw new Error("etcd not found; apt-get install etcd-server");
  const dir = await mkdtemp(join(tmpdir(), "skiff-etcd-"));
  const [client, peer] = [await freePort(), await freePort()];
  const endpoint = `http://127.0.0.1:${client}`;
  const peerUrl = `http://127.0.0.1:${peer}`;
  const child = spawn(
    binary,
    [
      "--name",
      "default",
      "--data-dir",
      join(dir, "data"),
      "--listen-client-urls",
      endpoint,
      "--advertise-client-urls",
      endpoint,
      "--listen-peer-urls",
      peerUrl,
      "--initial-advertise-peer-urls",
      peerUrl,
      "--initial-cluster",
      `default=${peerUrl}`,
      "--log-level",
      "error",
    ],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ETCD_UNSUPPORTED_ARCH: process.arch === "x64" ? "" : process.arch },
    },
  );
  killOnExit(child);
  const logs: string[] = [];
  onLines(child.stdout, (l) => logs.push(l));
  onLines(child.stderr, (l) => logs.push(l));
  const stop = async (): Promise<void> => {
    await stopChild(child, "SIGTERM");
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`${endpoint}/health`, {
      statuses: [200],
      timeoutMs: 20_000,
      failed: () =>
        child.exitCode !== null || child.signalCode !== null
          ? `etcd exited (${child.exitCode ?? child.signalCode}):\n${logs.slice(-20).join("\n")}`
          : undefined,
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint, datastore: `etcd://127.0.0.1:${client}`, pid: child.pid ?? 0, stop };
}
