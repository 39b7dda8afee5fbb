// Depth-first walk of a directory tree in tar order (a directory before its children, names
// sorted so the same tree always gives the same tar), never following symlinks.
import { lstat, readdir } from "node:fs/promises";
import type { Stats } from "node:fs";

export interface WalkEntry {
  /** Path relative to the walked root, "/"-separated, never empty. */
  rel: string;
  abs: string;
  stat: Stats;
}

export async function* walkTree(root: string, rel = ""): AsyncGenerator<WalkEntry> {
  const dir = rel === "" ? root : `${root}/${rel}`;
  const names = (await readdir(dir)).sort();
  for (const name of names) {
    const childRel = rel === "" ? name : `${rel}/${name}`;
    const abs = `${root}/${childRel}`;
    const stat = await lstat(abs);
    yield { rel: childRel, abs, stat };
    if (stat.isDirectory()) yield* walkTree(root, childRel);
  }
}
