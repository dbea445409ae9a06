/**
 * `npm run deploy`: builds the assets and deploys the Worker with wrangler.
 * `npm run deploy -- --dry-run` bundles and validates the configuration without uploading
 * (it needs no Cloudflare account and no network).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { build } from "./build.mjs";
import { ROOT } from "./local-server.mjs";

const args = process.argv.slice(2);
const dryRun = args.includes("--dry-run");
await build({ quiet: false });
const wranglerArgs = ["deploy", ...args, ...(dryRun ? ["--outdir", "dist/worker"] : [])];
const result = spawnSync(path.join(ROOT, "node_modules/.bin/wrangler"), wranglerArgs, {
  cwd: ROOT,
  stdio: "inherit",
  env: { ...process.env, WRANGLER_SEND_METRICS: "false", ...(dryRun ? { CLOUDFLARE_CF_FETCH_ENABLED: "false" } : {}) },
});
process.exit(result.status ?? 1);
