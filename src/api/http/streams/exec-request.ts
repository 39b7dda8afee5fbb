// What exec needs from the request and says at the end: the ExecRequest read from the query as
// Kubernetes validates PodExecOptions, the terminal sizes clients send (JSON objects back to
// back), and the metav1.Status written on the error channel when the command is over.
import { ApiError, badRequest } from "../../errors.js";
import type { KubeObject } from "../../types.js";
import type { ExecRequest } from "../../streams.js";
import { parseBool } from "../request-info.js";
import { resolveContainer } from "./pod-target.js";

function flag(q: URLSearchParams, key: string): boolean {
  const values = q.getAll(key);
  if (values.length === 0) return false;
  const v = values[values.length - 1] as string;
  return v === "" ? true : (parseBool(v) ?? false);
}

export function execRequest(q: URLSearchParams, pod: KubeObject): ExecRequest {
  const command = q.getAll("command");
  if (command.length === 0) throw badRequest("you must specify at least 1 command");
  const req = {
    container: resolveContainer(pod, q.get("container") ?? undefined),
    command,
    stdin: flag(q, "stdin"),
    stdout: flag(q, "stdout"),
    stderr: flag(q, "stderr"),
    tty: flag(q, "tty"),
  };
  if (!req.stdin && !req.stdout && !req.stderr) {
    throw badRequest("you must specify at least one of stdin, stdout, stderr");
  }
  // With a terminal everything comes on stdout.
  if (req.tty) req.stderr = false;
  return req;
}

/** The Status JSON of the error channel (v4/v5): Success, or the exit code, or the failure. */
export function exitStatus(result: { code: number } | { error: unknown }): Buffer {
  if ("code" in result) {
    if (result.code === 0) return Buffer.from(JSON.stringify({ metadata: {}, status: "Success" }));
    return Buffer.from(
      JSON.stringify({
        metadata: {},
        status: "Failure",
        message: `command terminated with non-zero exit code: exit status ${result.code}`,
        reason: "NonZeroExitCode",
        details: { causes: [{ reason: "ExitCode", message: String(result.code) }] },
      }),
    );
  }
  const err = result.error;
  const e =
    err instanceof ApiError
      ? err
      : new ApiError(
          "InternalError",
          `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`,
        );
  const { kind: _k, apiVersion: _a, ...status } = e.toStatus();
  return Buffer.from(JSON.stringify(status));
}

/** Collects `{"Width":W,"Height":H}` objects from a byte stream that may split or join them. */
export class ResizeDecoder {
  #text = "";

  push(chunk: Buffer): { width: number; height: number }[] {
    this.#text += chunk.toString("utf8");
    const out: { width: number; height: number }[] = [];
    for (;;) {
      const start = this.#text.indexOf("{");
      const end = this.#text.indexOf("}", start);
      if (start < 0 || end < 0) break;
      const piece = this.#text.slice(start, end + 1);
      this.#text = this.#text.slice(end + 1);
      try {
        const size = JSON.parse(piece) as { Width?: unknown; Height?: unknown };
        if (typeof size.Width === "number" && typeof size.Height === "number") {
          out.push({ width: size.Width, height: size.Height });
        }
      } catch {
        // not a size: skipped
      }
    }
    if (this.#text.indexOf("{") < 0) this.#text = "";
    return out;
  }
}
