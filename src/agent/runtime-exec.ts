// A command run to its end in a pod container (exec probes, preStop hooks): the engine's exec
// with stdout and stderr collected (the first 10 KiB, as the kubelet keeps of a probe's
// output) and a timeout after which the process is killed and the call fails.
import type { ContainerService } from "../runtime/containers.js";

const MAX_OUTPUT = 10 * 1024;

export class ExecTimeoutError extends Error {}

export async function execIn(
  containers: Pick<ContainerService, "execCreate" | "execStart" | "execInspect">,
  id: string,
  command: string[],
  timeoutMs: number,
): Promise<{ exitCode: number; output: string }> {
  const execId = containers.execCreate(id, { Cmd: command, AttachStdout: true, AttachStderr: true });
  const stream = await containers.execStart(execId, { detach: false });
  if (stream === undefined) throw new Error("exec started without its output");
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on("data", (_s, data) => {
    if (size >= MAX_OUTPUT) return;
    const part = data.subarray(0, MAX_OUTPUT - size);
    chunks.push(part);
    size += part.length;
  });
  let timer: NodeJS.Timeout | undefined;
  const closed = new Promise<"closed">((resolve) => stream.once("close", () => resolve("closed")));
  const timedOut = new Promise<"timeout">(
    (resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)),
  );
  const how = await Promise.race([closed, timedOut]);
  clearTimeout(timer);
  if (how === "timeout") {
    const pid = containers.execInspect(execId).Pid;
    if (pid > 0) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // ended meanwhile
      }
    }
    stream.close();
    throw new ExecTimeoutError(`command ${JSON.stringify(command)} timed out after ${timeoutMs} ms`);
  }
  return {
    exitCode: containers.execInspect(execId).ExitCode ?? 126,
    output: Buffer.concat(chunks).toString("utf8"),
  };
}
