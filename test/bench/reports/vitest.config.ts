/** The reports benchmark in workerd, with the Worker tests' setup: `npm run bench:reports`. */
import { mergeConfig } from "vitest/config";
import base from "../../../vitest.config";

const config = mergeConfig(base, { test: { testTimeout: 600_000 } });
// mergeConfig appends arrays: the benchmark replaces the suites' file list instead.
config.test!.include = ["test/worker/bench/*.bench.ts"];
export default config;
