/**
 * The WordPress plugin end to end: a real WordPress (Debian's package on
 * MariaDB, set up by test/wordpress/setup.sh) served by `php -S` (test/wordpress/serve.sh) with
 * the Edgechat plugin of this work tree, the real Worker in wrangler's local runtime, and
 * Debian's Chromium. The plugin is configured through its own settings page, as an admin would.
 *
 * The E2E site's database (edgechat_wp) outlives the run: the plugin's options are saved
 * before and put back after (test/wordpress/e2e/site.php).
 */
import { createHmac } from "node:crypto";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect } from "vitest";
import { launchBrowser, newVisitor } from "./support/browser";
import { eventually, Operator } from "./support/operator";
import { startServer, type TestServer } from "./support/server";
import { Visitor } from "./support/visitor";
import {
  serveWordPress,
  setUpWordPress,
  wpHelper,
  wpLogin,
  wpTest as wordpressTest,
  type WordPressServer,
} from "./support/wordpress";

/** Test accounts created by test/wordpress/install.php (local test database only). */
const ADMIN = { login: "admin", password: "admin-password" };
const SUBSCRIBER = { login: "subscriber", password: "subscriber-password" };
const CUSTOMER = {
  login: "customer",
  password: "customer-password",
  email: "customer@example.com",
  name: "Chris Customer",
};

/** Why the suite is skipped (WordPress could not be installed), or null. */
let unavailable: string | null = null;
let wordpress: WordPressServer | undefined;
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
  savedOptions = wpHelper("site.php", ["options"]);
  [wordpress, server, browser] = await Promise.all([serveWordPress(), startServer(), launchBrowser()]);
  operator = await Operator.login(browser, server);
}, 900_000);

afterAll(async () => {
  if (savedOptions !== undefined) wpHelper("site.php", ["restore"], savedOptions);
  await browser?.close();
  if (!serverStopped) await server?.stop();
  await wordpress?.stop();
});

/** A test of this file: skipped, with the reason, when WordPress is not there. */
const wpTest = (name: string, fn: () => Promise<void>) => wordpressTest(name, fn, () => unavailable);

describe("WordPress plugin", () => {
  wpTest("an admin configures the plugin on its settings page; a front-end page shows the launcher", async () => {
    const { status, body } = await operator.api("POST", "/api/v1/admin/settings/identity-secret");
    expect(status).toBe(200);
    identitySecret = body.identitySecret;

    const admin = await newVisitor(browser);
    const page = await wpLogin(admin, wordpress!.url, ADMIN);
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

    await expect
      .poll(() => page.locator(".notice, .updated").allTextContents())
      .toContainEqual(expect.stringContaining("Settings saved."));
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
    const page = await wpLogin(context, wordpress!.url, CUSTOMER);
    const response = await page.goto(`${wordpress!.url}/`);
    const source = await response!.text();
    expect(source, "the secret never reaches the browser").not.toContain(identitySecret);

    const identity = await page.evaluate(() => (window as any).edgechatSettings?.identity);
    expect(identity).toMatchObject({ email: CUSTOMER.email, name: CUSTOMER.name });
    expect(identity.id).toMatch(/^\d+$/);
    expect(identity.hash, "HMAC-SHA256(identity secret, user id + LF + email) in hex").toBe(
      createHmac("sha256", identitySecret).update(`${identity.id}\n${identity.email}`).digest("hex"),
    );

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
    const before = wpHelper("site.php", ["options"]);
    const context = await newVisitor(browser);
    await wpLogin(context, wordpress!.url, SUBSCRIBER);
    const cookie = await loggedInCookie(context);
    const actions = ["edgechat_save", "edgechat_connect", "edgechat_check"];
    const nonces = JSON.parse(wpHelper("site.php", ["nonces", cookie, ...actions, "general-options"]));

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
        form: {
          action,
          _wpnonce: nonces[action],
          _wp_http_referer: "/wp-admin/options-general.php?page=edgechat",
          ...attack,
        },
        maxRedirects: 0,
      });
      expect(res.status(), action).toBe(403);
      expect(await res.text(), action).toContain("not allowed to change the Edgechat settings");
    }
    // WordPress's own options.php is no back door to the plugin's option either.
    const viaOptions = await context.request.post(`${wordpress!.url}/wp-admin/options.php`, {
      form: {
        option_page: "general",
        action: "update",
        _wpnonce: nonces["general-options"],
        "edgechat_settings[server_url]": "https://attacker.example",
        "edgechat_settings[site_key]": "attacker-site",
      },
      maxRedirects: 0,
    });
    expect(viaOptions.status()).toBe(403);
    const settingsPage = await context.request.get(`${wordpress!.url}/wp-admin/options-general.php?page=edgechat`);
    expect(settingsPage.status()).toBe(403);

    expect(wpHelper("site.php", ["options"]), "the plugin's options are unchanged").toBe(before);
    await context.close();

    // Control: the same kind of nonce, made for the admin's session, is accepted.
    const admin = await newVisitor(browser);
    await wpLogin(admin, wordpress!.url, ADMIN);
    const adminNonce = JSON.parse(
      wpHelper("site.php", ["nonces", await loggedInCookie(admin), "edgechat_save"]),
    ).edgechat_save;
    const saved = await admin.request.post(`${wordpress!.url}/wp-admin/admin-post.php`, {
      form: {
        action: "edgechat_save",
        _wpnonce: adminNonce,
        "edgechat[server_url]": server.url,
        "edgechat[site_key]": "demo",
      },
      maxRedirects: 0,
    });
    expect(saved.status()).toBe(302);
    expect(saved.headers().location).toContain("page=edgechat");
    expect(saved.headers().location).toContain("settings-updated=true");
    await admin.close();
  });

  wpTest("Connect creates the site on the Edgechat server and the chat works on the shop at once", async () => {
    const admin = await newVisitor(browser);
    const page = await wpLogin(admin, wordpress!.url, ADMIN);
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

  wpTest(
    "with the Edgechat server stopped, pages still render at once, with no error but the failed load",
    async () => {
      await server.stop();
      serverStopped = true;

      for (const who of ["a visitor", "a logged-in customer"] as const) {
        const context = await newVisitor(browser);
        // A page of its own: a login page still loading would add its own aborted requests.
        if (who === "a logged-in customer") await (await wpLogin(context, wordpress!.url, CUSTOMER)).close();
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
        console.log(
          `[wordpress e2e] server stopped: page for ${who} loaded in ${Math.round(ms)} ms (DOMContentLoaded ${domContentLoaded} ms)`,
        );

        expect(response!.status()).toBe(200);
        await expect.poll(() => page.locator("header a").textContent()).toBe("Edgechat Test Shop");
        expect(await page.locator("main article").count()).toBeGreaterThan(0);
        // Only local requests count: the admin bar's avatars point at gravatar.com, unreachable here.
        expect(
          failed.filter((u) => u.startsWith("http://127.0.0.1")),
          "only the loader failed",
        ).toEqual([`${server.url}/widget.js net::ERR_CONNECTION_REFUSED`]);
        expect(await page.evaluate(() => typeof (window as any).edgechatSettings), "the inline settings ran").toBe(
          "object",
        );
        expect(await page.locator("edge-chat").count(), "no widget without its server").toBe(0);
        expect(pageErrors).toEqual([]);
        expect(
          consoleErrors.filter((e) => !e.startsWith("Failed to load resource: net::")),
          "no script error",
        ).toEqual([]);
        expect(consoleErrors).toContain("Failed to load resource: net::ERR_CONNECTION_REFUSED");
        await context.close();
      }
    },
  );
});

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
