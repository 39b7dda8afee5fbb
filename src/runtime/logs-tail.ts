// Finding where the last N records of a log file begin by reading it backwards in chunks, so
// `docker logs --tail 10` of a huge log reads a few kilobytes, not the file.
import type { FileHandle } from "node:fs/promises";

const CHUNK = 64 * 1024;
const NL = 0x0a;

/**
 * Byte offset at which the last `count` newline-terminated records of the first `size` bytes
 * start (0 when the file has fewer). A trailing record without its newline yet is not counted.
 */
export async function tailOffset(fh: FileHandle, size: number, count: number): Promise<number> {
  if (count <= 0) return size;
  const buf = Buffer.allocUnsafe(CHUNK);
  let end = size;
  // The record being written (no final newline yet) is not one of the last `count`.
  let seen = -1; // newlines found; the first one found ends the last complete record
  let lastNl = -1;
  while (end > 0) {
    const start = Math.max(0, end - CHUNK);
    const len = end - start;
    const { bytesRead } = await fh.read(buf, 0, len, start);
    for (let i = bytesRead - 1; i >= 0; i--) {
      if (buf[i] !== NL) continue;
      if (lastNl < 0) {
        lastNl = start + i;
        seen = 0;
        continue;
      }
      seen++;
      if (seen === count) return start + i + 1;
    }
    end = start;
  }
  return 0;
}
