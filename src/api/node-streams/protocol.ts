// The wire between the API server and a joined node's stream endpoint (the kubelet's :10250 in
// its logs/exec/port-forward role). Logs: `POST /logs` with {pod, options}, the log as the
// response body. Exec and port-forward: a WebSocket (`/exec`, `/portforward`) whose first text
// message is the request and first answer `{ok}` or `{error}`; then binary frames — exec's
// prefixed by a channel byte (stdin, stdout, stderr), port-forward's raw — and text control
// frames for exec (resize, end of a stream, the exit code).
import { ApiError, type StatusReason } from "../errors.js";
import type { ExecRequest, PodLogOptions } from "../streams.js";
import type { KubeObject } from "../types.js";

/** The annotation a node publishes its stream endpoint's CA certificate (PEM) in. */
export const STREAM_CA_ANNOTATION = "skiff.dev/stream-ca.crt";
/** The user the API server's client certificate names; the endpoint admits no other. */
export const STREAM_CLIENT_USER = "system:apiserver-kubelet-client";

export const Channel = { stdin: 0, stdout: 1, stderr: 2 } as const;

export interface LogsRequest {
  pod: KubeObject;
  options: Omit<PodLogOptions, "sinceTime"> & { sinceTime?: string };
}
export interface ExecOpen {
  pod: KubeObject;
  request: ExecRequest;
}
export interface PortForwardOpen {
  pod: KubeObject;
  port: number;
}

/** Exec's control frames, both ways. */
export type ExecControl =
  { resize: [number, number] } | { end: (typeof Channel)[keyof typeof Channel] } | { exit: number };

export type OpenAnswer = { ok: true } | { error: WireError };
export interface WireError {
  reason: StatusReason;
  message: string;
}

export function toWireError(err: unknown): WireError {
  if (err instanceof ApiError) return { reason: err.reason, message: err.message };
  return { reason: "InternalError", message: err instanceof Error ? err.message : String(err) };
}

export function fromWireError(e: WireError): ApiError {
  return new ApiError(e.reason, e.message);
}

export function frame(channel: number, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([channel]), data]);
}
