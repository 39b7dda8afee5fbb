import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { chainIds } from "./chain.js";
import type { Digest } from "../oci/digest.js";

const d = (c: string): Digest => `sha256:${c.repeat(64)}` as Digest;

describe("chainIds", () => {
  it("is the diff ID for one layer and hashes 'parent diff' above it", () => {
    const [a, b, c] = chainIds([d("a"), d("b"), d("c")]);
    expect(a).toBe(d("a"));
    const ab = `sha256:${createHash("sha256")
      .update(`${d("a")} ${d("b")}`)
      .digest("hex")}`;
    expect(b).toBe(ab);
    expect(c).toBe(
      `sha256:${createHash("sha256")
        .update(`${ab} ${d("c")}`)
        .digest("hex")}`,
    );
  });

  it("is empty for no layers", () => {
    expect(chainIds([])).toEqual([]);
  });
});
