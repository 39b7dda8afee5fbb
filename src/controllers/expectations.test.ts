import { describe, expect, it } from "vitest";
import { FakeClock } from "./clock.js";
import { Expectations } from "./expectations.js";

describe("Expectations", () => {
  it("is satisfied without a record and once every creation was observed", () => {
    const e = new Expectations({ clock: new FakeClock() });
    expect(e.satisfied("ns/rs")).toBe(true);
    e.expectCreations("ns/rs", 2);
    expect(e.satisfied("ns/rs")).toBe(false);
    e.creationObserved("ns/rs");
    expect(e.satisfied("ns/rs")).toBe(false);
    e.creationObserved("ns/rs");
    expect(e.satisfied("ns/rs")).toBe(true);
  });

  it("counts only the deletions it waits for, once each", () => {
    const e = new Expectations({ clock: new FakeClock() });
    e.expectDeletions("ns/rs", ["ns/a", "ns/b"]);
    e.deletionObserved("ns/rs", "ns/other");
    e.deletionObserved("ns/rs", "ns/a");
    e.deletionObserved("ns/rs", "ns/a");
    expect(e.pending("ns/rs")).toEqual({ add: 0, del: 1 });
    e.deletionSkipped("ns/rs", "ns/b");
    expect(e.satisfied("ns/rs")).toBe(true);
  });

  it("lowers expectations for creations that failed", () => {
    const e = new Expectations({ clock: new FakeClock() });
    e.expectCreations("k", 3);
    e.creationSkipped("k", 2);
    e.creationObserved("k");
    expect(e.satisfied("k")).toBe(true);
  });

  it("expires after the TTL so a lost event does not wedge the controller", () => {
    const clock = new FakeClock();
    const e = new Expectations({ clock, ttlMs: 1000 });
    e.expectCreations("k", 1);
    clock.advance(1000);
    expect(e.satisfied("k")).toBe(false);
    clock.advance(1);
    expect(e.satisfied("k")).toBe(true);
    e.delete("k");
    expect(e.pending("k")).toBeUndefined();
  });
});
