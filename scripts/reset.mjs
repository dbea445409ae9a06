/** `npm run reset`: deletes the local data and secrets that `npm start` keeps in .wrangler/. */
import { rmSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./local-server.mjs";

rmSync(path.join(ROOT, ".wrangler", "state"), { recursive: true, force: true });
rmSync(path.join(ROOT, ".wrangler", "edgechat-local.json"), { force: true });
console.log("Local data cleared. The next `npm start` seeds the demo site again.");
