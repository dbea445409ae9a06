/**
 * Builds the visitor widget with esbuild:
 *   outDir/w/calls.<hash>.js      the call panel and WebRTC, loaded by the extras when a call starts or rings
 *   outDir/w/extras.<hash>.js     the "More" menu's features, loaded by the component on demand
 *   outDir/w/engage.<hash>.js     a proactive message or greeting beside the launcher, loaded by the extras when the server offers one
 *   outDir/w/edge-chat.<hash>.js  the component with Lit and the extras' name (cache forever)
 *   outDir/widget.js               the loader, with the component's name inlined (cache briefly)
 * All are classic scripts, so a shop on another origin loads them without CORS.
 *
 *   import { buildWidget } from "./widget/build.mjs";
 *   const { loader, component, extras } = await buildWidget({ outDir: "dist/assets" });
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

/** One hashed script of `w/` (component or extras), with the component's compiler options. */
async function buildChunk(name, entry, outDir, minify, define = {}) {
  const result = await build({
    ...common,
    minify,
    entryPoints: { [name]: entry },
    entryNames: "[name].[hash]",
    charset: "utf8",
    // Only what Lit's decorators need: no "use strict" prologue (class bodies are strict anyway).
    tsconfig: undefined,
    tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false } },
    outdir: path.join(outDir, "w"),
    define,
  });
  const out = result.outputFiles.find((f) => f.path.endsWith(".js"));
  // esbuild's hash is upper case; in lower case it shares more of the loader's letters and
  // costs it 3-4 bytes less gzip (the loader carries the component's name, within 1 KB).
  const file = path.basename(out.path).toLowerCase();
  const bytes = Buffer.concat([BOM, Buffer.from(collapseTemplates(out.text))]);
  return { path: path.join(path.dirname(out.path), file), name: file, bytes };
}

/**
 * Builds loader, component and extras into `outDir`; returns their file names (relative to
 * outDir), bytes and gzip bytes. Older `w/edge-chat.*.js` and `w/extras.*.js` files are removed.
 */
export async function buildWidget({ outDir, minify = true }) {
  // Calls and the bot first, then extras: each carries the next ones' hashed names, so it changes when they do.
  const calls = await buildChunk("calls", path.join(HERE, "calls/index.ts"), outDir, minify);
  const bot = await buildChunk("bot", path.join(HERE, "bot/index.ts"), outDir, minify);
  const engage = await buildChunk("engage", path.join(HERE, "engage/index.ts"), outDir, minify);
  const extras = await buildChunk("extras", path.join(HERE, "extras/index.ts"), outDir, minify, {
    __EDGECHAT_CALLS__: JSON.stringify(`/w/${calls.name}`),
    __EDGECHAT_BOT__: JSON.stringify(`/w/${bot.name}`),
    __EDGECHAT_ENGAGE__: JSON.stringify(`/w/${engage.name}`),
  });
  const component = await buildChunk("edge-chat", path.join(HERE, "edge-chat.ts"), outDir, minify, {
    __EDGECHAT_EXTRAS__: JSON.stringify(`/w/${extras.name}`),
  });
  const loader = await build({
    ...common,
    minify,
    entryPoints: [path.join(HERE, "loader.ts")],
    tsconfig: undefined,
    tsconfigRaw: {}, // no "use strict" prologue: the loader is a few hundred bytes, every one counts
    outfile: path.join(outDir, "widget.js"),
    define: { __EDGECHAT_COMPONENT__: JSON.stringify(`/w/${component.name}`) },
  });
  const loaderOut = loader.outputFiles[0];

  await mkdir(path.join(outDir, "w"), { recursive: true });
  for (const old of await readdir(path.join(outDir, "w"))) {
    if (/^(edge-chat|extras|bot|calls|engage)\..+\.js$/.test(old) && ![component.name, extras.name, bot.name, calls.name, engage.name].includes(old)) {
      await rm(path.join(outDir, "w", old));
    }
  }
  const loaderBytes = loaderOut.contents; // ASCII: \u escapes are smaller here than a BOM
  await writeFile(calls.path, calls.bytes);
  await writeFile(extras.path, extras.bytes);
  await writeFile(bot.path, bot.bytes);
  await writeFile(engage.path, engage.bytes);
  await writeFile(component.path, component.bytes);
  await writeFile(loaderOut.path, loaderBytes);
  return {
    loader: sizes("widget.js", loaderBytes),
    component: sizes(`w/${component.name}`, component.bytes),
    extras: sizes(`w/${extras.name}`, extras.bytes),
    bot: sizes(`w/${bot.name}`, bot.bytes),
    calls: sizes(`w/${calls.name}`, calls.bytes),
    engage: sizes(`w/${engage.name}`, engage.bytes),
  };
}

// `node widget/build.mjs [outDir]` builds on its own and prints the sizes.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = path.resolve(process.argv[2] ?? path.join(ROOT, "dist/assets"));
  const { loader, component, extras, bot, calls, engage } = await buildWidget({ outDir });
  for (const part of [loader, component, extras, bot, calls, engage]) console.log(`${part.file}  ${part.bytes} B, ${part.gzip} B gzip`);
}
