/**
 * Starts the Worker in wrangler's local runtime (workerd, SQLite Durable Objects) and seeds
 * sites into it. Used by `npm start`, the end-to-end tests and the benchmarks.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** A random secret as hex. */
export function secret(bytes = 24) {
  return randomBytes(bytes).toString("hex");
}

async function waitForHealth(url, child, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the local runtime did not answer ${url}/healthz within ${ms} ms`);
}

/**
 * Starts `wrangler dev` on 127.0.0.1:port with state in `persistTo`. Resolves when /healthz
 * answers. `stop()` ends wrangler and workerd by their process group. `config` names another
 * wrangler config than ./wrangler.toml (the benchmarks' baseline Workers under test/bench/).
 * `vars` may be a function of the port. Without a `port` a free one is taken, and taken
 * afresh when another server bound it first: test files start their servers side by side,
 * and one may take a port between freePort() finding it free and wrangler binding it.
 */
export async function startLocal({ port, vars, ...options }) {
  const varsFor = (p) => (typeof vars === "function" ? vars(p) : vars);
  if (port !== undefined) return startOnPort({ ...options, port, vars: varsFor(port) });
  for (let attempt = 1; ; attempt++) {
    const free = await freePort();
    try {
      return await startOnPort({ ...options, port: free, vars: varsFor(free) });
    } catch (err) {
      if (attempt >= 3 || !/Address already in use/.test(err.message)) throw err;
    }
  }
}

async function startOnPort({ port, persistTo, vars, quiet = false, env = {}, config }) {
  // Another server on the port would answer the health check in our place.
  if (await portInUse(port)) throw new Error(portBusyMessage(port));
  const args = [
    "dev",
    ...(config ? ["--config", config] : []),
    "--local",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    String(await freePort()),
    "--persist-to",
    persistTo,
    "--show-interactive-dev-session=false",
    "--log-level",
    quiet ? "log" : "warn",
  ];
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  const child = spawn(path.join(ROOT, "node_modules/.bin/wrangler"), args, {
    cwd: ROOT,
    detached: true,
    stdio: quiet ? ["ignore", "pipe", "pipe"] : ["ignore", "inherit", "inherit"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", ...env },
  });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
  // Secret links of local email are printed on the console, never kept readable in the
  // outbox: tests read them here, as the person running the server would.
  const outboxLines = [];
  let partial = "";
  child.stdout?.on("data", (d) => {
    const lines = (partial + d).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) if (line.includes("edgechat local outbox:")) outboxLines.push(line);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = () => stopGroup(child);
  // The server runs in its own process group (so stop() ends workerd too); if whoever
  // started it exits without calling stop(), take the group down with it.
  const orphanGuard = () => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  };
  process.once("exit", orphanGuard);
  child.once("exit", () => process.removeListener("exit", orphanGuard));
  try {
    await waitForHealth(url, child, 90_000);
  } catch (err) {
    await stop();
    throw new Error(`${err.message}\n${stderr}`);
  }
  return {
    url,
    port,
    vars,
    pid: child.pid,
    stop,
    consoleLinks: () => outboxLines.flatMap((l) => l.match(/https?:\/\/\S+/g) ?? []),
  };
}

/** True when something already listens on 127.0.0.1:`port`. */
export function portInUse(port) {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", (err) => resolve(err.code === "EADDRINUSE" || err.code === "EACCES"));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(false)));
  });
}

/** What to tell the person running `npm start` when the port is taken. */
export function portBusyMessage(port) {
  return `Port ${port} is already in use (another Edgechat, or another program). Stop it, or choose another port: PORT=${port + 1} npm start`;
}

/** Sends SIGTERM to the process group, then SIGKILL if it is still there after 5 s. */
function stopGroup(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }, 5000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      resolve();
    }
  });
}

/** Variables of a local run on `port` (secrets are added by the caller). */
export function localVars(port, host = "127.0.0.1") {
  return {
    ENVIRONMENT: "local",
    PUBLIC_URL: `http://${host}:${port}`,
    INBOUND_DOMAIN: "in.edgechat.localhost",
    EMAIL_FROM: "Edgechat demo <support@edgechat.localhost>",
  };
}

/** Creates a site unless it exists. Returns true when it was created now. */
export async function seedSite(url, adminToken, site) {
  const res = await fetch(`${url}/api/v1/sites`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${adminToken}` },
    body: JSON.stringify(site),
  });
  if (res.status === 201) return { created: true, ...(await res.json()) };
  if (res.status === 409) return { created: false };
  throw new Error(`creating site ${site.siteKey} failed: ${res.status} ${await res.text()}`);
}

/** The demo site `npm start` serves at /demo/: it allows any localhost origin. */
export function demoSite(ownerPassword) {
  return {
    siteKey: "demo",
    name: "Demo shop",
    ownerEmail: "owner@example.com",
    ownerName: "Owner",
    ownerPassword,
    allowedOrigins: ["http://localhost:*", "http://127.0.0.1:*"],
    timezone: "Europe/Berlin",
    locale: "en",
  };
}

/**
 * Starts a throwaway local runtime with the demo site, for tests and benchmarks; `extraVars`
 * adds variables (a fake service's URL). A state directory it made itself is removed by
 * `stop()` (each test file starts one; left behind, they filled the temporary directory run
 * after run).
 */
export async function startTestServer({ persistTo, quiet = true, extraVars = {} } = {}) {
  const { mkdtempSync, rmSync } = await import("node:fs");
  const os = await import("node:os");
  const throwaway = !persistTo;
  persistTo ??= mkdtempSync(path.join(os.tmpdir(), "edgechat-state-"));
  const secrets = { TOKEN_SECRET: secret(), ADMIN_TOKEN: secret() };
  const ownerPassword = `pw-${secret(8)}`;
  const server = await startLocal({
    persistTo,
    vars: (port) => ({ ...localVars(port), ...secrets, ...extraVars }),
    quiet,
  });
  const { vars } = server;
  const stop = async () => {
    await server.stop();
    if (throwaway) rmSync(persistTo, { recursive: true, force: true });
  };
  try {
    await seedSite(server.url, vars.ADMIN_TOKEN, demoSite(ownerPassword));
  } catch (err) {
    await stop();
    throw err;
  }
  return { ...server, stop, persistTo, vars, owner: { email: "owner@example.com", password: ownerPassword } };
}
