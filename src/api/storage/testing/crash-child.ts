// Child process of test/api-storage-crash.test.ts: several writers (so that writes share group
// commits) write to a SqliteStore as fast as they can, each printing one line per acknowledged
// write, until the process is killed with SIGKILL.
import { SqliteStore } from "../sqlite-store.js";

const dir = process.argv[2];
const writers = Number(process.argv[3] ?? "8");
if (dir === undefined) throw new Error("usage: crash-child DIR [WRITERS]");
const store = SqliteStore.open(dir, { compactEveryMs: 0 });

async function writer(w: number): Promise<never> {
  for (let i = 0; ; i++) {
    const key = `/registry/core/configmaps/default/c${w}-${i}`;
    const created = await store.create(key, Buffer.from(JSON.stringify({ w, i, v: 1 })));
    // Every other object is updated once more, so the log holds both kinds of change.
    const last =
      i % 2 === 0
        ? await store.update(key, Buffer.from(JSON.stringify({ w, i, v: 2 })), created.modRevision)
        : created;
    process.stdout.write(`ack ${w} ${i} ${last.modRevision}\n`);
  }
}

await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
