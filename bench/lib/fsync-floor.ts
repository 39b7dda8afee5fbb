// The disk's own floor under a mutation's latency: appends of 1 KiB each followed by
// fdatasync (what a SQLite WAL commit or an etcd WAL entry costs at least), paced like the
// API bench's requests, in a temp file on the same filesystem as the servers' data.
import { open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Latencies (ms) of `count` append+fdatasync, one every 1000/rate ms. */
export async function fsyncLatencies(o: { count: number; rate: number; dir?: string }): Promise<number[]> {
  const path = join(o.dir ?? tmpdir(), `skiff-fsync-floor-${process.pid}`);
  const file = await open(path, "w");
  const block = Buffer.alloc(1024, 1);
  const out: number[] = [];
  try {
    const start = performance.now();
    for (let i = 0; i < o.count; i++) {
      const wait = start + (i * 1000) / o.rate - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const t0 = performance.now();
      await file.write(block);
      await file.datasync();
      out.push(performance.now() - t0);
    }
  } finally {
    await file.close();
    await rm(path, { force: true });
  }
  return out;
}
