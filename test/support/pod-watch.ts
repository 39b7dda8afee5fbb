// `kubectl get pods -w` for the orchestration tests: every event on the pods of a selector, in
// the order kubectl saw them, so that a test can check what was live, Ready or gone at each step
// of a rollout or an eviction.
import { spawn, type ChildProcess } from "node:child_process";
import { onLines } from "./child.js";

export interface PodEvent {
  type: "ADDED" | "MODIFIED" | "DELETED";
  name: string;
  phase: string;
  /** metadata.deletionTimestamp is set. */
  deleting: boolean;
  ready: boolean;
  image: string;
  /** The reason of a DisruptionTarget condition (EvictionByEvictionAPI…), or "". */
  disruption: string;
}

const FIELDS = [
  "{.type}",
  "{.object.metadata.name}",
  "{.object.status.phase}",
  "{.object.metadata.deletionTimestamp}",
  '{.object.status.conditions[?(@.type=="Ready")].status}',
  "{.object.spec.containers[0].image}",
  '{.object.status.conditions[?(@.type=="DisruptionTarget")].reason}',
].join("|");

export class PodWatch {
  readonly events: PodEvent[] = [];
  readonly #child: ChildProcess;
  readonly #listeners = new Set<(e: PodEvent) => void>();

  private constructor(child: ChildProcess) {
    this.#child = child;
    onLines(child.stdout as NodeJS.ReadableStream, (line) => {
      const [type, name, phase, deletion, ready, image, disruption] = line.trim().split("|");
      if (!name || (type !== "ADDED" && type !== "MODIFIED" && type !== "DELETED")) return;
      const e: PodEvent = {
        type,
        name,
        phase: phase ?? "",
        deleting: (deletion ?? "") !== "",
        ready: ready === "True",
        image: image ?? "",
        disruption: disruption ?? "",
      };
      this.events.push(e);
      for (const l of this.#listeners) l(e);
    });
  }

  /** Starts watching the pods of `selector`; resolves once kubectl has had time to list them. */
  static async start(env: NodeJS.ProcessEnv, selector: string): Promise<PodWatch> {
    const child = spawn(
      "kubectl",
      ["get", "pods", "-l", selector, "-w", "--output-watch-events", "-o", `jsonpath=${FIELDS}{"\\n"}`],
      { env, stdio: ["ignore", "pipe", "inherit"] },
    );
    const watch = new PodWatch(child);
    await new Promise((r) => setTimeout(r, 1000));
    return watch;
  }

  /** Calls `fn` with every later event and with the state of every pod after it. */
  onEvent(fn: (e: PodEvent, pods: ReadonlyMap<string, PodEvent>) => void): void {
    const pods = this.state();
    this.#listeners.add((e) => {
      if (e.type === "DELETED") pods.delete(e.name);
      else pods.set(e.name, e);
      fn(e, pods);
    });
  }

  /** The last event of each pod that is not DELETED. */
  state(): Map<string, PodEvent> {
    const pods = new Map<string, PodEvent>();
    for (const e of this.events) {
      if (e.type === "DELETED") pods.delete(e.name);
      else pods.set(e.name, e);
    }
    return pods;
  }

  stop(): void {
    this.#child.kill("SIGTERM");
  }
}
