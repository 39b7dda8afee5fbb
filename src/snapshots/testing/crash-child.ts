// Child process for the kill -9 test: prepares a small base layer, then a large layer fed
// slowly, printing "unpacking" once the large one is being applied. The test kills it there.
import { Readable } from "node:stream";
import { OverlaySnapshotter } from "../overlay.js";
import { crashLayers } from "./tar-fixtures.js";

const root = process.argv[2];
if (root === undefined) throw new Error("usage: crash-child ROOT");
const snaps = await OverlaySnapshotter.open({ root });
const [base, big] = await crashLayers();
if (!base || !big) throw new Error("fixture layers missing");
await snaps.prepareImage([base]);
process.stdout.write("base\n");

async function* slowly(data: Buffer): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += 16 * 1024) {
    yield data.subarray(i, i + 16 * 1024);
    await new Promise((r) => setTimeout(r, 5));
  }
}
const data = await big.open().then(async (s) => {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
});
let told = false;
await snaps.prepareImage(
  [base, { diffId: big.diffId, open: () => Promise.resolve(Readable.from(slowly(data))) }],
  (e) => {
    if (!told && !e.done && e.diffId === big.diffId && e.current > 64 * 1024) {
      told = true;
      process.stdout.write("unpacking\n");
    }
  },
);
process.stdout.write("finished\n");
