// Builds the OpenCart module: dist/edgechat.ocmod.zip with install.json, admin/, catalog/ and
// system/ at its root, as OpenCart 4's Installer (Extensions → Installer) expects; the file
// name without .ocmod.zip ("edgechat") becomes the extension's folder.
//
//   node scripts/build-opencart.mjs                  write dist/edgechat.ocmod.zip
//   node scripts/build-opencart.mjs --out FILE.zip   write it elsewhere
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { zip } from "../plugins/wordpress/tools/zip.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const MODULE = join(ROOT, "plugins/opencart/edgechat");
const args = process.argv.slice(2);
const out = args.includes("--out") ? args[args.indexOf("--out") + 1] : join(ROOT, "dist/edgechat.ocmod.zip");

/** Every file of the module, relative to its root, sorted (a stable zip). */
function moduleFiles(dir = MODULE) {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? moduleFiles(path) : [relative(MODULE, path)];
    })
    .sort();
}

const files = moduleFiles();
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, zip(files.map((f) => ({ name: f, data: readFileSync(join(MODULE, f)) }))));
console.log(`${relative(process.cwd(), out) || out}: ${files.length} files`);
