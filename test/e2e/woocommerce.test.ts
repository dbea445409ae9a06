/**
 * The WordPress plugin on a real WooCommerce, when the releases are on this machine
 * (~/.cache/edgechat-platforms/wordpress-7.0.4 and woocommerce-11.0.1/wp-content/plugins/woocommerce,
 * or EDGECHAT_WORDPRESS_DIR and EDGECHAT_WOOCOMMERCE_DIR): a fresh copy on PHP + MariaDB with
 * the block theme twentytwentyfive, HPOS, plain permalinks (WordPress's default), installed by
 * test/woocommerce/install.php and served by `php -S`; the plugin's zip goes through
 * Plugins → Add New → Upload in Debian's Chromium and activates with a clean debug log;
 * Connect to the real Edgechat server; a logged-in customer's block (Store API) checkout with
 * cash on delivery reports its order event once through Action Scheduler; the customer chats
 * and the operator's card shows their cart and the order.
 * Without the releases the file prints one "skipped: …" line.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/local-server.mjs";
import { AdminPage } from "./admin-support/admin-page";
import { startAdminWorld } from "./admin-support/setup";
import { newVisitor } from "./support/browser";
import { eventually } from "./support/operator";
import type { TestServer } from "./support/server";
import { Visitor } from "./support/visitor";

const ROOT = path.resolve(import.meta.dirname, "../..");
const PLATFORMS = path.join(os.homedir(), ".cache/edgechat-platforms");
const ADMIN = { login: "admin", password: "admin-password" };
const CUSTOMER = { login: "customer", password: "customer-password" };

/** A shop to test on: a WordPress release, a WooCommerce release and a theme, from this machine. */
interface ShopPlatform {
  /** Screenshot names and the database. */
  key: string;
  title: string;
  wordpress: string;
  woocommerce: string;
  theme: string;
  /** A theme that is not in the WordPress release. */
  themeDir?: string;
  /** Orders in WooCommerce's own tables (the default of new shops since WooCommerce 8.2). */
  hpos: boolean;
  versions: { wordpress: string; woocommerce: string };
}

const SHOPS: ShopPlatform[] = [
  {
    key: "woocommerce-11",
    title: "WordPress 7.0.4 + WooCommerce 11.0.1 (block theme, HPOS, plain permalinks)",
    wordpress: process.env.EDGECHAT_WORDPRESS_DIR ?? path.join(PLATFORMS, "wordpress-7.0.4"),
    woocommerce:
      process.env.EDGECHAT_WOOCOMMERCE_DIR ?? path.join(PLATFORMS, "woocommerce-11.0.1/wp-content/plugins/woocommerce"),
    theme: "twentytwentyfive",
    hpos: true,
    versions: { wordpress: "7.0.4", woocommerce: "11.0.1" },
  },
];

/** Why this machine cannot run a shop's suite, or null. */
function missing(platform: ShopPlatform): string | null {
  const need: Array<[string, string]> = [
    [path.join(platform.wordpress, "wp-settings.php"), `WordPress ${platform.versions.wordpress}`],
    [path.join(platform.woocommerce, "woocommerce.php"), `WooCommerce ${platform.versions.woocommerce}`],
  ];
  if (platform.themeDir) need.push([path.join(platform.themeDir, "style.css"), `the theme ${platform.theme}`]);
  for (const [file, what] of need) if (!existsSync(file)) return `${what} not found at ${path.dirname(file)}`;
  try {
    execFileSync("php", ["-r", "exit(function_exists('mysqli_connect') && class_exists('ZipArchive') ? 0 : 1);"]);
    execFileSync("mariadb", ["-uroot", "-e", "SELECT 1"], { stdio: "pipe" });
  } catch {
    return "WooCommerce needs PHP with mysqli and zip and a running MariaDB (test/wordpress/setup.sh installs and starts them)";
  }
  return null;
}
const reasons = new Map(SHOPS.map((shop) => [shop.key, missing(shop)]));
for (const [key, why] of reasons) if (why) console.log(`skipped: ${key}: ${why}`);

/** The real Edgechat server and Debian's Chromium, shared by the shops. */
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  if ([...reasons.values()].every(Boolean)) return;
  ({ server, browser } = await startAdminWorld());
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

for (const platform of SHOPS) shopSuite(platform);

/** One shop's suite: install, upload, Connect, checkout, the card. */
function shopSuite(platform: ShopPlatform): void {
  const why = reasons.get(platform.key);
  const DB = `edgechat_e2e_${platform.key.replace(/\W/g, "_")}`;
  const OWNER = { email: `owner@${platform.key}.example`, password: "a woo shop owner's password" };
  let dir: string;
  let shopUrl: string;
  let php: ChildProcess | undefined;
  let shop: { productId: number; customerId: number; woocommerce: string; wordpress: string; hpos: string | false };
  let siteKey: string;
  let owner: AdminPage;
  let orderId: number;

  const sql = (query: string): string =>
    execFileSync("mariadb", ["-uroot", "-N", "-B", DB, "-e", query], { encoding: "utf8" }).trim();
  /**
   * PHP notices, warnings and errors the shop logged since the last call, but for WordPress's
   * update checks, which fail here by design (no internet: WP_HTTP_BLOCK_EXTERNAL).
   */
  let logRead = 0;
  function newLogLines(): string[] {
    const file = path.join(dir, "debug.log");
    const text = existsSync(file) ? readFileSync(file, "utf8") : "";
    const lines = text.slice(logRead).split("\n").filter(Boolean);
    logRead = text.length;
    return lines.filter((l) => !/PHP Warning: {2}wp_(version_check|update_plugins|update_themes)\(\)/.test(l));
  }

  /** Logs in through wp-login.php as a person would; a customer lands on the shop, not wp-admin. */
  async function login(context: BrowserContext, user: { login: string; password: string }): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${shopUrl}/wp-login.php`);
    await page.locator("#user_login").fill(user.login);
    await page.locator("#user_pass").fill(user.password);
    await Promise.all([
      page.waitForURL((u) => !u.pathname.endsWith("/wp-login.php")),
      page.locator("#wp-submit").click(),
    ]);
    return page;
  }

  // A real WordPress on two shared cores is slow: minutes, not seconds, per step.
  describe.skipIf(!!why)(platform.title, { timeout: 240_000 }, () => {
    beforeAll(async () => {
      if (why) return;
      dir = mkdtempSync(path.join(os.tmpdir(), "edgechat-woocommerce-"));
      // Debian's WordPress has its own wp-config.php and an .htaccess link: this copy has its own.
      cpSync(platform.wordpress, dir, { recursive: true, filter: (src) => !src.endsWith(".htaccess") });
      cpSync(platform.woocommerce, path.join(dir, "wp-content/plugins/woocommerce"), { recursive: true });
      if (platform.themeDir)
        cpSync(platform.themeDir, path.join(dir, "wp-content/themes", platform.theme), { recursive: true });
      const port = await freePort();
      shopUrl = `http://127.0.0.1:${port}`;
      execFileSync("mariadb", [
        "-uroot",
        "-e",
        `DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB} CHARACTER SET utf8mb4;
    CREATE USER IF NOT EXISTS 'edgechat_wc'@'localhost' IDENTIFIED BY 'edgechat_wc'; GRANT ALL PRIVILEGES ON ${DB}.* TO 'edgechat_wc'@'localhost';`,
      ]);
      const salts = ["AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT", "SECURE_AUTH_SALT"]
        .concat(["LOGGED_IN_SALT", "NONCE_SALT"])
        .map((k) => `define('${k}', '${k.toLowerCase()}-edgechat-e2e');`)
        .join("\n");
      writeFileSync(
        path.join(dir, "wp-config.php"),
        `<?php
define('DB_NAME', '${DB}'); define('DB_USER', 'edgechat_wc'); define('DB_PASSWORD', 'edgechat_wc');
define('DB_HOST', 'localhost'); define('DB_CHARSET', 'utf8mb4'); define('DB_COLLATE', '');
define('WP_HOME', '${shopUrl}'); define('WP_SITEURL', '${shopUrl}');
define('WP_DEBUG', true); define('WP_DEBUG_LOG', __DIR__ . '/debug.log'); define('WP_DEBUG_DISPLAY', false);
// Only 127.0.0.1: no update checks or marketplace calls to the internet.
define('WP_HTTP_BLOCK_EXTERNAL', true); define('AUTOMATIC_UPDATER_DISABLED', true);
${salts}
$table_prefix = 'wp_';
if (!defined('ABSPATH')) define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
`,
      );
      cpSync(path.join(ROOT, "test/woocommerce/install.php"), path.join(dir, "edgechat-install.php"));
      const out = execFileSync(
        "php",
        ["edgechat-install.php", ADMIN.password, CUSTOMER.password, platform.theme, platform.hpos ? "hpos" : "posts"],
        {
          cwd: dir,
          env: { ...process.env, EDGECHAT_WP_URL: shopUrl },
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      shop = JSON.parse(out.slice(out.indexOf("{")));
      rmSync(path.join(dir, "edgechat-install.php"));
      newLogLines(); // the installer's own notices are not the plugin's
      // Several workers: WordPress calls itself (WP-Cron, Action Scheduler's queue runner).
      php = spawn("php", ["-d", "opcache.enable_cli=1", "-S", `127.0.0.1:${port}`, "-t", dir], {
        cwd: dir,
        stdio: "ignore",
        env: { ...process.env, PHP_CLI_SERVER_WORKERS: "4" },
      });
      execFileSync("node", ["scripts/build-wordpress.mjs", "--zip-only", "--out", path.join(dir, "edgechat.zip")], {
        cwd: ROOT,
        stdio: "pipe",
      });
    }, 300_000);

    afterAll(async () => {
      php?.kill();
      if (!why) execFileSync("mariadb", ["-uroot", "-e", `DROP DATABASE IF EXISTS ${DB}`]);
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("the shop is what it says: its WordPress and WooCommerce versions, its order storage", () => {
      expect(shop).toMatchObject({
        ...platform.versions,
        hpos: platform.hpos ? "yes" : expect.not.stringMatching(/^yes$/),
      });
    });

    it("installs from its zip through Plugins → Add New → Upload and activates with a clean debug log", {
      timeout: 240_000,
    }, async () => {
      const context = await newVisitor(browser);
      const page = await login(context, ADMIN);
      await page.goto(`${shopUrl}/wp-admin/plugin-install.php?tab=upload`);
      // What WordPress and WooCommerce log on their own, before the plugin is there.
      console.log(`[woocommerce e2e] logged before the plugin: ${JSON.stringify(newLogLines())}`);
      await page.locator("#pluginzip").setInputFiles(path.join(dir, "edgechat.zip"));
      await Promise.all([page.waitForLoadState("load"), page.locator("#install-plugin-submit").click()]);
      await page.locator("text=Plugin installed successfully.").waitFor({ timeout: 60_000 });
      await Promise.all([page.waitForURL(/plugins\.php/), page.locator("a", { hasText: "Activate Plugin" }).click()]);
      expect(await page.locator("#message, .notice-success").first().textContent()).toContain("Plugin activated.");
      await page.goto(`${shopUrl}/wp-admin/options-general.php?page=edgechat`);
      await page.locator("#edgechat-connect_server_url").waitFor();
      await page.goto(`${shopUrl}/`);
      expect(newLogLines(), "nothing in WP_DEBUG's log").toEqual([]);
      await context.close();
    });

    it("Connect creates the site; the settings page links to the operator inbox; the owner signs in", async () => {
      const context = await newVisitor(browser);
      const page = await login(context, ADMIN);
      await page.goto(`${shopUrl}/wp-admin/options-general.php?page=edgechat`);
      const form = page.locator("form:has(input[name=action][value=edgechat_connect])");
      await form.locator("#edgechat-connect_server_url").fill(server.url);
      await form.locator("#edgechat-owner_email").fill(OWNER.email);
      await form.locator("#edgechat-admin_token").fill(server.vars.ADMIN_TOKEN!);
      await Promise.all([page.waitForLoadState("load"), form.locator("[type=submit]").click()]);
      await expect.poll(() => page.locator("body").textContent(), { timeout: 15_000 }).toContain("The chat is live.");
      siteKey = await page.locator("#edgechat-site_key").inputValue();
      expect(await page.locator("a.edgechat-inbox").getAttribute("href")).toBe(`${server.url}/admin/`);
      await page.screenshot({ path: `test-results/screenshots/${platform.key}-connect.png`, fullPage: true });
      await context.close();

      const res = await fetch(`${server.url}/api/v1/sites/${siteKey}/signup-emails`, {
        headers: { Authorization: `Bearer ${server.vars.ADMIN_TOKEN}` },
      });
      const { emails } = (await res.json()) as { emails: { kind: string; to: string; message: { text: string } }[] };
      const welcome = emails.find((m) => m.kind === "site_welcome" && m.to === OWNER.email);
      const redacted = welcome!.message.text.match(/https?:\/\/\S+reset-password\S+/)![0];
      const [prefix] = redacted.split("REDACTED");
      const link = new URL(
        server
          .consoleLinks()
          .reverse()
          .find((l) => l.startsWith(prefix!)) ?? redacted,
      );
      owner = await AdminPage.open(browser, server, link.pathname + link.search);
      await owner.page.locator("ec-auth #password").fill(OWNER.password);
      await owner.page.locator("ec-auth #confirm").fill(OWNER.password);
      await owner.page.locator("ec-auth button.primary").click();
      await owner.page.locator("ec-auth .ok").waitFor();
      await owner.login(siteKey, OWNER.email, OWNER.password);
    });

    it("a logged-in customer's block checkout (Store API, cash on delivery) reports its order event once, from Action Scheduler", async () => {
      const context = await newVisitor(browser);
      const page = await login(context, CUSTOMER);
      await page.goto(`${shopUrl}/?add-to-cart=${shop.productId}&quantity=1`);
      const order = await page.evaluate(async () => {
        const cart = await fetch("/?rest_route=/wc/store/v1/cart", { credentials: "same-origin" });
        const address = {
          first_name: "Anna",
          last_name: "K",
          address_1: "Street 1",
          city: "Berlin",
          postcode: "10115",
          country: "DE",
          email: "anna@example.com",
        };
        const res = await fetch("/?rest_route=/wc/store/v1/checkout", {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", Nonce: cart.headers.get("Nonce") ?? "" },
          body: JSON.stringify({ billing_address: address, shipping_address: address, payment_method: "cod" }),
        });
        return { status: res.status, body: await res.json() };
      });
      expect(order.status, JSON.stringify(order.body)).toBe(200);
      orderId = order.body.order_id;
      expect(order.body.status).toBe("processing");
      const actions = () =>
        sql(
          `SELECT status FROM wp_actionscheduler_actions WHERE hook = 'edgechat_send_event' AND args LIKE '%"orderId":"${orderId}"%'`,
        );
      expect(actions(), "queued, not sent during the checkout").toBe("pending");
      // Action Scheduler runs from WP-Cron, which a visit starts (here: wp-cron.php directly).
      await eventually(
        async () => {
          await fetch(`${shopUrl}/wp-cron.php?doing_wp_cron`);
          return actions() === "complete";
        },
        60_000,
        "the order event sent by Action Scheduler",
      );
      expect(actions().split("\n"), "one event for the order").toEqual(["complete"]);
      await context.close();
    });

    it("the customer chats; the operator's card shows their real cart and the order", async () => {
      const context = await newVisitor(browser);
      const page = await login(context, CUSTOMER);
      await page.goto(`${shopUrl}/?add-to-cart=${shop.productId}&quantity=2`);
      await page.goto(`${shopUrl}/?p=${shop.productId}`);
      const conversationId = await writeInChat(context, page, "Is the linen shirt in my cart still in stock?");
      await page.screenshot({ path: `test-results/screenshots/${platform.key}-product-chat.png` });

      await owner.openConversation(conversationId);
      const woo = owner.page.locator("ec-visitor-card ec-woo-section");
      await woo.locator("table.cart, .state:not([role=status])").first().waitFor({ timeout: 60_000 });
      expect(await woo.locator(".state").count(), (await woo.textContent()) ?? "").toBe(0);
      const squash = (s: string) => s.replace(/\s+/g, " ").trim();
      expect((await woo.locator("table.cart tbody tr").allTextContents()).map(squash)).toEqual([
        "Linen shirt × 2 €89.00",
      ]);
      const orders = (await woo.locator("ul.orders li").allTextContents()).map(squash);
      expect(orders).toHaveLength(1);
      expect(orders[0]).toMatch(new RegExp(`^Order #${orderId} · .* · Processing · €89\\.00$`));
      await owner.screenshot(`${platform.key}-visitor-card`);
      expect(newLogLines(), "nothing in WP_DEBUG's log").toEqual([]);
      await context.close();
    });
  });

  /** Opens the chat on the shop's page, sends `text`, and returns the conversation's id. */
  async function writeInChat(context: BrowserContext, page: Page, text: string): Promise<string> {
    const visitor = new Visitor(context, page, server);
    await visitor.componentLoaded();
    await visitor.openChat();
    await visitor.send(text);
    await expect.poll(() => visitor.states(), { timeout: 15_000 }).toContain("Sent");
    const session = await eventually(
      () => page.evaluate((key) => JSON.parse(localStorage.getItem(`edgechat:${key}:session`) ?? "null"), siteKey),
      10_000,
      "the visitor's session",
    );
    await owner.row(session.conversationId).waitFor({ timeout: 15_000 });
    return session.conversationId as string;
  }
}
