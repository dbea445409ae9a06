/**
 * `npm run build`: the widget (loader + component), the admin app and the demo shop page,
 * into dist/assets/, which the Worker serves as static assets. Prints the gzip sizes the
 * budgets in ARCHITECTURE.md speak of.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "./local-server.mjs";

const OUT = path.join(ROOT, "dist", "assets");

// Cloudflare static assets read caching rules from `_headers`
// (https://developers.cloudflare.com/workers/static-assets/headers/).
const HEADERS = `/w/*
  Cache-Control: public, max-age=31536000, immutable
/admin/assets/*
  Cache-Control: public, max-age=31536000, immutable
/widget.js
  Cache-Control: public, max-age=300
  Access-Control-Allow-Origin: *
`;

/** Builds everything into dist/assets and returns the sizes. */
export async function build({ quiet = false } = {}) {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const { buildWidget } = await import(pathToFileURL(path.join(ROOT, "widget/build.mjs")).href);
  const { buildAdmin } = await import(pathToFileURL(path.join(ROOT, "admin/build.mjs")).href);
  const widget = await buildWidget({ outDir: OUT });
  const admin = await buildAdmin({ outDir: path.join(OUT, "admin") });
  cpSync(path.join(ROOT, "widget/demo"), path.join(OUT, "demo"), { recursive: true });
  writeFileSync(path.join(OUT, "_headers"), HEADERS);
  // The admin's Install screen links to the WordPress plugin served by this deployment.
  execFileSync(
    process.execPath,
    [
      path.join(ROOT, "scripts/build-wordpress.mjs"),
      "--zip-only",
      "--out",
      path.join(OUT, "downloads/edgechat-wordpress.zip"),
    ],
    { stdio: quiet ? "ignore" : ["ignore", "ignore", "inherit"] },
  );
  const sizes = {
    loader_gzip_bytes: widget.loader.gzip,
    component_gzip_bytes: widget.component.gzip,
    extras_gzip_bytes: widget.extras.gzip,
    bot_gzip_bytes: widget.bot.gzip,
    engage_gzip_bytes: widget.engage.gzip,
    calls_gzip_bytes: widget.calls.gzip,
    admin_initial_gzip_bytes: admin.initial.gzip,
  };
  if (!quiet) for (const [k, v] of Object.entries(sizes)) console.log(`${k} ${v}`);
  return sizes;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  await build({ quiet: process.argv.includes("--quiet") });
}
