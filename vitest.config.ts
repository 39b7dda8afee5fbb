import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // End-to-end tests start real servers on real ports; run files one at a time so
    // timing-sensitive checks are not starved on a 2-core machine.
    fileParallelism: false,
  },
});
