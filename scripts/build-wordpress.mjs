#!/usr/bin/env node
// Builds the WordPress plugin (plugins/wordpress/edgechat):
//   1. languages/edgechat.pot from the sources; each .po gets new strings (empty) and loses
//      removed ones; each .po is compiled into .mo, and into .json for the block editor script;
//   2. dist/edgechat-wordpress.zip with the plugin folder at its root (no tests, no dev files).
// Usage:
//   node scripts/build-wordpress.mjs                  update languages/ and write the zip
//   node scripts/build-wordpress.mjs --check          fail if languages/ is stale or a translation is missing (CI)
//   node scripts/build-wordpress.mjs --out FILE.zip   write the zip elsewhere
//   node scripts/build-wordpress.mjs --zip-only --out FILE.zip   only the zip from languages/ as they are (npm run build)
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import {
  compileMo,
  extractBlockJson,
  extractCalls,
  extractHeaders,
  formatPo,
  mergeEntries,
  mergeTranslations,
  parsePo,
  scriptJson,
} from "../plugins/wordpress/tools/i18n.mjs";
import { zip } from "../plugins/wordpress/tools/zip.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const PLUGIN = join(ROOT, "plugins/wordpress/edgechat");
const LANGUAGES = join(PLUGIN, "languages");
const DOMAIN = "edgechat";
/** Paths inside the plugin that are for developers only and stay out of the zip. */
const DEV_ONLY = [/^tests\//, /^README\.md$/, /(^|\/)\.[^/]*$/, /^phpunit\.xml/];

const args = process.argv.slice(2);
const check = args.includes("--check");
const out = args.includes("--out") ? args[args.indexOf("--out") + 1] : join(ROOT, "dist/edgechat-wordpress.zip");

/** Every file of the plugin, as paths relative to it, sorted. */
function pluginFiles() {
  return readdirSync(PLUGIN, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(PLUGIN, join(entry.parentPath, entry.name)))
    .sort();
}

/** The .pot entries of the current sources. */
function templateEntries(files) {
  const sources = files.filter((f) => !DEV_ONLY.some((re) => re.test(f)));
  const read = (file) => readFileSync(join(PLUGIN, file), "utf8");
  return mergeEntries([
    extractHeaders(read("edgechat.php"), "edgechat.php"),
    ...sources.filter((f) => /\.(php|js)$/.test(f)).map((f) => extractCalls(read(f), f, DOMAIN)),
    ...sources.filter((f) => f.endsWith("block.json")).map((f) => extractBlockJson(read(f), f)),
  ]);
}

/** What languages/ should contain: file name → expected content, plus problems to report. */
function expectedLanguageFiles(files) {
  const version = readFileSync(join(PLUGIN, "edgechat.php"), "utf8").match(/^\s*\*\s*Version:\s*(\S+)/m)[1];
  const template = templateEntries(files);
  const potHeader = [
    `Project-Id-Version: Edgechat ${version}\n`,
    "MIME-Version: 1.0\n",
    "Content-Type: text/plain; charset=UTF-8\n",
    "Content-Transfer-Encoding: 8bit\n",
    `X-Domain: ${DOMAIN}\n`,
  ].join("");
  const expected = new Map([["edgechat.pot", formatPo(potHeader, template)]]);
  const problems = [];
  const scripts = files
    .filter((f) => f.endsWith("block.json"))
    .map((f) => {
      const block = JSON.parse(readFileSync(join(PLUGIN, f), "utf8"));
      return {
        path: join(dirname(f), block.editorScript.replace("file:./", "")),
        handle: `${block.name.replace("/", "-")}-editor-script`,
      };
    });
  for (const poFile of files.filter((f) => /^languages\/[^/]+\.po$/.test(f))) {
    const locale = poFile.match(/edgechat-(.+)\.po$/)[1];
    const po = parsePo(readFileSync(join(PLUGIN, poFile), "utf8"));
    const entries = mergeTranslations(template, po.entries);
    const header = po.header.replace(/^Project-Id-Version: .*$/m, `Project-Id-Version: Edgechat ${version}`);
    for (const e of entries.filter((x) => !x.str))
      problems.push(`${poFile}: no translation for ${JSON.stringify(e.id)}`);
    expected.set(`edgechat-${locale}.po`, formatPo(header, entries));
    expected.set(`edgechat-${locale}.mo`, compileMo(header, entries));
    for (const script of scripts)
      expected.set(`edgechat-${locale}-${script.handle}.json`, scriptJson(header, entries, script.path));
  }
  return { expected, problems };
}

function updateLanguages() {
  const { expected, problems } = expectedLanguageFiles(pluginFiles());
  const stale = [...expected]
    .filter(([name, content]) => {
      const file = join(LANGUAGES, name);
      return !existsSync(file) || !readFileSync(file).equals(Buffer.from(content));
    })
    .map(([name]) => name);
  if (check) {
    for (const name of stale) problems.push(`languages/${name} is out of date: run node scripts/build-wordpress.mjs`);
    return problems;
  }
  for (const name of stale) {
    writeFileSync(join(LANGUAGES, name), expected.get(name));
    console.log(`wrote languages/${name}`);
  }
  return problems;
}

function writeZip() {
  const files = pluginFiles().filter((f) => !DEV_ONLY.some((re) => re.test(f)));
  const archive = zip(files.map((f) => ({ name: `edgechat/${f}`, data: readFileSync(join(PLUGIN, f)) })));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, archive);
  console.log(
    `wrote ${relative(process.cwd(), out) || out} (${files.length} files, ${(archive.length / 1024).toFixed(1)} KiB)`,
  );
}

if (args.includes("--zip-only")) {
  writeZip();
  process.exit(0);
}

const problems = updateLanguages();
for (const problem of problems) console.error(problem);
if (check) {
  if (problems.length) process.exit(1);
  console.log("WordPress plugin translations are up to date and complete.");
} else {
  writeZip();
  if (problems.length) console.error(`${problems.length} translation(s) missing: the zip was written anyway.`);
}
