// Child process of test/api-storage-crash.test.ts: writes to a SqliteStore as fast as it can
// and prints one line per acknowledged write, until it is killed with SIGKILL.
import { SqliteStore } from "../sqlite-store.js";

const dir = process.argv[2];
if (dir === undefined) throw new Error("usage: crash-child DIR");
const store = SqliteStore.open(dir, { compactEveryMs: 0 });
for (let i = 0; ; i++) {
  const key = `/registry/core/configmaps/default/c${i}`;
  const created = await store.create(key, Buffer.from(JSON.stringify({ i, v: 1 })));
  // Every other object is updated once more, so the log holds both kinds of change.
  const last =
    i % 2 === 0
      ? await store.update(key, Buffer.from(JSON.stringify({ i, v: 2 })), created.modRevision)
      : created;
  process.stdout.write(`ack ${i} ${last.modRevision}\n`);
}
