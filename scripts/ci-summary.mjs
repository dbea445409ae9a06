/**
 * Sums test results written by the suites (vitest JSON, PHPUnit JUnit XML) in a folder and
 * prints one line "N passed, N failed". Exits 1 when something failed or nothing ran.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const dir = process.argv[2] ?? "test-results";
let passed = 0;
let failed = 0;
const lines = [];

for (const file of existsSync(dir) ? readdirSync(dir).sort() : []) {
  const full = path.join(dir, file);
  let p = 0;
  let f = 0;
  if (file.endsWith(".json")) {
    const r = JSON.parse(readFileSync(full, "utf8"));
    p = r.numPassedTests ?? 0;
    // A file that failed to load has no tests but is still a failure.
    f =
      (r.numFailedTests ?? 0) +
      (r.testResults ?? []).filter((t) => t.status === "failed" && !t.assertionResults?.length).length;
  } else if (file.endsWith(".xml")) {
    const xml = readFileSync(full, "utf8");
    const top = xml.match(/<testsuite\b[^>]*>/);
    if (!top) continue;
    const attr = (name) => Number(top[0].match(new RegExp(`\\b${name}="(\\d+)"`))?.[1] ?? 0);
    f = attr("failures") + attr("errors");
    p = attr("tests") - f - attr("skipped");
  } else continue;
  lines.push(`${file}: ${p} passed, ${f} failed`);
  passed += p;
  failed += f;
}

for (const l of lines) console.log(l);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
