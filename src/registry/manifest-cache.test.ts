import { describe, expect, it } from "vitest";
import type { Digest } from "../oci/digest.js";
import { ManifestCache } from "./manifest-cache.js";

const digest = (n: number): Digest => `sha256:${String(n).padStart(64, "0")}` as Digest;
const body = (bytes: number, fill = 1): Buffer => Buffer.alloc(bytes, fill);

describe("ManifestCache", () => {
  it("returns what was stored and forgets what was deleted", () => {
    const cache = new ManifestCache(1000);
    cache.set(digest(1), body(10, 7));
    expect(cache.get(digest(1))).toEqual(body(10, 7));
    cache.delete(digest(1));
    expect(cache.get(digest(1))).toBeUndefined();
    cache.delete(digest(1)); // deleting what is not there is fine
  });

  it("keeps the first body stored under a digest", () => {
    const cache = new ManifestCache(1000);
    cache.set(digest(1), body(10, 1));
    cache.set(digest(1), body(10, 2));
    expect(cache.get(digest(1))).toEqual(body(10, 1));
  });

  it("does not cache a body larger than a quarter of its budget", () => {
    const cache = new ManifestCache(100);
    cache.set(digest(1), body(26));
    expect(cache.get(digest(1))).toBeUndefined();
    cache.set(digest(2), body(25));
    expect(cache.get(digest(2))).toBeDefined();
  });

  it("stays within its byte budget, dropping the oldest entry not read since the last sweep", () => {
    const cache = new ManifestCache(100);
    for (let i = 1; i <= 5; i++) cache.set(digest(i), body(25)); // the fifth sweeps all once, drops 1
    cache.get(digest(2)); // read since: gets a second chance
    cache.set(digest(6), body(25));
    for (const gone of [1, 3]) expect(cache.get(digest(gone))).toBeUndefined();
    for (const kept of [2, 4, 5, 6]) expect(cache.get(digest(kept))).toBeDefined();
  });

  it("gives every entry one pass of the sweep before it drops any", () => {
    const cache = new ManifestCache(100);
    for (let i = 1; i <= 4; i++) cache.set(digest(i), body(25));
    cache.set(digest(5), body(25)); // nothing read since stored: all pass once, then 1 goes
    expect(cache.get(digest(1))).toBeUndefined();
    for (const kept of [2, 3, 4, 5]) expect(cache.get(digest(kept))).toBeDefined();
  });
});
