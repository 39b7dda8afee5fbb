import { describe, expect, it } from "vitest";
import { FakeClock, systemClock, timerOf } from "./clock.js";

describe("FakeClock", () => {
  it("fires due callbacks in deadline order as time advances, and not cancelled ones", () => {
    const clock = new FakeClock("2026-01-01T00:00:00Z");
    const fired: string[] = [];
    clock.after(300, () => fired.push("c"));
    clock.after(100, () => fired.push(`a@${clock.now().toISOString()}`));
    const cancel = clock.after(200, () => fired.push("b"));
    cancel();
    clock.advance(250);
    expect(fired).toEqual(["a@2026-01-01T00:00:00.100Z"]);
    expect(clock.now().toISOString()).toBe("2026-01-01T00:00:00.250Z");
    clock.advance(50);
    expect(fired).toHaveLength(2);
  });

  it("timerOf falls back to real timers for a clock that cannot schedule", async () => {
    const after = timerOf({ now: () => new Date() });
    await new Promise<void>((r) => after(1, r));
    expect(timerOf(systemClock)).toBeTypeOf("function");
  });
});
