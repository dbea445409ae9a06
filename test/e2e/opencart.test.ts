/**
 * The OpenCart module against a real OpenCart 4.1.0.4, when one is on this machine (a release's
 * `upload/` folder in ~/.cache/edgechat-platforms/opencart-4.1.0.4/, or EDGECHAT_OPENCART_DIR):
 * a fresh copy installed with its own `install/cli_install.php` on PHP + MariaDB and served by
 * `php -S`; the module's zip (`npm run build:opencart`) goes through the admin's Installer;
 * settings, the storefront loader, a verified customer, the Worker's own customer call
 * (worker/site/plugin/woo.ts), a real cash-on-delivery checkout whose order event a local chat
 * server receives (signed as worker/site/plugin/signature.ts computes it), uninstall.
 * Without OpenCart the file prints one "skipped: …" line.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newVisitor } from "./support/browser";
import { signedHeaders, signRequest } from "./support/plugin-signature";
import { startServer, type TestServer } from "./support/server";
import { Visitor } from "./support/visitor";

const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * The Worker's WooCommerce client, loaded at run time (this folder is type-checked for the
 * browser, the Worker's files for workerd).
 */
interface WorkerSide {
  fetchWooCustomer(req: { shopUrl: string; secrets: string[]; userId: string }): Promise<unknown>;
}
const workerSide = async (): Promise<WorkerSide> => ({
  ...(await import(pathToFileURL(path.join(ROOT, "worker/site/plugin/woo.ts")).href)),
});
const MAX_SKEW_SECONDS = 300;
const OPENCART =
  process.env.EDGECHAT_OPENCART_DIR ?? path.join(os.homedir(), ".cache/edgechat-platforms/opencart-4.1.0.4/upload");
/** Why this machine cannot run the suite, or null. */
function missing(): string | null {
  if (!existsSync(path.join(OPENCART, "install/cli_install.php"))) return `OpenCart 4.1.0.4 not found at ${OPENCART}`;
  try {
    execFileSync("php", ["-r", "exit(class_exists('ZipArchive') && function_exists('mysqli_connect') ? 0 : 1);"]);
    execFileSync("mariadb", ["-uroot", "-e", "SELECT 1"], { stdio: "pipe" });
  } catch {
    return "OpenCart needs PHP with zip and mysqli (apt-get install php-zip php-mysql) and a running MariaDB (test/wordpress/setup.sh starts one)";
  }
  return null;
}
const why = missing();
const present = why === null;
if (why) console.log(`skipped: ${why}`);

const DB = "edgechat_oc_e2e";
const ADMIN = { username: "admin", password: "admin-password" };
const SITE_KEY = "oc-shop";
const IDENTITY_SECRET = "identity-0123456789abcdef0123456789";
const PLUGIN_SECRET = "plugin-0123456789abcdef0123456789ab";
const CUSTOMER = { email: "anna@example.com", password: "customer-password" };

/** A cookie jar for one browser-less client. */
class Client {
  cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  async call(
    route: string,
    form?: Record<string, string> | FormData,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const body = form instanceof FormData ? form : form ? new URLSearchParams(form) : undefined;
    const res = await fetch(`${this.base}${route}`, {
      method: body ? "POST" : "GET",
      body,
      redirect: "manual",
      headers: { Cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "), ...headers },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const [k, v] = pair!.split("=");
      this.cookies.set(k!, v!);
    }
    return res;
  }

  async json(route: string, form?: Record<string, string> | FormData): Promise<any> {
    const res = await this.call(route, form);
    const text = await res.text();
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`${route}: not JSON (${res.status}): ${text.slice(0, 500)}`);
    }
  }
}

let dir: string;
let shopUrl: string;
let php: ChildProcess | undefined;
let chat: Server;
let chatUrl: string;
/** What the chat server answers: 202, 503, or never ("hang"). */
let chatMode: "accept" | "fail" | "hang" = "accept";
const received: Array<{ body: any; verdict: true | string }> = [];
const seenSignatures = new Set<string>();
let admin: Client;
let token: string;
/** The real Edgechat server (Connect, the widget on the storefront) and Debian's Chromium. */
let edgechat: TestServer;
let browser: Browser;

const sql = (query: string): string =>
  execFileSync("mariadb", ["-uroot", "-N", "-B", DB, "-e", query], { encoding: "utf8" }).trim();

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** The chat server's side of the events route: signature, replay refusal, then the mode's answer. */
async function startChatServer(): Promise<void> {
  chat = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    if (chatMode === "hang") return; // accepts the connection, never answers
    if (req.method !== "POST" || !req.url?.endsWith("/events")) {
      console.log(`[opencart e2e] chat server: not an event: ${req.method} ${req.url}`);
      res.writeHead(404).end();
      return;
    }
    const signature = String(req.headers["x-edgechat-signature"] ?? "");
    const timestamp = String(req.headers["x-edgechat-timestamp"] ?? "");
    const expected = await signRequest(PLUGIN_SECRET, timestamp, {
      method: req.method!,
      pathWithQuery: req.url!,
      body,
    });
    const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) <= MAX_SKEW_SECONDS;
    const verdict =
      signature !== expected
        ? "bad_signature"
        : !fresh
          ? "stale_signature"
          : seenSignatures.has(signature)
            ? "replayed"
            : true;
    seenSignatures.add(signature);
    received.push({ body: JSON.parse(body), verdict });
    res.writeHead(chatMode === "fail" ? 503 : verdict === true ? 202 : 401, { "Content-Type": "application/json" });
    res.end(
      JSON.stringify(
        chatMode === "fail" ? { error: { code: "overloaded", message: "try later" } } : { ok: true, duplicate: false },
      ),
    );
  });
  await new Promise<void>((r) => chat.listen(0, "127.0.0.1", r));
  chatUrl = `http://127.0.0.1:${(chat.address() as AddressInfo).port}`;
}

/** Chromium signed in to OpenCart's admin (the test's admin session), on the module's settings page. */
async function adminInBrowser(language = "en-gb"): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newVisitor(browser);
  await context.addCookies(
    [...admin.cookies].map(([name, value]) => ({ name, value, domain: "127.0.0.1", path: "/" })),
  );
  const page = await context.newPage();
  await page.goto(
    `${shopUrl}/admin/index.php?route=extension/edgechat/module/edgechat&user_token=${token}&language=${language}`,
  );
  return { context, page };
}

/** The second of the last cron run: signatures carry seconds, and the server refuses a signature twice. */
let lastCronSecond = 0;

/**
 * Runs OpenCart's cron with every Edgechat job and event due now. The module never retries
 * within a minute; this forces the retry due at once, so it waits for the next second, as a
 * real retry's fresh timestamp would differ (the same second gives the same signature, which
 * the chat server rightly refuses as a replay).
 */
async function runCron(): Promise<void> {
  while (Math.floor(Date.now() / 1000) <= lastCronSecond) await new Promise((r) => setTimeout(r, 50));
  lastCronSecond = Math.floor(Date.now() / 1000);
  sql(
    "UPDATE oc_cron SET date_modified = NOW() - INTERVAL 1 DAY WHERE code = 'edgechat'; UPDATE oc_edgechat_event SET next_at = 0",
  );
  const res = await fetch(`${shopUrl}/index.php?route=cron/cron`);
  await res.text();
}

beforeAll(async () => {
  if (!present) return;
  dir = mkdtempSync(path.join(os.tmpdir(), "edgechat-opencart-"));
  cpSync(OPENCART, dir, { recursive: true });
  cpSync(path.join(dir, "config-dist.php"), path.join(dir, "config.php"));
  cpSync(path.join(dir, "admin/config-dist.php"), path.join(dir, "admin/config.php"));
  execFileSync("mariadb", [
    "-uroot",
    "-e",
    `DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB} CHARACTER SET utf8mb4;
    CREATE USER IF NOT EXISTS 'edgechat_oc'@'localhost' IDENTIFIED BY 'edgechat_oc'; GRANT ALL PRIVILEGES ON ${DB}.* TO 'edgechat_oc'@'localhost';`,
  ]);
  const port = await freePort();
  shopUrl = `http://127.0.0.1:${port}`;
  execFileSync(
    "php",
    [
      "install/cli_install.php",
      "install",
      "--username",
      ADMIN.username,
      "--password",
      ADMIN.password,
      "--email",
      "admin@example.com",
      "--http_server",
      `${shopUrl}/`,
      "--language",
      "en-gb",
      "--db_driver",
      "mysqli",
      "--db_hostname",
      "localhost",
      "--db_username",
      "edgechat_oc",
      "--db_password",
      "edgechat_oc",
      "--db_database",
      DB,
      "--db_port",
      "3306",
      "--db_prefix",
      "oc_",
    ],
    { cwd: dir, stdio: "pipe" },
  );
  php = spawn("php", ["-S", `127.0.0.1:${port}`, "-t", dir], { cwd: dir, stdio: "ignore" });
  for (
    let i = 0;
    i < 100 &&
    !(await fetch(shopUrl).then(
      () => true,
      () => false,
    ));
    i++
  )
    await new Promise((r) => setTimeout(r, 100));
  execFileSync("node", ["scripts/build-opencart.mjs", "--out", path.join(dir, "edgechat.ocmod.zip")], {
    cwd: ROOT,
    stdio: "pipe",
  });
  await startChatServer();
  [edgechat, browser] = await Promise.all([startServer(), launchBrowser()]);

  admin = new Client(`${shopUrl}/admin/index.php?route=`);
  const page = await (await admin.call("common/login")).text();
  const loginToken = /login_token=([a-z0-9]+)/.exec(page)![1];
  const login = await admin.json(`common/login.login&login_token=${loginToken}`, ADMIN);
  token = /user_token=([a-z0-9]+)/.exec(login.redirect)![1]!;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await edgechat?.stop();
  php?.kill();
  chat?.close();
  if (present) execFileSync("mariadb", ["-uroot", "-e", `DROP DATABASE IF EXISTS ${DB}`]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!present)("OpenCart 4.1.0.4 module", () => {
  const adminRoute = (route: string) => `${route}&user_token=${token}`;

  it("installs from its .ocmod.zip through the Installer; Install registers the storefront events", async () => {
    const form = new FormData();
    form.append("file", new Blob([execFileSync("cat", [path.join(dir, "edgechat.ocmod.zip")])]), "edgechat.ocmod.zip");
    expect(await admin.json(adminRoute("marketplace/installer.upload"), form)).toHaveProperty("success");
    const id = sql("SELECT extension_install_id FROM oc_extension_install WHERE code = 'edgechat'");
    let next: string | undefined = adminRoute(`marketplace/installer.install&extension_install_id=${id}`);
    while (next) {
      const step = await admin.json(next);
      expect(step.error).toBeUndefined();
      next = step.next ? step.next.replace(`${shopUrl}/admin/index.php?route=`, "") : undefined;
    }
    expect(existsSync(path.join(dir, "extension/edgechat/catalog/controller/module/edgechat.php"))).toBe(true);
    expect(await admin.json(adminRoute("extension/module.install&extension=edgechat&code=edgechat"))).toHaveProperty(
      "success",
    );
    expect(sql("SELECT `trigger` FROM oc_event WHERE code LIKE 'edgechat%' ORDER BY code").split("\n")).toEqual([
      "catalog/view/product/product/after",
      "catalog/controller/common/home/before",
      "catalog/view/common/header/after",
      "catalog/model/checkout/order.addHistory/after",
    ]);
  });

  it("Connect on the settings page creates the site on the Edgechat server; Connect again keeps it (the plugin secret proves the link)", async () => {
    const { context, page } = await adminInBrowser();
    const connect = page.locator("#form-connect");
    await connect.locator("#input-connect-server-url").fill("javascript:alert(1)");
    await connect.locator("#input-owner-email").fill("not an email");
    await connect.locator("#button-connect").click();
    await expect.poll(() => page.locator("#error-connect-server-url").textContent()).toContain("Enter the address");
    expect(await page.locator("#error-owner-email").textContent()).toContain("email address of the shop owner");

    await connect.locator("#input-connect-server-url").fill(edgechat.url);
    await connect.locator("#input-owner-email").fill("owner@oc-shop.example");
    await connect.locator("#input-admin-token").fill("wrong-token");
    await connect.locator("#button-connect").click();
    await expect
      .poll(() => page.locator("#alert").textContent(), { timeout: 15_000 })
      .toContain("The Edgechat server refused:");
    expect(await page.locator("#alert").textContent()).toContain("admin_token_required");

    await connect.locator("#input-admin-token").fill(edgechat.vars.ADMIN_TOKEN!);
    await connect.locator("#button-connect").click();
    await expect
      .poll(() => page.locator("#alert .alert-success").textContent(), { timeout: 15_000 })
      .toContain("Connected: the chat is live on your storefront.");
    expect(await page.locator("#alert .alert-success a").getAttribute("href")).toBe(`${edgechat.url}/admin/`);
    const siteKey = sql("SELECT value FROM oc_setting WHERE `key` = 'module_edgechat_site_key'");
    const secret = sql("SELECT value FROM oc_setting WHERE `key` = 'module_edgechat_plugin_secret'");
    const status = await fetch(`${edgechat.url}/api/v1/sites/${siteKey}/status`, {
      headers: await signedHeaders(secret, "GET", `/api/v1/sites/${siteKey}/status`, ""),
    });
    expect(await status.json()).toMatchObject({ status: "active" });

    await page.reload();
    expect(await page.locator("#input-site-key").inputValue()).toBe(siteKey);
    expect(await page.locator("#edgechat-inbox").getAttribute("href")).toBe(`${edgechat.url}/admin/`);
    expect(await page.content()).not.toContain(secret);
    await page.screenshot({ path: "test-results/screenshots/opencart-connect.png", fullPage: true });

    await page.locator("#button-connect").click();
    await expect
      .poll(() => page.locator("#alert .alert-success").textContent(), { timeout: 15_000 })
      .toContain("Already connected: this shop stays linked to its Edgechat site");
    expect(sql("SELECT value FROM oc_setting WHERE `key` = 'module_edgechat_site_key'")).toBe(siteKey);
    expect(sql("SELECT value FROM oc_setting WHERE `key` = 'module_edgechat_plugin_secret'")).toBe(secret);
    await context.close();
  });

  it("a product page has a 'Video consultation' button that opens the chat with the product in the draft", async () => {
    const context = await newVisitor(browser);
    const page = await context.newPage();
    const visitor = new Visitor(context, page, edgechat);
    await page.goto(`${shopUrl}/index.php?route=product/product&product_id=40&language=en-gb`);
    const button = page.locator("button.edgechat-video");
    expect(await button.textContent()).toBe("Video consultation");
    const product = JSON.parse((await button.getAttribute("data-edgechat-product"))!);
    expect(product).toMatchObject({ id: 40, name: "iPhone", price: "$123.20" });
    expect(product.url).toContain("product_id=40");
    expect(product.image).toMatch(/\/image\/cache\/catalog\/demo\/iphone_1-\d+x\d+\.jpg$/);
    await visitor.componentLoaded();
    await button.click();
    await expect
      .poll(() => visitor.input().inputValue(), { timeout: 15_000 })
      .toMatch(/iPhone — \$123\.20 — http:\/\/127\.0\.0\.1:\d+\/index\.php\?route=product\/product.*product_id=40/);
    expect(visitor.errors).toEqual([]);
    await page.screenshot({ path: "test-results/screenshots/opencart-product-video.png" });
    await context.close();
  });

  it("settings: script or nonsense is refused field by field; saved settings put the loader on the storefront, never the secrets", async () => {
    const bad = await admin.json(adminRoute("extension/edgechat/module/edgechat.save"), {
      module_edgechat_server_url: "javascript:alert(1)//<script>",
      module_edgechat_site_key: "<b>x</b>",
      module_edgechat_identity_secret: "short",
      module_edgechat_plugin_secret: "<script>alert(1)</script>",
      module_edgechat_status: "1",
    });
    expect(Object.keys(bad.error).sort()).toEqual([
      "identity_secret",
      "plugin_secret",
      "server_url",
      "site_key",
      "warning",
    ]);
    expect(sql("SELECT value FROM oc_setting WHERE `key` = 'module_edgechat_server_url'"), "nothing saved").toBe(
      edgechat.url,
    );
    const ok = await admin.json(adminRoute("extension/edgechat/module/edgechat.save"), {
      module_edgechat_server_url: `${chatUrl}/`,
      module_edgechat_site_key: SITE_KEY,
      module_edgechat_identity_secret: IDENTITY_SECRET,
      module_edgechat_plugin_secret: PLUGIN_SECRET,
      module_edgechat_hide_routes: "information/contact",
      module_edgechat_status: "1",
    });
    expect(ok).toHaveProperty("success");
    const settingsPage = await (await admin.call(adminRoute("extension/edgechat/module/edgechat"))).text();
    expect(settingsPage).toContain(`value="${chatUrl}"`);
    expect(settingsPage).not.toContain(PLUGIN_SECRET);

    const home = await (await fetch(shopUrl)).text();
    expect(home).toContain(`<script async src="${chatUrl}/widget.js" data-site="${SITE_KEY}"></script>`);
    expect(home).toContain('window.edgechatSettings = {"locale":"en","cart":{"items":[],"total":0,"currency":"USD"}};');
    expect(home).not.toContain(PLUGIN_SECRET);
    expect(home).not.toContain(IDENTITY_SECRET);
    const hidden = await (await fetch(`${shopUrl}/index.php?route=information/contact`)).text();
    expect(hidden).not.toContain("edgechatSettings");
  });

  it("a logged-in customer arrives verified (HMAC over id and email); their cart reaches the Worker's signed call", async () => {
    const shopper = new Client(`${shopUrl}/index.php?route=`);
    sql(`INSERT INTO oc_customer SET customer_group_id = 1, store_id = 0, language_id = 1, firstname = 'Anna', lastname = 'K', email = '${CUSTOMER.email}',
      telephone = '', password = '${execFileSync("php", ["-r", `echo password_hash('${CUSTOMER.password}', PASSWORD_DEFAULT);`], { encoding: "utf8" })}',
      custom_field = '', newsletter = 0, ip = '', status = 1, safe = 0, token = '', code = '', date_added = NOW()`);
    const id = sql(`SELECT customer_id FROM oc_customer WHERE email = '${CUSTOMER.email}'`);
    const loginPage = await (await shopper.call("account/login&language=en-gb")).text();
    const loginToken = /login_token=([a-z0-9]+)/.exec(loginPage)![1];
    expect(await shopper.json(`account/login.login&language=en-gb&login_token=${loginToken}`, CUSTOMER)).toHaveProperty(
      "redirect",
    );
    expect(await shopper.json("checkout/cart.add&language=en-gb", { product_id: "40", quantity: "2" })).toHaveProperty(
      "success",
    );

    const page = await (await shopper.call("common/home&language=en-gb")).text();
    const hash = createHmac("sha256", IDENTITY_SECRET).update(`${id}\n${CUSTOMER.email}`).digest("hex");
    expect(page).toContain(`"identity":{"id":"${id}","email":"${CUSTOMER.email}","name":"Anna K","hash":"${hash}"}`);
    expect(page).toMatch(/"cart":\{"items":\[\{"id":40,"name":"iPhone","qty":2,"price":101,/);

    const { fetchWooCustomer } = await workerSide();
    const customer = await fetchWooCustomer({ shopUrl, secrets: [PLUGIN_SECRET], userId: id });
    expect(customer).toMatchObject({
      cart: { items: [{ id: 40, name: "iPhone", qty: 2, price: 101 }], total: 202, currency: "USD" },
      orders: [],
    });
    const wrong = await fetchWooCustomer({ shopUrl, secrets: ["another-secret-0123456789"], userId: id });
    expect(wrong).toMatchObject({ error: { code: "shop_refused" } });
    expect((wrong as { error: { message: string } }).error.message).toContain("edgechat_bad_signature");
    expect(await fetchWooCustomer({ shopUrl, secrets: [PLUGIN_SECRET], userId: "999999" })).toMatchObject({
      error: { code: "unknown_shop_user" },
    });
    const unsigned = await fetch(`${shopUrl}/?rest_route=/edgechat/v1/customer&user_id=${id}`);
    expect(unsigned.status).toBe(401);
    expect((await unsigned.json()).code).toBe("edgechat_unsigned");
  });

  it("a real cash-on-delivery checkout never waits on a hanging chat server; the order event is queued, retried, delivered signed once", async () => {
    const shopper = new Client(`${shopUrl}/index.php?route=`);
    shopper.cookies.set("edgechat_vid", "v_oc_shopper");
    await shopper.call("common/home&language=en-gb");
    expect(await shopper.json("checkout/cart.add&language=en-gb", { product_id: "40", quantity: "1" })).toHaveProperty(
      "success",
    );
    const address = {
      shipping_firstname: "Ann",
      shipping_lastname: "Shopper",
      shipping_address_1: "Street 1",
      shipping_city: "Berlin",
      shipping_postcode: "10115",
      shipping_country_id: "81",
      shipping_zone_id: "1256",
    };
    expect(
      await shopper.json("checkout/register.save&language=en-gb", {
        account: "0",
        customer_group_id: "1",
        firstname: "Ann",
        lastname: "Shopper",
        email: "ann@example.com",
        telephone: "12345",
        agree: "1",
        ...address,
      }),
    ).toHaveProperty("success");
    await shopper.json("checkout/shipping_method.quote&language=en-gb");
    expect(
      await shopper.json("checkout/shipping_method.save&language=en-gb", { shipping_method: "flat.flat" }),
    ).toHaveProperty("success");
    await shopper.json("checkout/payment_method.getMethods&language=en-gb");
    expect(
      await shopper.json("checkout/payment_method.save&language=en-gb", { payment_method: "cod.cod" }),
    ).toHaveProperty("success");
    await (await shopper.call("checkout/confirm.confirm&language=en-gb")).text();

    chatMode = "hang";
    const started = performance.now();
    expect(await shopper.json("extension/opencart/payment/cod.confirm&language=en-gb")).toHaveProperty("redirect");
    const checkoutMs = performance.now() - started;
    expect(checkoutMs).toBeLessThan(1500);
    console.log(`[opencart e2e] cash-on-delivery confirm with a hanging chat server: ${checkoutMs.toFixed(0)} ms`);
    const orderId = sql("SELECT MAX(order_id) FROM oc_order");
    expect(JSON.parse(sql(`SELECT body FROM oc_edgechat_event WHERE order_id = ${orderId}`))).toMatchObject({
      type: "order_placed",
      visitorId: "v_oc_shopper",
      userId: null,
      orderId,
      total: 106,
      currency: "USD",
    });
    expect((await fetch(`${shopUrl}/index.php?route=extension/edgechat/module/edgechat.deliver`)).status).toBe(404);

    chatMode = "fail";
    await runCron();
    expect(sql(`SELECT attempts FROM oc_edgechat_event WHERE order_id = ${orderId}`)).toBe("1");
    chatMode = "accept";
    await runCron();
    const delivered = received.filter((r) => r.body.orderId === orderId);
    expect(delivered.map((r) => r.verdict)).toEqual([true, true]);
    expect(sql(`SELECT COUNT(*) FROM oc_edgechat_event WHERE order_id = ${orderId}`)).toBe("0");
    expect(new Set(delivered.map((r) => JSON.stringify(r.body))).size).toBe(1);

    const again = await fetch(`${shopUrl}/?rest_route=/edgechat/v1/customer&user_id=1`);
    expect(again.status).toBe(401);
  });

  it("uninstall removes its settings, events, cron job and queue", async () => {
    expect(await admin.json(adminRoute("extension/module.uninstall&extension=edgechat&code=edgechat"))).toHaveProperty(
      "success",
    );
    expect(sql("SELECT COUNT(*) FROM oc_setting WHERE code = 'module_edgechat'")).toBe("0");
    expect(sql("SELECT COUNT(*) FROM oc_event WHERE code LIKE 'edgechat%'")).toBe("0");
    expect(sql("SELECT COUNT(*) FROM oc_cron WHERE code = 'edgechat'")).toBe("0");
    expect(sql("SHOW TABLES LIKE 'oc_edgechat_event'")).toBe("");
    expect(await (await fetch(shopUrl)).text()).not.toContain("edgechatSettings");
  });
});
