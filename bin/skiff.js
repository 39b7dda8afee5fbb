#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=2 --expose-gc
// MALLOC_ARENA_MAX=2: glibc otherwise gives each thread that allocates (V8's compiler and GC
// helpers, libuv's pool) its own arena, whose freed memory stays resident; two arenas kept
// the registry's peak ~1-1.5 MiB lower under load (almost all allocation is on the main thread).
// --max-semi-space-size: V8's young generation otherwise grows to 16 MiB per semi-space
// under request load; a small one keeps the server's resident memory low at little cost.
// --expose-gc: lets streaming code ask for a minor collection (src/content/memory-pressure.ts).
// The `skiff` command. The TypeScript sources are compiled to dist/ by `npm run build`
// (run automatically by `npm ci` through the `prepare` script).
import("../dist/cli/main.js").catch((err) => {
  if (err && err.code === "ERR_MODULE_NOT_FOUND" && String(err.message).includes("dist/cli/main.js")) {
    console.error("skiff: not built yet; run `npm ci` (or `npm run build`) in the checkout first");
    process.exit(1);
  }
  throw err;
});
