import { describe, expect, it } from "vitest";
import { listProcesses, parsePs, TopError } from "./top.js";

const PS = `UID          PID    PPID  C STIME TTY          TIME CMD
root           1       0  0 07:00 ?        00:00:01 /sbin/init
root         120       1  0 07:01 ?        00:00:00 sh -c while true; do sleep 1; done
root         130     120  0 07:01 ?        00:00:00 sleep 1
`;

describe("parsePs", () => {
  it("keeps the container's rows and joins the command's words", () => {
    expect(parsePs(PS, [120, 130])).toEqual({
      Titles: ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"],
      Processes: [
        ["root", "120", "1", "0", "07:01", "?", "00:00:00", "sh -c while true; do sleep 1; done"],
        ["root", "130", "120", "0", "07:01", "?", "00:00:00", "sleep 1"],
      ],
    });
  });

  it("fails like Docker without a PID column", () => {
    expect(() => parsePs("USER COMMAND\nroot init\n", [1])).toThrow(
      new TopError("Couldn't find PID field in ps output"),
    );
  });
});

describe("listProcesses", () => {
  it("runs ps with the given arguments", async () => {
    const top = await listProcesses([process.pid], "-o pid,comm");
    expect(top.Titles).toEqual(["PID", "COMMAND"]);
    expect(top.Processes).toEqual([[String(process.pid), expect.any(String)]]);
  });
});
