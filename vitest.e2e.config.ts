import { defineConfig } from "vitest/config";

/**
 * Browser end-to-end tests: Debian's Chromium through playwright-core against the real
 * Worker in wrangler's local runtime (one server per test file). Files run one at a time:
 * each starts workerd and a browser, and two at once would only fight for two cores.
 */
export default defineConfig({
  test: {
    environment: "node",
    include: ["test/e2e/**/*.test.ts"],
    globalSetup: ["test/e2e/support/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
    // A poll waits for what a user would see next (a frame from the server, a re-render); on a
    // machine busy with the other suites a round trip can take seconds, so a second is too short.
    // A poll that passes returns as soon as it does; only a failing one waits this long.
    expect: { poll: { timeout: 10_000 } },
  },
});
