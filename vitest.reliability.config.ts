import { defineConfig } from "vitest/config";

/**
 * Reliability and fuzz suites (test/reliability, test/fuzz): the real Worker in wrangler's
 * local runtime under load, faults and bad input, driven through its public contract
 * (docs/api.md). One file at a time: each starts its own runtime and loads both cores.
 * They assert correctness (nothing lost, nothing leaked) and print their figures; they are
 * not timed. RELIABILITY_FULL=1 runs the full sizes.
 */
export default defineConfig({
  test: {
    environment: "node",
    include: ["test/reliability/**/*.test.ts", "test/fuzz/**/*.test.ts"],
    globalSetup: ["test/e2e/support/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
  },
});
