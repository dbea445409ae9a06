/**
 * Measures the admin app's initial JavaScript (entry + its static chunks) after a
 * production build. Budget: 80 KB gzip (ARCHITECTURE.md). Prints `admin_initial_gzip_bytes N`
 * and exits 1 when over budget.
 *
 *   node test/bench/admin-size.mjs
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { buildAdmin } from "../../admin/build.mjs";

const BUDGET = 80 * 1024;
const outDir = await mkdtemp(path.join(os.tmpdir(), "edgechat-admin-"));
try {
  const { initial, files } = await buildAdmin({ outDir });
  console.log(`admin_initial_gzip_bytes ${initial.gzip}`);
  console.log(`admin_initial_bytes ${initial.bytes}`);
  console.log(`admin_files ${files.length}`);
  if (initial.gzip > BUDGET) {
    console.error(`admin initial JS is ${initial.gzip} bytes gzip, over the ${BUDGET} byte budget`);
    process.exitCode = 1;
  }
} finally {
  await rm(outDir, { recursive: true, force: true });
}
