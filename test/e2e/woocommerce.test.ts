/**
 * The WordPress plugin on a real WooCommerce, when the releases are on this machine
 * (~/.cache/edgechat-platforms/wordpress-7.0.4 and woocommerce-11.0.1/wp-content/plugins/woocommerce,
 * or EDGECHAT_WORDPRESS_DIR and EDGECHAT_WOOCOMMERCE_DIR): a fresh copy on PHP + MariaDB with
 * the block theme twentytwentyfive, HPOS, plain permalinks (WordPress's default), installed by
 * test/woocommerce/install.php and served by `php -S`; the plugin's zip goes through
 * Plugins → Add New → Upload in Debian's Chromium and activates with a clean debug log;
 * Connect to the real Edgechat server; a logged-in customer's block (Store API) checkout with
 * cash on delivery reports its order event once through Action Scheduler; the customer chats
 * and the operator's card shows their cart and the order. Then, against a local chat server
 * that checks the signature as the Worker does (worker/site/plugin/signature.ts): a checkout
 * while that server hangs never waits on it, and its event arrives once, signed, when the server
 * is back; the classic (shortcode) checkout reports its order once too; deleting the plugin
 * leaves no option and no scheduled action of its own.
 * The same on the oldest we support: Debian's WordPress 6.1 (/usr/share/wordpress, or
 * EDGECHAT_OLDEST_WORDPRESS_DIR) + WooCommerce 7.9.0 (woocommerce-7.9.0/…, or
 * EDGECHAT_OLDEST_WOOCOMMERCE_DIR) with the classic theme Storefront (themes/wp-content/themes).
 * Without the releases the file prints one "skipped: …" line per shop.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/local-server.mjs";
import { AdminPage } from "./admin-support/admin-page";
import { startAdminWorld } from "./admin-support/setup";
import { newVisitor } from "./support/browser";
import { eventually } from "./support/operator";
import { signRequest } from "./support/plugin-signature";
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
  /**
   * The release predates this machine's PHP (WordPress 6.1 on PHP 8.2): its own files log PHP's
   * deprecations (return types, null arguments) on every request. Those are not the plugin's;
   * WordPress's own "deprecated since" notices and every notice or warning still count.
   */
  predatesPhp?: boolean;
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
  {
    key: "woocommerce-7.9",
    title: "Debian's WordPress 6.1 + WooCommerce 7.9.0 (classic theme Storefront, orders as posts, plain permalinks)",
    wordpress: process.env.EDGECHAT_OLDEST_WORDPRESS_DIR ?? "/usr/share/wordpress",
    woocommerce:
      process.env.EDGECHAT_OLDEST_WOOCOMMERCE_DIR ??
      path.join(PLATFORMS, "woocommerce-7.9.0/wp-content/plugins/woocommerce"),
    theme: "storefront",
    themeDir: path.join(PLATFORMS, "themes/wp-content/themes/storefront"),
    hpos: false,
    predatesPhp: true,
    versions: { wordpress: "6.1.9", woocommerce: "7.9.0" },
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

const MAX_SKEW_SECONDS = 300;

/**
 * A chat server's events route on 127.0.0.1 that verifies each event as the Worker does, or
 * hangs: accepts the connection and never answers.
 */
class ChatServer {
  mode: "accept" | "hang" = "accept";
  secret = "";
  readonly received: Array<{ body: any; verdict: true | string }> = [];
  private readonly seen = new Set<string>();
  private server?: Server;
  url = "";

  async start(): Promise<void> {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      if (this.mode === "hang") return;
      if (req.method !== "POST" || !req.url?.endsWith("/events")) {
        res.writeHead(404).end();
        return;
      }
      const body = Buffer.concat(chunks).toString("utf8");
      const signature = String(req.headers["x-edgechat-signature"] ?? "");
      const timestamp = String(req.headers["x-edgechat-timestamp"] ?? "");
      const expected = await signRequest(this.secret, timestamp, { method: "POST", pathWithQuery: req.url, body });
      const verdict =
        signature !== expected
          ? "bad_signature"
          : Math.abs(Date.now() / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS
            ? "stale_signature"
            : this.seen.has(signature)
              ? "replayed"
              : true;
      this.seen.add(signature);
      this.received.push({ body: JSON.parse(body), verdict });
      res.writeHead(verdict === true ? 202 : 401, { "Content-Type": "application/json" });
      res.end(JSON.stringify(verdict === true ? { ok: true, duplicate: false } : { error: { code: verdict } }));
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): void {
    this.server?.closeAllConnections();
    this.server?.close();
  }

  /** What arrived for one order. */
  forOrder(orderId: number): Array<true | string> {
    return this.received.filter((r) => r.body.orderId === String(orderId)).map((r) => r.verdict);
  }
}

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
/**
 * A cash-on-delivery order through the block checkout's API (Store API), from the customer's
 * page with its cart and nonce; `ms` is the checkout request's own time.
 */
async function storeApiCheckout(page: Page): Promise<{ status: number; body: any; ms: number }> {
  return page.evaluate(async () => {
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
    const started = performance.now();
    const res = await fetch("/?rest_route=/wc/store/v1/checkout", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Nonce: cart.headers.get("Nonce") ?? "" },
      body: JSON.stringify({ billing_address: address, shipping_address: address, payment_method: "cod" }),
    });
    const body = await res.json();
    return { status: res.status, body, ms: performance.now() - started };
  });
}

function shopSuite(platform: ShopPlatform): void {
  const why = reasons.get(platform.key);
  // Per run: another checkout (a CI run, another worktree) may run this suite at the same time.
  const DB = `edgechat_e2e_${platform.key.replace(/\W/g, "_")}_${process.pid}`;
  const OWNER = { email: `owner@${platform.key}.example`, password: "a woo shop owner's password" };
  let dir: string;
  let shopUrl: string;
  let php: ChildProcess | undefined;
  let shop: {
    productId: number;
    customerId: number;
    classicCheckoutUrl: string;
    woocommerce: string;
    wordpress: string;
    hpos: string | false;
  };
  const chat = new ChatServer();
  let siteKey: string;
  let owner: AdminPage;
  let orderId: number;

  const sql = (query: string): string =>
    execFileSync("mariadb", ["-uroot", "-N", "-B", DB, "-e", query], { encoding: "utf8" }).trim();
  /**
   * PHP notices, warnings and errors the shop logged since the last call, but for WordPress's
   * update checks, which fail here by design (no internet: WP_HTTP_BLOCK_EXTERNAL), and an old
   * release's own PHP deprecations (see predatesPhp).
   */
  let logRead = 0;
  function newLogLines(): string[] {
    const file = path.join(dir, "debug.log");
    const text = existsSync(file) ? readFileSync(file, "utf8") : "";
    const lines = text.slice(logRead).split("\n").filter(Boolean);
    logRead = text.length;
    return lines.filter(
      (l) =>
        !/PHP Warning: {2}(wp_(version_check|update_plugins|update_themes)\(\): )?An unexpected error occurred\. Something may be wrong with WordPress\.org/.test(
          l,
        ) &&
        !(
          platform.predatesPhp &&
          /PHP Deprecated: {2}/.test(l) &&
          !/deprecated<\/strong> since/.test(l) &&
          / in \S+\/(wp-includes|wp-admin|wp-content\/plugins\/woocommerce)\/\S+ on line \d+$/.test(l)
        ),
    );
  }

  /**
   * Runs PHP in the shop's WordPress (as WP-CLI would) and returns what it printed. Never
   * blocking: the local chat server it may call lives in this process.
   */
  async function wpPhp(code: string): Promise<string> {
    const file = path.join(dir, "edgechat-e2e-run.php");
    writeFileSync(
      file,
      `<?php\n$_SERVER['HTTP_HOST'] = '${new URL(shopUrl).host}';\nrequire __DIR__ . '/wp-load.php';\n${code}\n`,
    );
    try {
      return (await promisify(execFile)("php", [file], { cwd: dir, encoding: "utf8" })).stdout;
    } finally {
      rmSync(file);
    }
  }

  /** Statuses of the queued sends of one order's event, oldest first. */
  const orderActions = (orderId: number): string[] =>
    sql(
      `SELECT status FROM wp_actionscheduler_actions WHERE hook = 'edgechat_send_event'
       AND (args LIKE '%"orderId":"${orderId}"%' OR extended_args LIKE '%"orderId":"${orderId}"%') ORDER BY action_id`,
    )
      .split("\n")
      .filter(Boolean);

  /** Runs Action Scheduler's queue once, as its WP-Cron or WP-CLI runner does. */
  const runQueue = (): Promise<string> => wpPhp("echo ActionScheduler_QueueRunner::instance()->run( 'edgechat e2e' );");

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
        // Its own process group: the workers outlive a signal to the first process alone.
        detached: true,
      });
      execFileSync("node", ["scripts/build-wordpress.mjs", "--zip-only", "--out", path.join(dir, "edgechat.zip")], {
        cwd: ROOT,
        stdio: "pipe",
      });
    }, 300_000);

    afterAll(async () => {
      chat.stop();
      if (php?.pid) process.kill(-php.pid);
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
      // WordPress's own notice, not WooCommerce's (which takes the same id "message" on 7.9).
      expect(await page.locator("#message.notice").textContent()).toContain("Plugin activated.");
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
      const order = await storeApiCheckout(page);
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
      // The product page's "Video consultation" button, on this shop's theme (block or classic).
      const video = page.locator("button.edgechat-button--video", { hasText: "Video consultation" });
      await video.waitFor();
      expect(JSON.parse((await video.getAttribute("data-edgechat-product")) ?? "{}")).toMatchObject({
        name: "Linen shirt",
      });
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

    it("a checkout while the chat server hangs never waits on it; the event is queued and delivered signed once when the server is back", async () => {
      await chat.start();
      chat.secret = await wpPhp("echo Edgechat_Options::settings()['plugin_secret'];");
      expect(chat.secret).toMatch(/^\S{16,}$/);
      await wpPhp(`Edgechat_Options::save_settings( array( 'server_url' => '${chat.url}' ) );`);
      const context = await newVisitor(browser);
      const page = await login(context, CUSTOMER);
      await page.goto(`${shopUrl}/?add-to-cart=${shop.productId}&quantity=1`, { waitUntil: "domcontentloaded" });
      chat.mode = "hang";
      const order = await storeApiCheckout(page);
      expect(order.status, JSON.stringify(order.body)).toBe(200);
      console.log(
        `[woocommerce e2e] ${platform.key}: Store API cash-on-delivery checkout with a hanging chat server: ${order.ms.toFixed(0)} ms`,
      );
      const id = order.body.order_id as number;
      expect(orderActions(id), "queued, not sent during the checkout").toEqual(["pending"]);
      await context.close();

      // The first send waits out its timeout on the hanging server and queues a retry.
      await eventually(
        async () => {
          await runQueue();
          return orderActions(id).join() === "complete,pending";
        },
        120_000,
        "a failed send and a retry queued",
      );
      expect(chat.forOrder(id), "nothing answered while the server hung").toEqual([]);
      expect(await wpPhp("echo get_option( 'edgechat_event_error' )['message'] ?? '';")).not.toBe("");

      // The server is back; the retry (due in a minute) is made due now.
      chat.mode = "accept";
      sql(
        `UPDATE wp_actionscheduler_actions SET scheduled_date_gmt = UTC_TIMESTAMP(), scheduled_date_local = NOW()
         WHERE hook = 'edgechat_send_event' AND status = 'pending'`,
      );
      await eventually(
        async () => {
          await runQueue();
          return orderActions(id).join() === "complete,complete";
        },
        60_000,
        "the retry sent",
      );
      expect(chat.forOrder(id), "delivered once, signed").toEqual([true]);
      expect(chat.received.find((r) => r.body.orderId === String(id))!.body).toMatchObject({
        type: "order_placed",
        userId: String(shop.customerId),
        currency: "EUR",
      });
      expect(await wpPhp("var_export( get_option( 'edgechat_event_error' ) );")).toBe("false");
    });

    it("a classic checkout (the [woocommerce_checkout] shortcode, cash on delivery) reports its order event once", async () => {
      const context = await newVisitor(browser);
      const page = await login(context, CUSTOMER);
      await page.goto(`${shopUrl}/?add-to-cart=${shop.productId}&quantity=1`);
      await page.goto(shop.classicCheckoutUrl);
      const form = page.locator("form.woocommerce-checkout");
      await form.waitFor({ timeout: 60_000 });
      const fields: Record<string, string> = {
        billing_first_name: "Anna",
        billing_last_name: "K",
        billing_address_1: "Street 1",
        billing_city: "Berlin",
        billing_postcode: "10115",
        billing_phone: "030 123456",
        billing_email: "anna@example.com",
      };
      for (const [name, value] of Object.entries(fields)) {
        const input = form.locator(`#${name}`);
        if (await input.count()) await input.fill(value);
      }
      // The payment methods arrive by Ajax (update_order_review) once the address is there; the
      // only one is chosen already, its radio hidden.
      await expect.poll(() => form.locator("#payment_method_cod").isChecked(), { timeout: 60_000 }).toBe(true);
      await form.locator("#place_order:not([disabled])").waitFor({ timeout: 60_000 });
      await Promise.all([
        page.waitForURL(/order-received/, { timeout: 120_000 }),
        form.locator("#place_order").click(),
      ]);
      const id = Number(new URL(page.url()).searchParams.get("order-received"));
      expect(id).toBeGreaterThan(0);
      await page.screenshot({ path: `test-results/screenshots/${platform.key}-classic-checkout.png` });
      expect(orderActions(id), "queued once, not sent during the checkout").toEqual(["pending"]);
      await eventually(
        async () => {
          await runQueue();
          return orderActions(id).join() === "complete";
        },
        60_000,
        "the classic checkout's order event sent",
      );
      expect(chat.forOrder(id), "delivered once, signed").toEqual([true]);
      await context.close();
    });

    it("deleting the plugin (delete_plugins, which runs its uninstall.php) leaves no option and no scheduled action of its own", async () => {
      expect(
        Number(sql("SELECT COUNT(*) FROM wp_actionscheduler_actions WHERE hook = 'edgechat_send_event'")),
      ).toBeGreaterThan(0);
      const out = await wpPhp(`require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/file.php';
deactivate_plugins( 'edgechat/edgechat.php' );
$deleted = delete_plugins( array( 'edgechat/edgechat.php' ) );
echo is_wp_error( $deleted ) ? $deleted->get_error_message() : var_export( $deleted, true );`);
      expect(out).toBe("true");
      expect(existsSync(path.join(dir, "wp-content/plugins/edgechat"))).toBe(false);
      expect(sql("SELECT option_name FROM wp_options WHERE option_name LIKE 'edgechat%'")).toBe("");
      expect(sql("SELECT COUNT(*) FROM wp_actionscheduler_actions WHERE hook LIKE 'edgechat%'")).toBe("0");
      expect(sql("SELECT option_value FROM wp_options WHERE option_name = 'cron'")).not.toContain("edgechat");
      expect(newLogLines(), "nothing in WP_DEBUG's log").toEqual([]);
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
