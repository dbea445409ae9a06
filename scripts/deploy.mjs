/**
 * `npm run deploy`: builds the assets, checks the configuration, and deploys the Worker with
 * wrangler. `npm run deploy -- --dry-run` bundles and validates everything offline (no
 * Cloudflare account, no network; CI runs it): wrangler's own validation of wrangler.toml and
 * the bundle, plus worker/config.ts's check of the [vars] (a malformed value fails the run; a
 * value that is missing here may be set in the dashboard, so it is listed, not fatal).
 * After a real deploy, the deployed /healthz is asked for its report.
 * Other arguments go to `wrangler deploy` (e.g. `--env staging`).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { build as esbuild } from "esbuild";
import { build } from "./build.mjs";
import { ROOT } from "./local-server.mjs";

/** Secrets the Worker reads; set each with `npx wrangler secret put NAME`. */
export const SECRETS = [
  ["TOKEN_SECRET", "required: signs visitor tokens (32+ random characters)"],
  ["ADMIN_TOKEN", "creating sites and signup codes (24+ random characters)"],
  ["MAILCHANNELS_API_KEY", "with EMAIL_PROVIDER=mailchannels"],
  ["DKIM_PRIVATE_KEY", "with DKIM_DOMAIN and DKIM_SELECTOR (MailChannels DKIM)"],
  ["TURN_KEY_API_TOKEN", "with TURN_KEY_ID, for video calls"],
];

/**
 * The `[vars]` table of wrangler.toml (or `[env.NAME.vars]`): `KEY = "value"` lines only,
 * which is all this project's wrangler.toml uses.
 */
export function readVars(toml, envName) {
  const header = envName ? `[env.${envName}.vars]` : "[vars]";
  const vars = {};
  let inside = false;
  for (const raw of toml.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("[")) {
      inside = line === header;
      continue;
    }
    const m = inside && line.match(/^([A-Z0-9_]+)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(#.*)?$/);
    if (m) vars[m[1]] = JSON.parse(`"${m[2]}"`);
  }
  return vars;
}

/** worker/config.ts, bundled on the fly (it is TypeScript). */
async function loadConfigCheck() {
  const out = await esbuild({
    entryPoints: [path.join(ROOT, "worker/config.ts")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    logLevel: "silent",
  });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString("base64")}`);
}

/** Checks wrangler.toml's variables; returns false when one of them is malformed. */
export async function checkVars(vars) {
  const { checkConfig } = await loadConfigCheck();
  const report = checkConfig(vars, { secretsUnknown: true, bindings: false });
  const broken = report.problems.filter((p) => p.fatal && vars[p.name] !== undefined);
  const unset = report.problems.filter((p) => !broken.includes(p));
  console.log(
    `\nConfiguration (wrangler.toml [vars]): signup ${report.features.signup}, email ${report.features.email ?? "off"}, inbound ${report.features.inbound ? "on" : "off"}`,
  );
  for (const p of broken) console.log(`  ✗ ${p.name}: ${p.message}`);
  for (const p of unset)
    console.log(
      `  · ${p.name}: ${p.message}${p.fatal ? " — set it before going live (wrangler.toml [vars] or the dashboard)" : ""}`,
    );
  console.log("Secrets (npx wrangler secret put NAME; not visible offline):");
  for (const [name, why] of SECRETS) console.log(`  · ${name}: ${why}`);
  return broken.length === 0;
}

async function main() {
  const args = process.argv.slice(2);
  const dryRun = args.includes("--dry-run");
  const envIndex = args.indexOf("--env");
  const envName = envIndex >= 0 ? args[envIndex + 1] : undefined;
  await build({ quiet: false });
  const vars = readVars(readFileSync(path.join(ROOT, "wrangler.toml"), "utf8"), envName);
  const varsOk = await checkVars(vars);
  if (!varsOk && !dryRun) {
    console.error("\nwrangler.toml has a malformed variable (✗ above); fix it before deploying.");
    process.exit(1);
  }
  const wranglerArgs = ["deploy", ...args, ...(dryRun ? ["--outdir", "dist/worker"] : [])];
  const result = spawnSync(path.join(ROOT, "node_modules/.bin/wrangler"), wranglerArgs, {
    cwd: ROOT,
    stdio: "inherit",
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: "false",
      ...(dryRun ? { CLOUDFLARE_CF_FETCH_ENABLED: "false" } : {}),
    },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
  if (!varsOk) {
    console.error("\nwrangler.toml has a malformed variable (✗ above); the dry run fails.");
    process.exit(1);
  }
  if (!dryRun && vars.PUBLIC_URL) await reportHealth(vars.PUBLIC_URL);
}

/** Asks the deployed Worker for its configuration report (secrets included). */
async function reportHealth(publicUrl) {
  try {
    const res = await fetch(`${publicUrl.replace(/\/$/, "")}/healthz`, { signal: AbortSignal.timeout(15_000) });
    const report = await res.json();
    console.log(`\n${publicUrl}/healthz: ${report.ok ? "ok" : "NOT OK"}; features ${JSON.stringify(report.features)}`);
    for (const p of report.problems ?? []) console.log(`  ${p.fatal ? "✗" : "·"} ${p.name}: ${p.message}`);
    if (!report.ok) process.exitCode = 1;
  } catch (err) {
    console.log(
      `\nCould not ask ${publicUrl}/healthz (${err.message}); open it in a browser to see the configuration report.`,
    );
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.join(ROOT, "scripts", "deploy.mjs")) await main();
