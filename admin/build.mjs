/**
 * Builds the operators' admin app with esbuild, split into chunks so the first load is small:
 *   outDir/index.html                the page, with the initial script, its chunks and the CSS
 *   outDir/assets/main-<hash>.js     the entry (shell, login, inbox, conversation, card)
 *   outDir/assets/c-<hash>.js        chunks: shared code, and settings screens loaded on use
 *   outDir/assets/theme-<hash>.css   page-wide colors
 *
 *   import { buildAdmin } from "./admin/build.mjs";
 *   const { initial } = await buildAdmin({ outDir: "dist/assets/admin" }); // initial.gzip ≤ 80 KB
 */
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");
/** Where the Worker serves `outDir` (wrangler.toml [assets] + dist/assets/admin). */
const PUBLIC_PATH = "/admin/";

/** The entry's output and every chunk it imports statically, transitively: what the first load fetches. */
function initialFiles(metafile, entry) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imp of metafile.outputs[file]?.imports ?? []) if (imp.kind === "import-statement") visit(imp.path);
  };
  visit(entry);
  return [...seen];
}

/**
 * Builds into `outDir` (emptied first). Returns `{initial: {file, bytes, gzip}, files}` where
 * `initial` sums the entry and its static chunks (gzip level 9), `file` is the entry's path
 * relative to outDir.
 */
export async function buildAdmin({ outDir, minify = true }) {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const result = await build({
    entryPoints: { main: path.join(HERE, "src/main.ts"), theme: path.join(HERE, "src/theme.css") },
    bundle: true,
    splitting: true,
    format: "esm",
    target: "es2022",
    minify,
    charset: "utf8",
    legalComments: "none",
    outdir: path.join(outDir, "assets"),
    entryNames: "[name]-[hash]",
    chunkNames: "c-[hash]",
    metafile: true,
    tsconfig: path.join(ROOT, "tsconfig.web.json"),
    logLevel: "silent",
    absWorkingDir: ROOT,
  });
  const outputs = Object.keys(result.metafile.outputs);
  const rel = (f) => path.relative(outDir, path.resolve(ROOT, f)).split(path.sep).join("/");
  const entry = outputs.find((f) => result.metafile.outputs[f].entryPoint?.endsWith("src/main.ts"));
  const css = outputs.find((f) => f.endsWith(".css"));
  const initial = initialFiles(result.metafile, entry);
  const contents = await Promise.all(initial.map((f) => readFile(path.resolve(ROOT, f))));
  const joined = Buffer.concat(contents);
  const tags = [
    `<link rel="stylesheet" href="${PUBLIC_PATH}${rel(css)}">`,
    ...initial.filter((f) => f !== entry).map((f) => `<link rel="modulepreload" href="${PUBLIC_PATH}${rel(f)}">`),
    `<script type="module" src="${PUBLIC_PATH}${rel(entry)}"></script>`,
  ];
  const template = await readFile(path.join(HERE, "index.html"), "utf8");
  const page = template.replace("<!--ASSETS-->", tags.join("\n  "));
  await writeFile(path.join(outDir, "index.html"), page);
  await writeInstallable(outDir, [...initial.map(rel), rel(css)], page);
  return {
    initial: { file: rel(entry), bytes: joined.byteLength, gzip: gzipSync(joined, { level: 9 }).byteLength },
    files: outputs.map(rel),
  };
}

/**
 * The installable app: the manifest, icons and offline page (admin/public), and the service
 * worker with the list of the app shell's files and a version that changes with them.
 */
async function writeInstallable(outDir, shellFiles, page) {
  await cp(path.join(HERE, "public"), outDir, { recursive: true });
  const shell = ["/admin/", "/admin/offline", "/admin/manifest.webmanifest", "/admin/icon-192.png", "/admin/icon-512.png",
    ...shellFiles.map((f) => `${PUBLIC_PATH}${f}`)];
  const version = createHash("sha256").update(page).update(shell.join()).digest("hex").slice(0, 12);
  const worker = await readFile(path.join(HERE, "service-worker.js"), "utf8");
  await writeFile(path.join(outDir, "sw.js"), `const SHELL = ${JSON.stringify(shell)};\nconst VERSION = "${version}";\n${worker}`);
}
