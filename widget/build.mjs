/**
 * Builds the visitor widget with esbuild:
 *   outDir/w/edge-chat.<hash>.js  the component with Lit, named by content (cache forever)
 *   outDir/widget.js               the loader, with that name inlined (cache briefly)
 * Both are classic scripts, so a shop on another origin loads them without CORS.
 *
 *   import { buildWidget } from "./widget/build.mjs";
 *   const { loader, component } = await buildWidget({ outDir: "dist/assets" });
 */
import { build, transform } from "esbuild";
import { readFile } from "node:fs/promises";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");

/** `.css` imports become their minified text. */
const cssText = {
  name: "css-text",
  setup(b) {
    b.onLoad({ filter: /\.css$/ }, async (args) => {
      const { code } = await transform(await readFile(args.path, "utf8"), { loader: "css", minify: true });
      return { contents: code.trim(), loader: "text" };
    });
  },
};

/** A UTF-8 byte order mark: the Russian texts decode right even on a windows-1251 shop page. */
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const common = {
  bundle: true,
  plugins: [cssText],
  format: "iife",
  target: "es2022",
  legalComments: "none",
  tsconfig: path.join(ROOT, "tsconfig.web.json"),
  write: false,
  logLevel: "silent",
};

/**
 * Minified output keeps the indentation inside html`` templates. A raw line break in minified
 * code only occurs inside a template literal, and one followed by indentation is template
 * layout, not content (the widget's only pre-wrap text is bound, never literal): one space.
 */
function collapseTemplates(code) {
  return code.replace(/\n {2,}/g, " ");
}

function sizes(file, contents) {
  return { file, bytes: contents.byteLength, gzip: gzipSync(contents, { level: 9 }).byteLength };
}

/**
 * Builds loader and component into `outDir`; returns their file names (relative to outDir),
 * bytes and gzip bytes. Older `w/edge-chat.*.js` files are removed.
 */
export async function buildWidget({ outDir, minify = true }) {
  const component = await build({
    ...common,
    minify,
    entryPoints: { "edge-chat": path.join(HERE, "edge-chat.ts") },
    entryNames: "[name].[hash]",
    charset: "utf8",
    // Only what Lit's decorators need: no "use strict" prologue (class bodies are strict anyway).
    tsconfig: undefined,
    tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false } },
    outdir: path.join(outDir, "w"),
  });
  const componentOut = component.outputFiles.find((f) => f.path.endsWith(".js"));
  const componentCode = collapseTemplates(componentOut.text);
  const componentName = path.basename(componentOut.path);
  const loader = await build({
    ...common,
    minify,
    entryPoints: [path.join(HERE, "loader.ts")],
    tsconfig: undefined,
    tsconfigRaw: {}, // no "use strict" prologue: the loader is a few hundred bytes, every one counts
    outfile: path.join(outDir, "widget.js"),
    define: { __EDGECHAT_COMPONENT__: JSON.stringify(`/w/${componentName}`) },
  });
  const loaderOut = loader.outputFiles[0];

  await mkdir(path.join(outDir, "w"), { recursive: true });
  for (const old of await readdir(path.join(outDir, "w"))) {
    if (/^edge-chat\..+\.js$/.test(old) && old !== componentName) await rm(path.join(outDir, "w", old));
  }
  const componentBytes = Buffer.concat([BOM, Buffer.from(componentCode)]);
  const loaderBytes = loaderOut.contents; // ASCII: \u escapes are smaller here than a BOM
  await writeFile(componentOut.path, componentBytes);
  await writeFile(loaderOut.path, loaderBytes);
  return {
    loader: sizes("widget.js", loaderBytes),
    component: sizes(`w/${componentName}`, componentBytes),
  };
}

// `node widget/build.mjs [outDir]` builds on its own and prints the sizes.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = path.resolve(process.argv[2] ?? path.join(ROOT, "dist/assets"));
  const { loader, component } = await buildWidget({ outDir });
  for (const part of [loader, component]) console.log(`${part.file}  ${part.bytes} B, ${part.gzip} B gzip`);
}
