/**
 * The WordPress plugin end to end (issue 7's "Show"): a real WordPress (Debian's package on
 * MariaDB, set up by test/wordpress/setup.sh) served by `php -S` (test/wordpress/serve.sh) with
 * the Edgechat plugin of this work tree, the real Worker in wrangler's local runtime, and
 * Debian's Chromium. The plugin is configured through its own settings page, as an admin would.
 *
 * The E2E site's database (edgechat_wp) outlives the run: the plugin's options are saved
 * before and put back after (test/wordpress/e2e/site.php).
 */
import { execFile, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHmac } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchBrowser, newVisitor } from "./support/browser";
import { eventually, Operator } from "./support/operator";
import { startServer, type TestServer } from "./support/server";
import { Visitor } from "./support/visitor";

const ROOT = path.resolve(import.meta.dirname, "../..");
const WP = path.join(ROOT, "test/wordpress");
const HELPER = path.join(WP, "e2e/site.php");

/** Test accounts created by test/wordpress/install.php (local test database only). */
const ADMIN = { login: "admin", password: "admin-password" };
const SUBSCRIBER = { login: "subscriber", password: "subscriber-password" };
const CUSTOMER = { login: "customer", password: "customer-password", email: "customer@example.com", name: "Chris Customer" };

/** Why the suite is skipped (WordPress could not be installed), or null. */
let unavailable: string | null = null;
let wordpress: { url: string; stop(): Promise<void> } | undefined;
let server: TestServer;
let serverStopped = false;
let browser: Browser;
let operator: Operator;
let savedOptions: string | undefined;
/** The identity secret of the demo site, rotated by the owner at the start. */
let identitySecret: string;

beforeAll(async () => {
  unavailable = await setUpWordPress();
  if (unavailable) {
    console.warn(`[wordpress e2e] skipped: ${unavailable}`);
    return;
  }
  savedOptions = site("options");
  [wordpress, server, browser] = await Promise.all([serveWordPress(), startServer(), launchBrowser()]);
  operator = await Operator.login(browser, server);
}, 900_000);

afterAll(async () => {
  if (savedOptions !== undefined) site("restore", [], savedOptions);
  await browser?.close();
  if (!serverStopped) await server?.stop();
  await wordpress?.stop();
});

/** A test of this file: skipped, with the reason, when WordPress is not there. */
function wpTest(name: string, fn: () => Promise<void>): void {
  test(name, async (ctx) => {
    if (unavailable) ctx.skip(`WordPress could not be installed: ${unavailable}`);
    await fn();
  });
}

describe("WordPress plugin", () => {
  wpTest("an admin configures the plugin on its settings page; a front-end page shows the launcher", async () => {
    const { status, body } = await operator.api("POST", "/api/v1/admin/settings/identity-secret");
    expect(status).toBe(200);
    identitySecret = body.identitySecret;

    const admin = await newVisitor(browser);
    const page = await wpLogin(admin, ADMIN);
    await page.goto(`${wordpress!.url}/wp-admin/options-general.php?page=edgechat`);
    const form = page.locator("form:has(input[name=action][value=edgechat_save])");
    await form.locator("#edgechat-server_url").fill(server.url);
    await form.locator("#edgechat-site_key").fill("demo");
    await form.locator("#edgechat-identity_secret").fill(identitySecret);
    // Whatever an earlier run left: no hide rule, and no plugin secret of another server.
    await form.locator("#edgechat-hide_urls").fill("");
    for (const box of await form.locator("#edgechat-hide_post_types input[type=checkbox]").all()) await box.uncheck();
    const removePluginSecret = form.locator("input[name='edgechat[remove_plugin_secret]']");
    if (await removePluginSecret.count()) await removePluginSecret.check();
    await Promise.all([page.waitForURL(/settings-updated=true/), form.locator("[type=submit]").click()]);

    await expect.poll(() => page.locator(".notice, .updated").allTextContents()).toContainEqual(expect.stringContaining("Settings saved."));
    expect(await page.locator(".notice-error").allTextContents()).toEqual([]);
    expect(await page.locator("#edgechat-server_url").inputValue()).toBe(server.url);
    expect(await page.locator("#edgechat-site_key").inputValue()).toBe("demo");
    expect(await page.locator("#edgechat-identity_secret").inputValue()).toBe("");
    expect(await page.content(), "the settings page never prints the secret").not.toContain(identitySecret);
    await admin.close();

    const visitor = await openWordPressPage();
    const loader = visitor.page.locator("script#edgechat-loader-js");
    expect(await loader.getAttribute("src")).toBe(`${server.url}/widget.js`);
    expect(await loader.getAttribute("data-site")).toBe("demo");
    expect(await loader.getAttribute("async")).not.toBeNull();
    await expect.poll(() => visitor.launcher().isVisible()).toBe(true);
    expect(visitor.errors).toEqual([]);
    await visitor.close();
  });

  wpTest("a message sent from the WordPress page arrives in the Edgechat admin", async () => {
    const visitor = await openWordPressPage();
    const text = `Do you ship to Oslo? (WordPress ${Date.now().toString(36)})`;
    await visitor.openChat();
    await visitor.send(text);
    await expect.poll(() => visitor.states()).toContain("Sent");

    const session = await eventually(() => visitor.session(), 10_000, "a visitor session");
    const entry = await operator.findConversation(session.visitorId);
    expect(entry).toMatchObject({ id: session.conversationId, verified: false, email: null });
    const sock = await operator.join(entry.id);
    expect((await sock.history()).filter((m) => m.author.kind === "visitor").map((m) => m.text)).toEqual([text]);
    const card = await operator.api("GET", `/api/v1/admin/conversations/${entry.id}/visitor`);
    expect(card.body.visitor.trail?.landing).toContain(wordpress!.url);
    await visitor.close();
  });

  wpTest("a logged-in WordPress user arrives verified, signed by PHP with the site's identity secret", async () => {
    const context = await newVisitor(browser);
    const page = await wpLogin(context, CUSTOMER);
    const response = await page.goto(`${wordpress!.url}/`);
    const source = await response!.text();
    expect(source, "the secret never reaches the browser").not.toContain(identitySecret);

    const identity = await page.evaluate(() => (window as any).edgechatSettings?.identity);
    expect(identity).toMatchObject({ email: CUSTOMER.email, name: CUSTOMER.name });
    expect(identity.id).toMatch(/^\d+$/);
    expect(identity.hash, "HMAC-SHA256(identity secret, user id) in hex")
      .toBe(createHmac("sha256", identitySecret).update(identity.id).digest("hex"));

    const visitor = new Visitor(context, page, server);
    await visitor.componentLoaded();
    const text = `Where is my order? (${Date.now().toString(36)})`;
    await visitor.openChat();
    await visitor.send(text);
    const session = await eventually(() => visitor.session(), 10_000, "a visitor session");
    const entry = await operator.findConversation(session.visitorId);
    expect(entry).toMatchObject({ verified: true, email: CUSTOMER.email, visitorName: CUSTOMER.name });
    const card = await operator.api("GET", `/api/v1/admin/conversations/${entry.id}/visitor`);
    expect(card.status).toBe(200);
    expect(card.body.visitor).toMatchObject({ verified: true, email: CUSTOMER.email, name: CUSTOMER.name });
    expect(visitor.errors).toEqual([]);
    await context.close();
  });

  wpTest("a subscriber with valid nonces gets 403 on every settings change, and nothing changes", async () => {
    const before = site("options");
    const context = await newVisitor(browser);
    await wpLogin(context, SUBSCRIBER);
    const cookie = await loggedInCookie(context);
    const actions = ["edgechat_save", "edgechat_connect", "edgechat_check"];
    const nonces = JSON.parse(site("nonces", [cookie, ...actions, "general-options"]));

    // Relinking the site to another account (GHSA-q4qq-c8pp-p3rp in another chat plugin).
    const attack = {
      "edgechat[server_url]": "https://attacker.example",
      "edgechat[site_key]": "attacker-site",
      "edgechat[identity_secret]": "attacker-identity-secret-0123456789",
      "edgechat[plugin_secret]": "attacker-plugin-secret-0123456789",
      "edgechat[owner_email]": "attacker@example.com",
      "edgechat[hide_urls]": "/*",
    };
    for (const action of actions) {
      const res = await context.request.post(`${wordpress!.url}/wp-admin/admin-post.php`, {
        form: { action, _wpnonce: nonces[action], _wp_http_referer: "/wp-admin/options-general.php?page=edgechat", ...attack },
        maxRedirects: 0,
      });
      expect(res.status(), action).toBe(403);
      expect(await res.text(), action).toContain("not allowed to change the Edgechat settings");
    }
    // WordPress's own options.php is no back door to the plugin's option either.
    const viaOptions = await context.request.post(`${wordpress!.url}/wp-admin/options.php`, {
      form: {
        option_page: "general", action: "update", _wpnonce: nonces["general-options"],
        "edgechat_settings[server_url]": "https://attacker.example", "edgechat_settings[site_key]": "attacker-site",
      },
      maxRedirects: 0,
    });
    expect(viaOptions.status()).toBe(403);
    const settingsPage = await context.request.get(`${wordpress!.url}/wp-admin/options-general.php?page=edgechat`);
    expect(settingsPage.status()).toBe(403);

    expect(site("options"), "the plugin's options are unchanged").toBe(before);
    await context.close();

    // Control: the same kind of nonce, made for the admin's session, is accepted.
    const admin = await newVisitor(browser);
    await wpLogin(admin, ADMIN);
    const adminNonce = JSON.parse(site("nonces", [await loggedInCookie(admin), "edgechat_save"])).edgechat_save;
    const saved = await admin.request.post(`${wordpress!.url}/wp-admin/admin-post.php`, {
      form: { action: "edgechat_save", _wpnonce: adminNonce, "edgechat[server_url]": server.url, "edgechat[site_key]": "demo" },
      maxRedirects: 0,
    });
    expect(saved.status()).toBe(302);
    expect(saved.headers().location).toContain("page=edgechat");
    expect(saved.headers().location).toContain("settings-updated=true");
    await admin.close();
  });

  wpTest("Connect creates the site on the Edgechat server and the chat works on the shop at once", async () => {
    const admin = await newVisitor(browser);
    const page = await wpLogin(admin, ADMIN);
    await page.goto(`${wordpress!.url}/wp-admin/options-general.php?page=edgechat`);
    const form = page.locator("form:has(input[name=action][value=edgechat_connect])");
    await form.locator("#edgechat-connect_server_url").fill(server.url);
    await form.locator("#edgechat-owner_email").fill("owner@wordpress-shop.example");
    await form.locator("#edgechat-admin_token").fill(server.vars.ADMIN_TOKEN!);
    await Promise.all([page.waitForLoadState("load"), form.locator("[type=submit]").click()]);
    await expect.poll(() => page.locator("body").textContent(), { timeout: 15_000 }).toContain("The chat is live.");
    expect(await page.locator(".notice-error").allTextContents()).toEqual([]);
    expect(await page.content(), "the admin token is used once, never printed").not.toContain(server.vars.ADMIN_TOKEN!);
    const siteKey = await page.locator("#edgechat-site_key").inputValue();
    expect(siteKey).toMatch(/^[a-z0-9][a-z0-9-]{1,62}$/);
    expect(siteKey).not.toBe("demo");
    await admin.close();

    const visitor = await openWordPressPage();
    expect(await visitor.page.locator("script#edgechat-loader-js").getAttribute("data-site")).toBe(siteKey);
    await visitor.openChat();
    await visitor.send("Hello from a freshly connected shop");
    // "Sent" means the new site accepted this shop's origin and stored the message.
    await expect.poll(() => visitor.states(), { timeout: 15_000 }).toEqual(["Sent"]);
    await visitor.close();
  });

  wpTest("with the Edgechat server stopped, pages still render at once, with no error but the failed load", async () => {
    await server.stop();
    serverStopped = true;

    for (const who of ["a visitor", "a logged-in customer"] as const) {
      const context = await newVisitor(browser);
      // A page of its own: a login page still loading would add its own aborted requests.
      if (who === "a logged-in customer") await (await wpLogin(context, CUSTOMER)).close();
      const page = await context.newPage();
      const pageErrors: string[] = [];
      const consoleErrors: string[] = [];
      const failed: string[] = [];
      page.on("pageerror", (e) => pageErrors.push(String(e)));
      page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
      page.on("requestfailed", (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));

      const started = performance.now();
      const response = await page.goto(`${wordpress!.url}/`, { waitUntil: "load" });
      const ms = performance.now() - started;
      const domContentLoaded = await page.evaluate(() => {
        const [nav] = performance.getEntriesByType("navigation") as PerformanceNavigationTiming[];
        return Math.round(nav.domContentLoadedEventEnd);
      });
      console.log(`[wordpress e2e] server stopped: page for ${who} loaded in ${Math.round(ms)} ms (DOMContentLoaded ${domContentLoaded} ms)`);

      expect(response!.status()).toBe(200);
      await expect.poll(() => page.locator("header a").textContent()).toBe("Edgechat Test Shop");
      expect(await page.locator("main article").count()).toBeGreaterThan(0);
      // Only local requests count: the admin bar's avatars point at gravatar.com, unreachable here.
      expect(failed.filter((u) => u.startsWith("http://127.0.0.1")), "only the loader failed").toEqual([`${server.url}/widget.js net::ERR_CONNECTION_REFUSED`]);
      expect(await page.evaluate(() => typeof (window as any).edgechatSettings), "the inline settings ran").toBe("object");
      expect(await page.locator("edge-chat").count(), "no widget without its server").toBe(0);
      expect(pageErrors).toEqual([]);
      expect(consoleErrors.filter((e) => !e.startsWith("Failed to load resource: net::")), "no script error").toEqual([]);
      expect(consoleErrors).toContain("Failed to load resource: net::ERR_CONNECTION_REFUSED");
      await context.close();
    }
  });
});

/**
 * Runs test/wordpress/setup.sh (idempotent: a second run checks and returns in about a second;
 * it also starts MariaDB when it is down). Returns why WordPress is unavailable, or null.
 */
async function setUpWordPress(): Promise<string | null> {
  try {
    await promisify(execFile)("bash", [path.join(WP, "setup.sh")], { cwd: ROOT, maxBuffer: 64 << 20, timeout: 840_000 });
    return null;
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string; message: string };
    const tail = `${e.stdout ?? ""}${e.stderr ?? ""}`.trim().split("\n").slice(-15).join("\n");
    return `test/wordpress/setup.sh failed (${e.code ?? e.message}):\n${tail || e.message}`;
  }
}

/** test/wordpress/serve.sh on a free port, until WordPress answers its front page. */
async function serveWordPress(): Promise<{ url: string; stop(): Promise<void> }> {
  const { freePort } = (await import(pathToFileURL(path.join(ROOT, "scripts/local-server.mjs")).href)) as { freePort(): Promise<number> };
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  // A few workers: the browser asks for a page and its assets at once.
  const child = spawn("bash", [path.join(WP, "serve.sh"), String(port)], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PHP_CLI_SERVER_WORKERS: "4" },
  });
  const keep = (d: Buffer) => (output = (output + d).slice(-4000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const stop = () => stopGroup(child);
  try {
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`serve.sh exited with code ${child.exitCode}`);
      const res = await fetch(`${url}/`);
      return res.status === 200 && (await res.text()).includes("</html>");
    }, 30_000, `WordPress at ${url}`);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${output}`);
  }
  return { url, stop };
}

/** SIGTERM to the process group (php -S and its workers), SIGKILL after 5 s. */
function stopGroup(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => {
      try { process.kill(-child.pid!, "SIGKILL"); } catch { /* gone */ }
    }, 5000);
    child.once("exit", () => { clearTimeout(timer); resolve(); });
    try { process.kill(-child.pid!, "SIGTERM"); } catch { resolve(); }
  });
}

/** test/wordpress/e2e/site.php: options, restore (JSON on stdin), nonces COOKIE ACTION... */
function site(command: string, args: string[] = [], input?: string): string {
  const res = spawnSync("php", [HELPER, command, ...args], { cwd: ROOT, input, encoding: "utf8", timeout: 30_000 });
  if (res.status !== 0) throw new Error(`site.php ${command} failed (${res.status}): ${res.stderr}${res.stdout}`);
  return res.stdout.trim();
}

/** Logs in through wp-login.php, as a person would; returns the page (now in wp-admin). */
async function wpLogin(context: BrowserContext, user: { login: string; password: string }): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${wordpress!.url}/wp-login.php`);
  await page.locator("#user_login").fill(user.login);
  await page.locator("#user_pass").fill(user.password);
  await Promise.all([page.waitForURL(/\/wp-admin\//), page.locator("#wp-submit").click()]);
  return page;
}

/** The value of the context's wordpress_logged_in_* cookie, as PHP reads it. */
async function loggedInCookie(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies(wordpress!.url)).find((c) => c.name.startsWith("wordpress_logged_in_"));
  if (!cookie) throw new Error("not logged in: no wordpress_logged_in_ cookie");
  return decodeURIComponent(cookie.value);
}

/** A new anonymous visitor on the WordPress front page, with the component loaded. */
async function openWordPressPage(): Promise<Visitor> {
  const context = await newVisitor(browser);
  const visitor = new Visitor(context, await context.newPage(), server);
  await visitor.page.goto(`${wordpress!.url}/`);
  await visitor.componentLoaded();
  return visitor;
}
