// Orchestration benchmark (issue 5): Skiff (skiff server with its Kubernetes API, controllers,
// scheduler and local node agent) side by side with Docker Swarm (Debian's dockerd as a one-node
// swarm), the same busybox httpd image, the same machine, in one run. Run on demand:
//   npx tsx bench/orchestration.ts [--pods 100] [--rate 1] [--runs 10] [--heal 5] [--rounds 3]
//                                  [--only skiff|swarm]
// Measures pod startup (the pod's creation → all containers running seen on a watch / Docker's
// events; Kubernetes' SLO) for 1 pod, for --pods created at --rate per second (as
// clusterloader2's one-node test, perf-tests' testing/node-throughput, measures the SLO: 100
// pods at 1 per second, the default here) and for --pods at once (and for those, the
// Deployment / service create call → each replica running), self-healing after kill -9 and
// after a delete, scaling 3 → 30, a 3-replica rolling update, and memory with --pods running.
// Steps alternate between the orchestrators so that a busy machine weighs on both. Prints a
// Markdown table and writes bench/results/orchestration-<date>.json.
import { mkdir, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { requireTool } from "../test/support/tools.js";
import { errorLines, OrchResults, resultsTable, type Column } from "./lib/orch-report.js";
import { startSkiffTarget } from "./lib/orch-skiff.js";
import { startSwarmTarget } from "./lib/orch-swarm.js";
import type { OrchName, OrchTarget } from "./lib/orch-target.js";
import { fmt } from "./lib/table.js";
import { numberFlag } from "./lib/flags.js";

const { values: args } = parseArgs({
  options: {
    pods: { type: "string", default: "100" },
    rate: { type: "string", default: "1" },
    runs: { type: "string", default: "10" },
    heal: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    only: { type: "string" },
  },
});
const PODS = numberFlag("pods", args.pods);
const RATE = numberFlag("rate", args.rate, { fraction: true, min: 0.01 });
const RUNS = numberFlag("runs", args.runs);
const HEAL = numberFlag("heal", args.heal);
const ROUNDS = numberFlag("rounds", args.rounds);

const log = (msg: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);
const results = new OrchResults({ log });
const load = { before: loadavg(), during: [] as number[], after: [] as number[] };

/** The targets in turn, the order reversed every other round. */
const inTurn = <T>(list: T[], i: number): T[] => (i % 2 === 0 ? list : [...list].reverse());

async function startTargets(): Promise<OrchTarget[]> {
  const starters: Record<OrchName, () => Promise<OrchTarget>> = {
    skiff: () => startSkiffTarget({ log }),
    swarm: () => startSwarmTarget({ log }),
  };
  const targets: OrchTarget[] = [];
  for (const [name, start] of Object.entries(starters) as [OrchName, () => Promise<OrchTarget>][]) {
    if (args.only !== undefined && args.only !== name) continue;
    log(`${name}: starting`);
    await results.chore("start", name, async () => void targets.push(await start()));
  }
  return targets;
}

/** Self-healing: Skiff's pods against a Swarm service with its default delay and one with 0 s. */
async function healing(targets: OrchTarget[]): Promise<void> {
  const runs: { target: OrchTarget; column: Column; name: string }[] = [];
  for (const t of targets) {
    const variants: [Column, string, string | undefined][] =
      t.name === "skiff"
        ? [["skiff", "heal", undefined]]
        : [
            ["swarm", "heal", undefined],
            ["swarm-delay0", "heal0", "0s"],
          ];
    for (const [column, name, restartDelay] of variants) {
      const ok = await results.chore(`deploy ${name}`, column, () =>
        t.deploy({ name, replicas: 2 * HEAL, ...(restartDelay === undefined ? {} : { restartDelay }) }),
      );
      if (ok) runs.push({ target: t, column, name });
    }
  }
  for (const [measure, step] of [
    ["kill", "killOne"],
    ["delete", "deleteOne"],
  ] as const) {
    for (let i = 0; i < HEAL; i++) {
      for (const r of inTurn(runs, i)) await results.record(measure, r.column, () => r.target[step](r.name));
    }
  }
  for (const r of runs) await results.chore(`remove ${r.name}`, r.column, () => r.target.remove(r.name));
}

/** Scaling 3 → 30 (and back, untimed) and rolling updates of 3 replicas between two tags. */
async function scaling(targets: OrchTarget[]): Promise<void> {
  const ready: OrchTarget[] = [];
  for (const t of targets) {
    const ok =
      (await results.chore("deploy scale", t.name, () => t.deploy({ name: "scale", replicas: 3 }))) &&
      (await results.chore("deploy roll", t.name, () => t.deploy({ name: "roll", replicas: 3 })));
    if (ok) ready.push(t);
  }
  for (let i = 0; i < ROUNDS; i++) {
    for (const t of inTurn(ready, i)) {
      await results.record("scale", t.name, () => t.scale("scale", 30));
      await results.chore("scale back to 3", t.name, async () => void (await t.scale("scale", 3)));
    }
    for (const t of inTurn(ready, i))
      await results.record("update", t.name, () => t.update("roll", i % 2 === 0 ? 2 : 1));
  }
  for (const t of targets) {
    for (const name of ["scale", "roll"]) await results.chore(`remove ${name}`, t.name, () => t.remove(name));
  }
}

async function main(): Promise<void> {
  for (const tool of ["docker", "dockerd", "runc", "conmon", "busybox", "kubectl"]) requireTool(tool);
  const targets = await startTargets();
  try {
    for (let i = 0; i < RUNS; i++) {
      for (const t of inTurn(targets, i))
        await results.record("start1", t.name, () => t.startOne(`one-${i}`));
    }
    for (const t of targets) await results.record("paced", t.name, () => t.startPaced("paced", PODS, RATE));
    await healing(targets);
    load.during.push(loadavg()[0] ?? 0);
    await scaling(targets);
    load.during.push(loadavg()[0] ?? 0);
    for (const t of targets) {
      await results.record("startMany", t.name, async () => {
        const r = await t.startMany("many", PODS);
        results.add("podSlo", t.name, r.sinceReplica);
        return r.sinceWorkload;
      });
    }
    // Memory with the pods running, not in the wake of starting them: both sides get 10 s to
    // settle (status updates, GC) first.
    await new Promise((r) => setTimeout(r, 10_000));
    for (const t of targets) {
      await results.chore("memory", t.name, async () => {
        const m = await t.memory();
        results.memory[t.name] = m;
        log(
          `${t.name}: memory with ${PODS} pods: server ${fmt(m.serverMiB)} MiB, helpers ${fmt(m.helpersMiB)} MiB ${JSON.stringify(m.byName)}`,
        );
      });
    }
    for (const t of targets) await results.chore("remove many", t.name, () => t.remove("many"));
  } finally {
    for (const t of targets) await results.chore("stop", t.name, () => t.stop());
  }
  load.after = loadavg();
  const loads = `load average before ${load.before.map((l) => fmt(l, 2)).join(" ")}, during ${load.during.map((l) => fmt(l, 2)).join(" ")}, after ${load.after.map((l) => fmt(l, 2)).join(" ")}`;
  console.log(resultsTable(results, { many: PODS, perSecond: RATE }));
  console.log(
    `\nSwarm: services on one node with its defaults (restart delay 5 s, update parallelism 1, delay 0 s, ` +
      `order stop-first, monitor 5 s) but a stop grace period of 1 s as Skiff's pods have, ` +
      `DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 (no registry pull per task). ` +
      `Pod startup: the pod's creation (first seen on the watch; Swarm: the task's CreatedAt) → its container running; ` +
      `at ${RATE}/s: each bare pod's (Swarm: 1-replica service's) create call → its container running. ` +
      `Skiff: Deployments with Kubernetes' defaults (RollingUpdate maxSurge 25%, maxUnavailable 25%), no probes. ` +
      `${RUNS} single starts, ${HEAL} heals each, ${ROUNDS} scale/update rounds; ${loads}.`,
  );
  const errors = errorLines(results);
  if (errors.length > 0) console.log(`\nFailed steps:\n${errors.join("\n")}`);
  const resultsDir = fileURLToPath(new URL("./results/", import.meta.url));
  await mkdir(resultsDir, { recursive: true });
  const file = join(resultsDir, `orchestration-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  const { samples, memory, choreErrors } = results;
  await writeFile(
    file,
    JSON.stringify(
      { pods: PODS, rate: RATE, runs: RUNS, heal: HEAL, rounds: ROUNDS, load, samples, memory, choreErrors },
      null,
      2,
    ),
  );
  log(`results written to ${file}`);
}

await main();
