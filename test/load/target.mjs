/**
 * The servers a load run talks to, each started the way `npm start` starts the real Worker
 * (scripts/local-server.mjs: wrangler's local runtime, a fresh state directory):
 * - `edgechat`: the real Worker with the demo site, its owner logged in, auto-replies off
 *   (unless asked) so that every seq is a message of the run;
 * - `echo`, `echo-insert`: the baselines of test/bench/echo*, which answer the same paths.
 * Only the public contract of docs/api.md is used, so the runs keep working when the
 * Worker's insides change.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { demoSite, localVars, ROOT, secret, seedSite, startLocal } from "../../scripts/local-server.mjs";
import { Peer } from "./peer.mjs";
import { runtimePids } from "./stats.mjs";

export const KINDS = ["echo", "echo-insert", "edgechat"];
const CONFIGS = {
  echo: path.join(ROOT, "test/bench/echo/wrangler.toml"),
  "echo-insert": path.join(ROOT, "test/bench/echo-insert/wrangler.toml"),
};

/** Auto-replies off: an empty week and no rules (as test/e2e/restart.test.ts). */
export const NO_AUTOREPLIES = { schedule: { timezone: "UTC", week: {} }, rules: [] };

/**
 * Starts a target. `persistTo` and `port` (and `secrets`, from an earlier start) let a
 * caller restart on the same state; otherwise a fresh state dir is made in `stateDir`.
 * `stop()` ends it and removes a state dir it made.
 *
 * `localTraces` (off unless asked): wrangler's local-development trace recorder
 * (X_LOCAL_OBSERVABILITY, on by default in `wrangler dev` for its local dashboard) writes
 * every invocation and its storage calls to an SQLite file of its own, on the runtime's one
 * thread. A deployed Worker has no such recorder, and it costs each target in proportion
 * to its calls (measured: 0.29 ms of CPU per message for echo + insert, 0.48 for Edgechat
 * at 100 conversations), so every target runs without it unless this asks for it.
 */
export async function startTarget(
  kind,
  { persistTo, stateDir = os.tmpdir(), port, secrets, autoReplies = false, quiet = true, localTraces = false } = {},
) {
  const ownDir = !persistTo;
  persistTo ??= mkdtempSync(path.join(stateDir, `edgechat-${kind}-`));
  secrets ??= { TOKEN_SECRET: secret(), ADMIN_TOKEN: secret(), password: `pw-${secret(8)}` };
  // Hundreds of conversations from 127.0.0.1: the per-client visitor limits are scaled up.
  const vars = (port) => ({
    ...localVars(port),
    TOKEN_SECRET: secrets.TOKEN_SECRET,
    ADMIN_TOKEN: secrets.ADMIN_TOKEN,
    VISITOR_LIMITS_SCALE: "1000",
  });
  const env = { X_LOCAL_OBSERVABILITY: localTraces ? "true" : "false" };
  const server = await startLocal({ port, persistTo, vars, quiet, env, config: CONFIGS[kind] });
  const target = new Target(kind, server, persistTo, secrets);
  target.ownDir = ownDir;
  try {
    if (kind === "edgechat") {
      await seedSite(server.url, secrets.ADMIN_TOKEN, demoSite(secrets.password));
      await target.login();
      if (!autoReplies) await target.admin("PUT", "/api/v1/admin/autoreply", NO_AUTOREPLIES, 200);
    } else {
      await target.login();
    }
  } catch (err) {
    await target.stop();
    throw err;
  }
  return target;
}

export class Target {
  constructor(kind, server, persistTo, secrets) {
    this.kind = kind;
    this.server = server;
    this.url = server.url;
    this.port = server.port;
    this.wsBase = server.url.replace("http", "ws");
    this.persistTo = persistTo;
    this.secrets = secrets;
    this.cookie = "";
    this.ownDir = false;
  }

  /** True for the real Worker (the baselines have no inbox, outbox or settings). */
  get real() {
    return this.kind === "edgechat";
  }

  /** The workerd processes of this server, for CPU and memory figures. */
  runtimePids() {
    return runtimePids(this.server.pid);
  }

  /** Logs the demo owner in (the baselines hand out a dummy cookie). */
  async login() {
    const res = await fetch(`${this.url}/api/v1/admin/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: this.url },
      body: JSON.stringify({ siteKey: "demo", email: "owner@example.com", password: this.secrets.password }),
    });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
    this.cookie = res.headers.get("set-cookie").split(";")[0];
  }

  /** An admin API call as the owner, from the admin's origin; checks `expect` when given. */
  async admin(method, apiPath, body, expect) {
    const res = await fetch(`${this.url}${apiPath}`, {
      method,
      headers: {
        Origin: this.url,
        Cookie: this.cookie,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json = text;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON
    }
    if (expect !== undefined && res.status !== expect)
      throw new Error(`${method} ${apiPath}: ${res.status} ${text.slice(0, 300)}`);
    return { status: res.status, body: json };
  }

  /** A new visitor session of the demo site: `{visitorToken, visitorId, conversationId}`. */
  async session(body = {}) {
    const res = await fetch(`${this.url}/api/v1/sites/demo/sessions`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: this.url },
      body: JSON.stringify(body),
    });
    if (res.status !== 200) throw new Error(`session failed: ${res.status} ${await res.text()}`);
    return res.json();
  }

  visitorUrl(session) {
    return `${this.wsBase}/api/v1/conversations/${session.conversationId}/ws?token=${encodeURIComponent(session.visitorToken)}`;
  }

  operatorUrl(conversationId) {
    return `${this.wsBase}/api/v1/admin/conversations/${conversationId}/ws`;
  }

  /** The operator's headers for sockets: the session cookie and the admin's origin. */
  get operatorHeaders() {
    return { Cookie: this.cookie, Origin: this.url };
  }

  openVisitor(session, options = {}) {
    return Peer.open(this.visitorUrl(session), options);
  }

  openOperator(conversationId, options = {}) {
    return Peer.open(this.operatorUrl(conversationId), { headers: this.operatorHeaders, ...options });
  }

  /** The site's inbox socket (`/api/v1/admin/ws`); resolves after its first `inbox` frame. */
  async openInbox(options = {}) {
    const peer = await Peer.open(`${this.wsBase}/api/v1/admin/ws`, { headers: this.operatorHeaders, ...options });
    return peer;
  }

  async stop() {
    const pids = this.runtimePids();
    await this.server.stop();
    // workerd may outlive wrangler by a moment, still writing its state: wait for it first.
    const deadline = Date.now() + 5000;
    while (pids.some((pid) => existsSync(`/proc/${pid}`)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    if (this.ownDir) rmSync(this.persistTo, { recursive: true, force: true, maxRetries: 5 });
  }
}
