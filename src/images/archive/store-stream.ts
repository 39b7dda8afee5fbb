// Storing one stream in the content store under its own digest (verified against `expected`
// when the archive names the blob by digest).
import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import type { LocalContentStore } from "../../content/local-store.js";
import { createDigester, finishDigest, type Digest } from "../../oci/digest.js";
import { hashingTap } from "../streams.js";

export async function storeStream(
  content: LocalContentStore,
  body: Readable,
  expected?: Digest,
): Promise<Digest> {
  const ref = `load-${randomUUID()}`;
  const writer = await content.writer(ref);
  try {
    const hash = createDigester("sha256");
    const tap = hashingTap(hash);
    body.once("error", (err) => tap.destroy(err));
    body.pipe(tap);
    const size = await writer.append(tap);
    const digest = expected ?? finishDigest(hash, "sha256");
    await writer.commit(digest, size);
    return digest;
  } catch (err) {
    await content.abort(ref).catch(() => undefined);
    throw err;
  }
}
