// Engine benchmark: the same docker CLI pointed first at Skiff's engine and then at dockerd
// (Debian docker.io, with its own containerd), same busybox image, same machine. Run on demand:
//   npx tsx bench/engine.ts [--runs 30] [--detached 50] [--only skiff|docker]
// Measures `docker run --rm busybox true` wall time (median, p95), the time to start N
// detached containers one after another, and the resident memory of the engine with those
// N containers running (Skiff + its conmons vs dockerd + containerd + shims). Both engines run
// at once and every command goes to each in turn, so a busy machine slows both alike; the
// load average before and after is printed and recorded. Prints a Markdown table with ratios
// and writes bench/results/engine-<date>.json.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { busyboxRootfsTar } from "../test/support/busybox-image.js";
import { dockerCli, startEngineServer, type EngineServer } from "../test/support/engine-server.js";
import { requireTool, run, runOk } from "../test/support/tools.js";
import { startDockerd, type Dockerd } from "./lib/dockerd.js";
import { engineMemory } from "./lib/process-tree.js";
import { median, p95 } from "./lib/stats.js";
import { fmt, markdownTable } from "./lib/table.js";
import { numberFlag } from "./lib/flags.js";

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "30" },
    detached: { type: "string", default: "50" },
    only: { type: "string" },
  },
});
const RUNS = numberFlag("runs", args.runs);
const DETACHED = numberFlag("detached", args.detached, { min: 0 });

interface EngineResult {
  runMs: number[];
  detachedMs: number;
  memory: { totalMiB: number; byName: Record<string, { count: number; mib: number }> };
  idleMiB: number;
}

interface Target {
  name: "skiff" | "docker";
  env: NodeJS.ProcessEnv;
  /** Selects the engine's own processes (not the containers'). */
  owns(p: { pid: number; comm: string; cmdline: string }): boolean;
  stop(): Promise<void>;
}

const docker = dockerCli();
const log = (msg: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);

async function skiffTarget(): Promise<Target> {
  // The engine as dockerd is one: `skiff server` without its Kubernetes API face (which
  // is measured on its own); the registry face stays, as it is always there.
  const engine: EngineServer = await startEngineServer({ logLevel: "warn", args: ["--no-api"] });
  const execRoot = join(engine.socketPath, "..", "run");
  return {
    name: "skiff",
    env: engine.dockerEnv,
    owns: (p) => p.pid === engine.server.pid || (p.comm === "conmon" && p.cmdline.includes(execRoot)),
    stop: () => engine.stop(),
  };
}

async function dockerTarget(): Promise<Target> {
  const dockerd: Dockerd = await startDockerd();
  const work = join(dockerd.socketPath, "..");
  const env = {
    ...process.env,
    DOCKER_HOST: `unix://${dockerd.socketPath}`,
    DOCKER_CONFIG: join(work, "config"),
  };
  return {
    name: "docker",
    env,
    owns: (p) =>
      p.pid === dockerd.pid ||
      (["containerd", "containerd-shim-runc-v2", "containerd-shim", "docker-proxy"].includes(p.comm) &&
        p.cmdline.includes(work)),
    async stop() {
      const ids = await run(docker, ["ps", "-aq"], { env });
      const list = ids.stdout.split("\n").filter(Boolean);
      if (list.length > 0) await run(docker, ["rm", "-f", ...list], { env, timeoutMs: 120_000 });
      await dockerd.stop();
    },
  };
}

/** Runs `docker ARGS` against a target and returns the wall time in ms. */
async function timed(target: Target, args: string[]): Promise<number> {
  const started = performance.now();
  await runOk(docker, args, { env: target.env, timeoutMs: 120_000 });
  return performance.now() - started;
}

/**
 * Measures all targets side by side: each `docker run --rm` and each detached start goes to
 * the targets in turn (the order alternating), so that the load of a shared machine weighs on
 * both alike.
 */
async function measure(targets: Target[], tar: string): Promise<Map<Target, EngineResult>> {
  const results = new Map<Target, EngineResult>();
  for (const target of targets) {
    await timed(target, ["import", tar, "busybox:latest"]);
    await timed(target, ["run", "--rm", "busybox", "true"]); // warm: layers unpacked, caches filled
    const idleMiB = (await engineMemory(target.owns)).totalMiB;
    results.set(target, { runMs: [], detachedMs: 0, memory: { totalMiB: 0, byName: {} }, idleMiB });
  }
  const inTurn = (i: number): Target[] => (i % 2 === 0 ? targets : [...targets].reverse());
  for (let i = 0; i < RUNS; i++) {
    for (const target of inTurn(i)) {
      results.get(target)?.runMs.push(await timed(target, ["run", "--rm", "busybox", "true"]));
    }
  }
  for (const [target, r] of results) log(`${target.name}: run --rm true median ${fmt(median(r.runMs))} ms`);
  for (let i = 0; i < DETACHED; i++) {
    for (const target of inTurn(i)) {
      const r = results.get(target) as EngineResult;
      r.detachedMs += await timed(target, ["run", "-d", "busybox", "sleep", "3600"]);
    }
  }
  for (const [target, r] of results) log(`${target.name}: ${DETACHED} detached in ${fmt(r.detachedMs)} ms`);
  await new Promise((r) => setTimeout(r, 2000)); // let the processes settle
  for (const [target, r] of results) {
    r.memory = await engineMemory(target.owns);
    log(
      `${target.name}: memory with ${DETACHED} containers ${fmt(r.memory.totalMiB)} MiB ${JSON.stringify(r.memory.byName)}`,
    );
  }
  return results;
}

async function main(): Promise<void> {
  for (const tool of ["docker", "runc", "conmon", "busybox", "dockerd"]) requireTool(tool);
  const work = await mkdtemp(join(tmpdir(), "skiff-bench-engine-"));
  const tar = await busyboxRootfsTar(work);
  const results: Partial<Record<Target["name"], EngineResult>> = {};
  const loadBefore = loadavg();
  const targets: Target[] = [];
  try {
    const starters = { skiff: skiffTarget, docker: dockerTarget } as const;
    for (const [name, start] of Object.entries(starters)) {
      if (args.only === undefined || args.only === name) targets.push(await start());
    }
    for (const [target, r] of await measure(targets, tar)) results[target.name] = r;
  } finally {
    for (const target of targets) await target.stop();
    await rm(work, { recursive: true, force: true });
  }
  const load = { before: loadBefore.map((l) => fmt(l, 2)), after: loadavg().map((l) => fmt(l, 2)) };
  log(`load average before ${load.before.join(" ")}, after ${load.after.join(" ")}`);
  const s = results.skiff;
  const k = results.docker;
  const ratio = (a?: number, b?: number) => (a !== undefined && b !== undefined ? `${fmt(a / b, 2)}×` : "–");
  const rows = [
    [
      "`docker run --rm busybox true`, median (ms)",
      fmt(s && median(s.runMs)),
      fmt(k && median(k.runMs)),
      ratio(s && median(s.runMs), k && median(k.runMs)),
      "≤ 0.5×",
    ],
    [
      "`docker run --rm busybox true`, p95 (ms)",
      fmt(s && p95(s.runMs)),
      fmt(k && p95(k.runMs)),
      ratio(s && p95(s.runMs), k && p95(k.runMs)),
      "",
    ],
    [
      `start ${DETACHED} detached containers (s)`,
      fmt(s && s.detachedMs / 1000, 2),
      fmt(k && k.detachedMs / 1000, 2),
      ratio(s?.detachedMs, k?.detachedMs),
      "≤ 0.4×",
    ],
    [
      `engine memory with ${DETACHED} containers (MiB)`,
      fmt(s?.memory.totalMiB),
      fmt(k?.memory.totalMiB),
      ratio(s?.memory.totalMiB, k?.memory.totalMiB),
      "≤ 0.25×",
    ],
    ["engine memory idle (MiB)", fmt(s?.idleMiB), fmt(k?.idleMiB), ratio(s?.idleMiB, k?.idleMiB), ""],
  ];
  console.log(markdownTable(["measure", "Skiff", "Docker", "ratio", "target"], rows));
  const resultsDir = fileURLToPath(new URL("./results/", import.meta.url));
  await mkdir(resultsDir, { recursive: true });
  const file = join(resultsDir, `engine-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  await writeFile(file, JSON.stringify({ runs: RUNS, detached: DETACHED, load, results }, null, 2));
  log(`results written to ${file}`);
}

await main();
