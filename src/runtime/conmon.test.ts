import { describe, expect, it } from "vitest";
import { cleanRuncMessage, conmonArgv } from "./conmon.js";
import { runcErrorMessage } from "./runc.js";

const BASE = {
  conmonPath: "/usr/bin/conmon",
  runcPath: "/usr/sbin/runc",
  runcArgs: ["--root=/run/skiff/runc", "--log-format=json"],
  cid: "c1",
  cuuid: "c1",
  bundleDir: "/d/c1/bundle",
  socketDir: "/run/skiff/conmon",
  exitDir: "/d/c1",
  logPath: "/d/c1/ctr.log",
  pidFile: "/d/c1/bundle/pidfile",
  conmonPidFile: "/d/c1/bundle/conmon.pid",
  persistDir: "/d/c1",
  stdin: false,
  tty: false,
};

describe("conmonArgv", () => {
  it("passes runc's global args and conmon's paths", () => {
    const argv = conmonArgv(BASE);
    expect(argv.slice(0, 6)).toEqual(["--api-version", "1", "-c", "c1", "-u", "c1"]);
    expect(argv).toContain("k8s-file:/d/c1/ctr.log");
    expect(argv.join(" ")).toContain("--runtime-arg --root=/run/skiff/runc --runtime-arg --log-format=json");
    expect(argv).not.toContain("-t");
    expect(argv).not.toContain("--exec");
  });

  it("adds tty, stdin, leave-stdin-open and exec flags", () => {
    const argv = conmonArgv({
      ...BASE,
      tty: true,
      stdin: true,
      leaveStdinOpen: true,
      exec: { processSpecPath: "/e/p.json", attach: true },
    });
    expect(argv).toEqual(
      expect.arrayContaining(["-t", "-i", "--leave-stdin-open", "--exec", "--exec-attach"]),
    );
    expect(argv[argv.indexOf("--exec-process-spec") + 1]).toBe("/e/p.json");
    expect(conmonArgv({ ...BASE, leaveStdinOpen: true })).not.toContain("--leave-stdin-open");
  });
});

describe("runc error messages", () => {
  it("keeps runc's last error message from its JSON log", () => {
    const stderr =
      '{"level":"warning","msg":"something","time":"t"}\n{"level":"error","msg":"container \\"x\\" does not exist","time":"t"}\n';
    expect(runcErrorMessage(stderr)).toBe('container "x" does not exist');
    expect(runcErrorMessage("plain text usage error\n")).toBe("plain text usage error");
    expect(runcErrorMessage("")).toBeUndefined();
  });

  it("unwraps the runc message conmon relays", () => {
    const relayed =
      '{"level":"error","msg":"runc create failed: unable to start container process: exec: \\"/nope\\": stat /nope: no such file or directory","time":"2026"}';
    expect(cleanRuncMessage(relayed)).toBe(
      'runc create failed: unable to start container process: exec: "/nope": stat /nope: no such file or directory',
    );
    expect(cleanRuncMessage(" some text ")).toBe("some text");
  });
});
