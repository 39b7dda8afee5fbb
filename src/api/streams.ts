// The streams `kubectl logs`, `kubectl exec` and `kubectl port-forward` reach through the API
// server: http/ speaks the protocols (chunked text, WebSocket v5.channel.k8s.io, SPDY/3.1) and
// asks the node a pod runs on for the bytes through this interface. The node agent implements
// it (agent/streams.ts); the API server finds a node's implementation by the node's name.
import type { Duplex, Readable, Writable } from "node:stream";
import type { KubeObject } from "./types.js";

export interface PodLogOptions {
  container: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: Date;
  limitBytes?: number;
}

export interface ExecRequest {
  container: string;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export interface ExecSession {
  stdin?: Writable; // present when requested; end() = EOF
  stdout?: Readable;
  stderr?: Readable; // absent with tty (everything comes on stdout)
  resize(width: number, height: number): void;
  /** The exit code once the process has ended. */
  readonly exit: Promise<number>;
}

/**
 * Errors are ApiErrors (errors.ts): badRequest for a container the pod does not have or one
 * that is not running, notFound for a previous instance that does not exist.
 */
export interface PodStreams {
  /** The container's log (raw bytes, CRI framing removed); with follow it ends when `signal` aborts or the container is gone. */
  logs(pod: KubeObject, o: PodLogOptions, signal: AbortSignal): Promise<Readable>;
  exec(pod: KubeObject, req: ExecRequest): Promise<ExecSession>;
  /** A TCP connection to `port` in the pod's network namespace. */
  portForward(pod: KubeObject, port: number): Promise<Duplex>;
}

/** The streams of the node named `nodeName`; undefined when that node cannot be reached. */
export type PodStreamsResolver = (nodeName: string) => PodStreams | undefined;
