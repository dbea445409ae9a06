/**
 * The WooCommerce cart and orders in the operator's visitor card, end to end: a real WordPress (test/wordpress/setup.sh) served by `php -S` with the
 * WooCommerce stand-in (WooCommerce is not packaged here; test/wordpress/woocommerce-stub/),
 * connected to the real Edgechat server through the plugin's Connect form; the owner of the
 * new site signs in to the admin with the link of the welcome email; Debian's Chromium.
 *
 * The stand-in starts empty on each request, so the shop's products and the customer's orders
 * live in an option that test/wordpress/e2e/woo-router.php loads into it; the customer's cart
 * is WooCommerce's own saved cart (user meta). Both are removed after the run, and the
 * plugin's options are put back (the E2E database outlives the run).
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect } from "vitest";
import { AdminPage } from "./admin-support/admin-page";
import { launchBrowser, newVisitor } from "./support/browser";
import { eventually } from "./support/operator";
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
const CUSTOMER = { login: "customer", password: "customer-password" };
const OWNER = { email: "owner@woo-shop.example", password: "a woo shop owner's password" };

/** The stand-in shop: two products (one named with markup), the customer's cart and two orders. */
function shopFixture(shopUrl: string) {
  return {
    products: [
      { id: 501, name: "Linen shirt", price: "89.00", permalink: `${shopUrl}/product/linen-shirt/` },
      { id: 502, name: "Scarf <img src=x onerror=alert(1)>", price: "35.50", permalink: `${shopUrl}/product/scarf/` },
    ],
    cart: [
      { product_id: 501, quantity: 2 },
      { product_id: 502, quantity: 1 },
    ],
    orders: [
      { id: 8990, status: "processing", total: "35.50", currency: "EUR", date: "2025-12-20 09:00:00", items: [] },
      { id: 9001, status: "completed", total: "120.00", currency: "EUR", date: "2026-01-02 10:00:00", items: [] },
    ],
  };
}

let unavailable: string | null = null;
let shop: WordPressServer | undefined;
let server: TestServer;
let browser: Browser;
let owner: AdminPage;
let savedOptions: string | undefined;
let siteKey: string;
/** The logged-in customer's conversation. */
let customerConversation: string;

beforeAll(async () => {
  unavailable = await setUpWordPress();
  if (unavailable) return void console.warn(`[wordpress-woo e2e] skipped: ${unavailable}`);
  savedOptions = wpHelper("site.php", ["options"]);
  [shop, server, browser] = await Promise.all([serveShop(), startServer(), launchBrowser()]);
  wpHelper("woo-shop.php", ["seed", CUSTOMER.login], JSON.stringify(shopFixture(shop.url)));
}, 900_000);

afterAll(async () => {
  if (savedOptions !== undefined) {
    wpHelper("site.php", ["restore"], savedOptions);
    wpHelper("woo-shop.php", ["clear", CUSTOMER.login]);
  }
  await browser?.close();
  await server?.stop();
  await shop?.stop();
});

/** A test of this file: skipped, with the reason, when WordPress is not there. */
const wpTest = (name: string, fn: () => Promise<void>) => wordpressTest(name, fn, () => unavailable);

describe("WooCommerce in the visitor card", () => {
  wpTest("Connect links the shop; its owner sets a password from the welcome email and signs in", async () => {
    const admin = await newVisitor(browser);
    const page = await wpLogin(admin, shop!.url, ADMIN);
    await page.goto(`${shop!.url}/wp-admin/options-general.php?page=edgechat`);
    const form = page.locator("form:has(input[name=action][value=edgechat_connect])");
    await form.locator("#edgechat-connect_server_url").fill(server.url);
    await form.locator("#edgechat-owner_email").fill(OWNER.email);
    await form.locator("#edgechat-admin_token").fill(server.vars.ADMIN_TOKEN!);
    await Promise.all([page.waitForLoadState("load"), form.locator("[type=submit]").click()]);
    await expect.poll(() => page.locator("body").textContent(), { timeout: 15_000 }).toContain("The chat is live.");
    siteKey = await page.locator("#edgechat-site_key").inputValue();
    expect(await page.locator("a.edgechat-inbox").getAttribute("href")).toBe(`${server.url}/admin/`);
    await admin.close();

    const res = await fetch(`${server.url}/api/v1/sites/${siteKey}/signup-emails`, {
      headers: { Authorization: `Bearer ${server.vars.ADMIN_TOKEN}` },
    });
    const { emails } = (await res.json()) as { emails: { kind: string; to: string; message: { text: string } }[] };
    const welcome = emails.find((m) => m.kind === "site_welcome" && m.to === OWNER.email);
    // The set-password token is redacted in stored copies; the local server prints the link.
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

  wpTest("a logged-in customer writes; the card shows their saved cart and recent orders, as text", async () => {
    const context = await newVisitor(browser);
    const page = await wpLogin(context, shop!.url, CUSTOMER);
    await page.goto(`${shop!.url}/`);
    customerConversation = await writeInChat(context, page, "Is the linen shirt in my cart still in stock?");

    await owner.openConversation(customerConversation);
    const woo = wooSection();
    await woo.locator("table.cart").waitFor();
    const lines = woo.locator("table.cart tbody tr");
    expect(await lines.count()).toBe(2);
    expect(await rowTexts(lines)).toEqual(["Linen shirt × 2 €89.00", "Scarf <img src=x onerror=alert(1)> × 1 €35.50"]);
    expect(await lines.locator("a").evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href))).toEqual([
      `${shop!.url}/product/linen-shirt/`,
      `${shop!.url}/product/scarf/`,
    ]);
    expect(await woo.locator("table.cart tfoot").locator("th, td").allTextContents()).toEqual(["Total", "€213.50"]);
    expect(await rowTexts(woo.locator("ul.orders li")), "newest first").toEqual([
      "Order #9001 · Jan 2, 2026 · Completed · €120.00",
      "Order #8990 · Dec 20, 2025 · Processing · €35.50",
    ]);
    expect(await woo.locator("img").count(), "a product name with markup stays text").toBe(0);
    expect(owner.dialogs).toEqual([]);
    await owner.screenshot("admin-visitor-card-woo");

    await owner.page.locator("ec-app #lang").selectOption("ru");
    await expect.poll(() => woo.locator("h3").textContent()).toBe("Магазин");
    expect(await woo.locator("h4").allTextContents()).toEqual(["Корзина", "Последние заказы"]);
    expect(await woo.locator("table.cart tfoot th").textContent()).toBe("Итого");
    expect(await woo.locator("ul.orders li .status").allTextContents()).toEqual(["Выполнен", "В обработке"]);
    await owner.page.locator("ec-app #lang").selectOption("en");
    await context.close();
  });

  wpTest("a guest who is not logged in to the shop is 'not a shop customer'", async () => {
    const context = await newVisitor(browser);
    const page = await context.newPage();
    await page.goto(`${shop!.url}/`);
    const conversationId = await writeInChat(context, page, "Just looking, do you ship to Riga?");

    await owner.openConversation(conversationId);
    const state = wooSection().locator(".state[data-state=guest]");
    await expect.poll(() => state.textContent()).toBe("Not a shop customer: the visitor is not logged in to the shop.");
    expect(await wooSection().locator("table, ul, button").count()).toBe(0);
    await context.close();
  });

  wpTest("with the shop down the card says so, and 'Try again' shows the cart once it is back", async () => {
    await shop!.stop();
    await owner.openConversation(customerConversation);
    const woo = wooSection();
    await expect
      .poll(() => woo.locator(".state[data-state=unreachable]").textContent(), { timeout: 15_000 })
      .toBe("The shop could not be reached.");
    shop = await serveShop(shop!.port);
    await woo.locator("button.again", { hasText: "Try again" }).click();
    await expect
      .poll(() => rowTexts(woo.locator("table.cart tbody tr")), { timeout: 15_000 })
      .toEqual(["Linen shirt × 2 €89.00", "Scarf <img src=x onerror=alert(1)> × 1 €35.50"]);
  });

  wpTest("a site that is not connected, and a shop that refuses the signature, say what to do", async () => {
    // Refused (with "Try again") first: "not connected" has nothing to retry.
    const answers = [
      {
        status: 503,
        code: "shop_refused",
        state: "refused",
        text: "The shop refused the request: its Edgechat plugin holds another secret.",
      },
      {
        status: 409,
        code: "no_shop_url",
        state: "notConnected",
        text: "The shop is not connected. Connect the Edgechat plugin in WordPress",
      },
    ];
    for (const answer of answers) {
      await owner.page.route("**/api/v1/admin/visitors/*/woo", (route) =>
        route.fulfill({ status: answer.status, json: { error: { code: answer.code, message: "as the server says" } } }),
      );
      await wooSection().locator("button.again").click();
      await expect
        .poll(() => wooSection().locator(`.state[data-state=${answer.state}]`).textContent())
        .toContain(answer.text);
      await owner.page.unrouteAll();
    }
    expect(await wooSection().locator("button").count()).toBe(0);
    await owner.page.locator("ec-app #lang").selectOption("ru");
    await expect
      .poll(() => wooSection().locator(".state").textContent())
      .toContain("Магазин не подключён. Подключите плагин Edgechat");
    await owner.page.locator("ec-app #lang").selectOption("en");
    expect(owner.errors).toEqual([]);
  });
});

function wooSection() {
  return owner.page.locator("ec-visitor-card ec-woo-section");
}

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

const squash = (s: string | null) => (s ?? "").replace(/\s+/g, " ").trim();

async function rowTexts(rows: ReturnType<Page["locator"]>): Promise<string[]> {
  return (await rows.allTextContents()).map(squash);
}

/**
 * The E2E WordPress with the WooCommerce stand-in (EDGECHAT_WOO_STUB=1) through
 * woo-router.php, which fills the stand-in with the shop of woo-shop.php.
 */
function serveShop(port?: number): Promise<WordPressServer> {
  return serveWordPress({ port, router: "e2e/woo-router.php", env: { EDGECHAT_WOO_STUB: "1" } });
}
