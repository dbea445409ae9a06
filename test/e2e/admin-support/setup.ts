/** Per-file setup of the admin end-to-end tests: the admin built into dist, a server, a browser. */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { launchBrowser } from "../support/browser";
import { startServer, type TestServer } from "../support/server";

const ROOT = path.resolve(import.meta.dirname, "../../..");

/** Builds the admin (the e2e global setup builds only the widget), then starts server and browser. */
export async function startAdminWorld(): Promise<{ server: TestServer; browser: Browser }> {
  const { buildAdmin } = await import(pathToFileURL(path.join(ROOT, "admin/build.mjs")).href);
  await buildAdmin({ outDir: path.join(ROOT, "dist/assets/admin") });
  mkdirSync(path.join(ROOT, "test-results/screenshots"), { recursive: true });
  const server = await startServer();
  const browser = await launchBrowser();
  return { server, browser };
}
