// Storing a layer tar in the content store: the compressed blob (its digest addresses it in
// manifests) and the digest of the uncompressed tar (its diff ID in the image config) are both
// computed while the bytes stream through; nothing is held in memory.
import { randomUUID } from "node:crypto";
import { Transform, Writable, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import type { ContentStore } from "../content/store.js";
import { createDigester, finishDigest, type Digest } from "../oci/digest.js";
import { hashingTap, isGzip, peek } from "./streams.js";

export interface IngestedLayer {
  digest: Digest;
  size: number;
  diffId: Digest;
  compressed: boolean;
}

/**
 * Stores `input` (a plain or gzip-compressed tar). With `compress`, a plain tar is gzipped;
 * a gzip input is always stored as given.
 */
export async function ingestLayer(
  content: ContentStore,
  input: Readable,
  o: { compress: boolean },
): Promise<IngestedLayer> {
  const { head, stream } = await peek(input, 2);
  const gzipped = isGzip(head);
  const blobHash = createDigester("sha256");
  const diffHash = createDigester("sha256");
  const stages: Transform[] = [];
  let diffSide: Promise<void> | undefined;
  if (gzipped) {
    // The blob is the input; the diff ID is of its decompressed bytes, computed alongside.
    const gunzip = createGunzip();
    diffSide = pipeline(gunzip, hashingTap(diffHash), devNull());
    stages.push(teeInto(gunzip));
  } else {
    stages.push(hashingTap(diffHash));
    if (o.compress) stages.push(createGzip());
  }
  const last = hashingTap(blobHash);
  const ref = `layer-${randomUUID()}`;
  const writer = await content.writer(ref);
  try {
    const flowing = pipeline([stream, ...stages, last]);
    const appended = writer.append(last).catch((err: unknown) => {
      last.destroy(err as Error);
      throw err;
    });
    const [size] = await Promise.all([appended, flowing, diffSide]);
    const digest = finishDigest(blobHash, "sha256");
    const diffId = finishDigest(diffHash, "sha256");
    await writer.commit(digest, size);
    return { digest, size, diffId, compressed: gzipped || o.compress };
  } catch (err) {
    await content.abort(ref).catch(() => undefined);
    throw err;
  }
}

// A pass-through that also writes every chunk into `side`, waiting for it to take each one.
function teeInto(side: NodeJS.WritableStream & { end(cb?: () => void): unknown }): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      side.write(chunk, (err) => callback(err ?? null, chunk));
    },
    flush(callback) {
      side.end(() => callback());
    },
  });
}

function devNull(): Writable {
  return new Writable({ write: (_chunk, _encoding, callback) => callback() });
}
