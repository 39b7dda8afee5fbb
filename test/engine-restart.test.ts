// Containers outlive the server: `kill -9` of `skiff server` leaves them running (conmon
// keeps them), a container that exits while the server is down has its exit code recorded,
// and after the restart ps, logs, exec, stop and wait work on them.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { busyboxRootfsTar } from "./support/busybox-image.js";
import { startEngineServer, type EngineServer } from "./support/engine-server.js";
import { requireTool } from "./support/tools.js";

const haveTools =
  requireTool("docker") && requireTool("runc") && requireTool("conmon") && requireTool("busybox");

describe.skipIf(!haveTools)("a kill -9 of the server", () => {
  let engine: EngineServer;
  let work: string;

  const dockerOk = async (...args: string[]) => (await engine.dockerOk(args)).stdout.trim();

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "skiff-e2e-restart-"));
    engine = await startEngineServer();
    await dockerOk("import", await busyboxRootfsTar(work), "busybox:latest");
  });

  afterAll(async () => {
    await engine?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it("leaves containers running and records exits that happen while it is down", async () => {
    await dockerOk(
      "run",
      "-d",
      "--name",
      "survivor",
      "busybox",
      "sh",
      "-c",
      "echo before; trap 'exit 0' TERM; while true; do sleep 0.1; done",
    );
    await dockerOk(
      "run",
      "-d",
      "--name",
      "short",
      "busybox",
      "sh",
      "-c",
      "read x < /dev/null; sleep 2; echo done; exit 42",
    );
    await engine.server.kill9();
    await new Promise((r) => setTimeout(r, 3000)); // "short" exits while no server runs
    await engine.server.restart();
    await engine.waitReady();

    expect(await dockerOk("ps", "--format", "{{.Names}}")).toBe("survivor");
    expect(await dockerOk("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "short")).toBe(
      "exited 42",
    );
    expect(await dockerOk("logs", "short")).toBe("done");
    expect(await dockerOk("logs", "survivor")).toBe("before");
    expect(await dockerOk("exec", "survivor", "echo", "still here")).toBe("still here");
    const waiting = engine.dockerOk(["wait", "survivor"]);
    await dockerOk("stop", "survivor");
    expect((await waiting).stdout.trim()).toBe("0");
    expect(await dockerOk("ps", "-q")).toBe("");
  });
});
