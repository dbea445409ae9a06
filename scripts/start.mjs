/**
 * `npm start`: builds the widget and the admin, runs the Worker locally on
 * http://127.0.0.1:8787 (PORT to change), seeds the demo site, and prints where to go.
 * Data stays in .wrangler/state between runs; `npm run reset` clears it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build } from "./build.mjs";
import {
  ROOT,
  demoSite,
  localVars,
  portBusyMessage,
  portInUse,
  secret,
  seedSite,
  startLocal,
} from "./local-server.mjs";

const STATE = path.join(ROOT, ".wrangler", "state");
const SECRETS = path.join(ROOT, ".wrangler", "edgechat-local.json");

/** Local secrets and the demo password, made once and kept with the local data. */
function localSecrets() {
  if (existsSync(SECRETS)) return JSON.parse(readFileSync(SECRETS, "utf8"));
  mkdirSync(path.dirname(SECRETS), { recursive: true });
  const made = {
    TOKEN_SECRET: secret(),
    ADMIN_TOKEN: secret(),
    demoPassword: process.env.DEMO_PASSWORD || `demo-${secret(6)}`,
  };
  writeFileSync(SECRETS, JSON.stringify(made, null, 2), { mode: 0o600 });
  return made;
}

const port = Number(process.env.PORT || 8787);
// Checked first: another server there would answer our health check, and we would print
// "running" for a server that is not ours.
if (await portInUse(port)) {
  console.error(portBusyMessage(port));
  process.exit(1);
}
await build({ quiet: true });
const s = localSecrets();
const password = process.env.DEMO_PASSWORD || s.demoPassword;
const server = await startLocal({
  port,
  persistTo: STATE,
  vars: { ...localVars(port, "localhost"), TOKEN_SECRET: s.TOKEN_SECRET, ADMIN_TOKEN: s.ADMIN_TOKEN },
});
const seeded = await seedSite(server.url, s.ADMIN_TOKEN, demoSite(password));
const base = `http://localhost:${port}`;
console.log(`
Edgechat is running (local runtime, data in .wrangler/state${seeded.created ? ", demo site created" : ""}).

  Demo shop page:  ${base}/demo/
  Admin:           ${base}/admin/
  Sign in:         site "demo", owner@example.com / ${password}
  Admin token:     ${s.ADMIN_TOKEN}   (for POST /api/v1/sites)

Press Ctrl+C to stop.`);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await server.stop();
    process.exit(0);
  });
}
