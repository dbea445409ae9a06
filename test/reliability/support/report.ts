/** Figures of a suite: one line on stdout and a file in test-results/ (not *.json: ci-summary reads those). */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../../..");

/** Prints `name: k=v …` and writes the same line to test-results/NAME.txt (the latest run's). */
export function report(name: string, figures: Record<string, number | string>): void {
  const line = `${name}: ${Object.entries(figures)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ")}`;
  console.log(line);
  const dir = path.join(ROOT, "test-results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}.txt`), `${new Date().toISOString()} ${line}\n`);
}

/** RELIABILITY_FULL=1 runs the sizes of the issue; CI runs smaller ones. */
export const FULL = process.env.RELIABILITY_FULL === "1";
