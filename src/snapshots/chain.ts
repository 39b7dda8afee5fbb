// Chain IDs name a stack of layers (OCI image spec, "ChainID"): the bottom layer's chain ID is
// its diff ID, each next one hashes the chain below with the layer's diff ID.
import { createHash } from "node:crypto";
import type { Digest } from "../oci/digest.js";

/** The chain IDs of every prefix of `diffIds` (bottom first); `result[i]` names layers 0..i. */
export function chainIds(diffIds: readonly Digest[]): Digest[] {
  const out: Digest[] = [];
  for (const diffId of diffIds) {
    const below = out.at(-1);
    out.push(
      below === undefined
        ? diffId
        : (`sha256:${createHash("sha256").update(`${below} ${diffId}`).digest("hex")}` as Digest),
    );
  }
  return out;
}
