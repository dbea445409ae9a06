/**
 * Builds the widget, the admin and the demo pages into dist/assets (scripts/build.mjs)
 * before the e2e files run, so `npx vitest run --config vitest.e2e.config.ts` always tests
 * the current source.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";

export default async function setup(): Promise<void> {
  const root = path.resolve(import.meta.dirname, "../../..");
  const { build } = await import(pathToFileURL(path.join(root, "scripts/build.mjs")).href);
  await build({ quiet: true });
}
