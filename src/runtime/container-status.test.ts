import { describe, expect, it } from "vitest";
import type { RecordState } from "./container-record.js";
import { humanDuration, isRunning, statusString } from "./container-status.js";

const now = Date.parse("2026-01-01T12:00:00Z");
const ago = (ms: number): string => new Date(now - ms).toISOString();
const state = (s: Partial<RecordState>): RecordState => ({
  status: "created",
  pid: 0,
  exitCode: 0,
  oomKilled: false,
  error: "",
  startedAt: "",
  finishedAt: "",
  ...s,
});

describe("humanDuration (go-units)", () => {
  it("words durations as Docker does", () => {
    expect(humanDuration(500)).toBe("Less than a second");
    expect(humanDuration(1000)).toBe("1 second");
    expect(humanDuration(5_400)).toBe("5 seconds");
    expect(humanDuration(59_999)).toBe("59 seconds");
    expect(humanDuration(60_000)).toBe("About a minute");
    expect(humanDuration(2 * 60_000)).toBe("2 minutes");
    expect(humanDuration(59 * 60_000)).toBe("59 minutes");
    expect(humanDuration(60 * 60_000)).toBe("About an hour");
    expect(humanDuration(3 * 3_600_000)).toBe("3 hours");
    expect(humanDuration(3 * 24 * 3_600_000)).toBe("3 days");
    expect(humanDuration(3 * 7 * 24 * 3_600_000)).toBe("3 weeks");
    expect(humanDuration(90 * 24 * 3_600_000)).toBe("3 months");
    expect(humanDuration(3 * 365 * 24 * 3_600_000)).toBe("3 years");
  });
});

describe("statusString", () => {
  it("shows ps's Status column", () => {
    expect(statusString(state({}), now)).toBe("Created");
    expect(statusString(state({ status: "running", startedAt: ago(5_000) }), now)).toBe("Up 5 seconds");
    expect(statusString(state({ status: "paused", startedAt: ago(5_000) }), now)).toBe(
      "Up 5 seconds (Paused)",
    );
    expect(
      statusString(
        state({ status: "exited", exitCode: 3, startedAt: ago(200_000), finishedAt: ago(120_000) }),
        now,
      ),
    ).toBe("Exited (3) 2 minutes ago");
    expect(
      statusString(
        state({ status: "restarting", exitCode: 1, startedAt: ago(2_000), finishedAt: ago(1_000) }),
        now,
      ),
    ).toBe("Restarting (1) 1 second ago");
    expect(statusString(state({ status: "dead" }), now)).toBe("Dead");
    expect(statusString(state({ status: "removing" }), now)).toBe("Removal In Progress");
  });

  it("counts paused and restarting containers as running", () => {
    expect(isRunning(state({ status: "paused" }))).toBe(true);
    expect(isRunning(state({ status: "restarting" }))).toBe(true);
    expect(isRunning(state({ status: "exited" }))).toBe(false);
    expect(isRunning(state({ status: "created" }))).toBe(false);
  });
});
