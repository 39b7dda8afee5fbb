// `kubectl port-forward pod/NAME :PORT` and one HTTP GET through it, for the e2e tests that
// check port-forward reaches a pod (on the server's node or a joined one).
import { spawn } from "node:child_process";
import { request } from "node:http";
import { onLines } from "./child.js";

export async function getThroughPortForward(
  env: NodeJS.ProcessEnv,
  pod: string,
  o: { port: number; path?: string },
): Promise<string> {
  const forward = spawn("kubectl", ["port-forward", `pod/${pod}`, `:${o.port}`], { env });
  try {
    const local = await new Promise<number>((resolve, reject) => {
      onLines(forward.stdout, (line) => {
        const m = new RegExp(`Forwarding from 127\\.0\\.0\\.1:(\\d+) -> ${o.port}`).exec(line);
        if (m) resolve(Number(m[1]));
      });
      forward.once("exit", (code) => reject(new Error(`kubectl port-forward exited with ${code}`)));
    });
    return await new Promise<string>((resolve, reject) => {
      request({ host: "127.0.0.1", port: local, path: o.path ?? "/" }, (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (c: string) => (text += c));
        res.on("end", () => resolve(text));
      })
        .on("error", reject)
        .end();
    });
  } finally {
    forward.kill("SIGTERM");
  }
}
