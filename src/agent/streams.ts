// PodStreams on the node: `kubectl logs` from the engine's CRI log of the pod's current (or,
// with --previous, the previous) container, `kubectl exec` as an engine exec with stdin, tty
// and resize, `kubectl port-forward` as a TCP connection from the host to the pod's IP.
// Which engine container is a pod's container comes from the `locate` function (normally
// containerLocator over the PodRuntime's records).
import { connect, type Socket } from "node:net";
import { PassThrough, Readable, Writable, type Duplex } from "node:stream";
import { ApiError, badRequest } from "../api/errors.js";
import type { ExecRequest, ExecSession, PodLogOptions, PodStreams } from "../api/streams.js";
import type { KubeObject } from "../api/types.js";
import type { ContainerService } from "../runtime/containers.js";
import type { ContainerRecord } from "./pod-runtime.js";
import { engineLogOptions, podLogBytes } from "./streams-logs.js";
import { podSpec, podStatus } from "./runtime-types.js";

/** The engine ids of a pod container's latest attempt and the one before it. */
export interface LocatedContainer {
  current?: string;
  previous?: string;
}
export type ContainerLocate = (pod: KubeObject, container: string) => LocatedContainer;

export type StreamContainers = Pick<
  ContainerService,
  "logs" | "inspect" | "execCreate" | "execStart" | "execInspect" | "execResize"
>;

/** The locator over a runtime's records: the highest attempt is current, the next one previous. */
export function containerLocator(list: () => ContainerRecord[]): ContainerLocate {
  return (pod, container) => {
    const attempts = list()
      .filter((r) => r.podUid === pod.metadata.uid && r.name === container)
      .sort((a, b) => b.attempt - a.attempt);
    return {
      ...(attempts[0] !== undefined ? { current: attempts[0].id } : {}),
      ...(attempts[1] !== undefined ? { previous: attempts[1].id } : {}),
    };
  };
}

export class AgentPodStreams implements PodStreams {
  readonly #containers: StreamContainers;
  readonly #locate: ContainerLocate;
  readonly #now: () => Date;

  constructor(o: { containers: StreamContainers; locate: ContainerLocate; now?: () => Date }) {
    this.#containers = o.containers;
    this.#locate = o.locate;
    this.#now = o.now ?? (() => new Date());
  }

  async logs(pod: KubeObject, o: PodLogOptions, signal: AbortSignal): Promise<Readable> {
    this.#checkName(pod, o.container);
    const found = this.#locate(pod, o.container);
    const id = o.previous ? found.previous : found.current;
    if (id === undefined) {
      if (o.previous) {
        throw new ApiError(
          "NotFound",
          `previous terminated container "${o.container}" in pod "${pod.metadata.name ?? ""}" not found`,
        );
      }
      throw badRequest(
        `container "${o.container}" in pod "${pod.metadata.name ?? ""}" is waiting to start: ContainerCreating`,
      );
    }
    const entries = this.#containers.logs(id, engineLogOptions(o, this.#now(), signal));
    return Readable.from(podLogBytes(entries, o), { objectMode: false });
  }

  async exec(pod: KubeObject, req: ExecRequest): Promise<ExecSession> {
    this.#checkName(pod, req.container);
    const id = this.#running(pod, req.container);
    const execId = this.#containers.execCreate(id, {
      Cmd: req.command,
      AttachStdin: req.stdin,
      AttachStdout: req.stdout,
      AttachStderr: req.stderr && !req.tty,
      Tty: req.tty,
    });
    const stream = await this.#containers.execStart(execId, { detach: false, tty: req.tty });
    if (stream === undefined) throw new Error("exec started without its streams");
    const stdout = req.stdout ? new PassThrough() : undefined;
    const stderr = req.stderr && !req.tty ? new PassThrough() : undefined;
    stream.on("data", (which, data) => (which === "stderr" ? stderr : stdout)?.write(data));
    const exit = new Promise<number>((resolve) =>
      stream.once("close", () => {
        stdout?.end();
        stderr?.end();
        resolve(this.#containers.execInspect(execId).ExitCode ?? 126);
      }),
    );
    const stdin = req.stdin
      ? new Writable({
          write(chunk: Buffer, _enc, done) {
            stream.write(chunk);
            done();
          },
          final(done) {
            stream.closeStdin();
            done();
          },
        })
      : undefined;
    return {
      ...(stdin ? { stdin } : {}),
      ...(stdout ? { stdout } : {}),
      ...(stderr ? { stderr } : {}),
      resize: (width, height) => {
        if (!req.tty) return;
        this.#containers.execResize(execId, { width, height }).catch(() => undefined);
      },
      exit,
    };
  }

  async portForward(pod: KubeObject, port: number): Promise<Duplex> {
    const ip = podStatus(pod).podIP;
    if (ip === undefined || ip === "") throw badRequest(`pod ${pod.metadata.name ?? ""} has no IP yet`);
    return new Promise<Socket>((resolve, reject) => {
      const socket = connect({ host: ip, port });
      socket.once("connect", () => {
        socket.off("error", onError);
        resolve(socket);
      });
      const onError = (err: Error): void =>
        reject(
          new Error(
            `error forwarding port ${port} to pod ${pod.metadata.name ?? ""}, uid ${pod.metadata.uid ?? ""}: ${err.message}`,
          ),
        );
      socket.once("error", onError);
    });
  }

  #checkName(pod: KubeObject, name: string): void {
    const spec = podSpec(pod);
    const all = [...spec.containers, ...(spec.initContainers ?? [])];
    if (!all.some((c) => c.name === name)) {
      throw badRequest(`container ${name} is not valid for pod ${pod.metadata.name ?? ""}`);
    }
  }

  #running(pod: KubeObject, name: string): string {
    const id = this.#locate(pod, name).current;
    const running = id !== undefined && this.#safeRunning(id);
    if (id === undefined || !running) {
      throw badRequest(`container ${name} is not running in pod ${pod.metadata.name ?? ""}`);
    }
    return id;
  }

  #safeRunning(id: string): boolean {
    try {
      return this.#containers.inspect(id).State.Running;
    } catch {
      return false;
    }
  }
}
