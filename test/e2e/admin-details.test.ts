/**
 * The admin app's details in Chromium against the real Worker: visitor-provided HTML and
 * scripts shown as text, an email reply's quoted text hidden behind "show" and shown as
 * text, field-level messages in settings forms, what an operator (not admin) may do,
 * Russian, drafts kept across open conversations, the inbox and a conversation coming back
 * after the server closed their sockets, the new-conversation notification and the tab
 * title count, the audit log, and a password reset by email.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestServer } from "./support/server";
import { AdminPage, PHONE } from "./admin-support/admin-page";
import { startAdminWorld } from "./admin-support/setup";
import { apiVisitor, identityHash, type ApiVisitor } from "./admin-support/visitor-api";
import { SocketSwitch } from "./support/visitor";

/** The admin's site socket and its conversation sockets. */
const ADMIN_SOCKETS = /\/api\/v1\/admin\/(conversations\/[^/]+\/)?ws(\?|$)/;
import { replyAddress } from "./admin-support/reply-address";

let server: TestServer;
let browser: Browser;
let owner: AdminPage;
const visitors: ApiVisitor[] = [];

const XSS = {
  name: `<img src=x onerror="window.__xss='name'">Eve`,
  message: `<script>window.__xss='script'</script><b>bold?</b><img src=x onerror="window.__xss='message'">`,
  utm: `<svg onload="window.__xss='utm'">`,
  title: `</title><img src=x onerror="window.__xss='title'">`,
  landing: "javascript:window.__xss='landing'",
};

beforeAll(async () => {
  ({ server, browser } = await startAdminWorld());
  owner = await AdminPage.open(browser, server);
  // Desktop notifications: allowed, recorded, and the page acts as if it were in the background.
  await owner.context.grantPermissions(["notifications"], { origin: server.url });
  await owner.page.addInitScript(() => {
    const shown: string[] = ((window as any).__notes = []);
    (window as any).Notification = class {
      static permission = "granted";
      static requestPermission = async () => "granted";
      onclick: (() => void) | null = null;
      constructor(title: string) {
        shown.push(title);
      }
      close() {}
    };
    document.hasFocus = () => false;
  });
  await owner.page.reload();
  await owner.login("demo", server.owner.email, server.owner.password);
});

afterAll(async () => {
  for (const v of visitors) v.close();
  await browser?.close();
  await server?.stop();
});

/** Every element inside the app's shadow roots matching `selector`. */
function deepCount(page: AdminPage["page"], selector: string): Promise<number> {
  return page.evaluate((sel) => {
    let n = 0;
    const walk = (root: Document | ShadowRoot) => {
      n += root.querySelectorAll(sel).length;
      for (const el of root.querySelectorAll("*")) if (el.shadowRoot) walk(el.shadowRoot);
    };
    walk(document);
    return n;
  }, selector);
}

describe("admin details", () => {
  it("shows visitor-provided HTML and scripts as text, and notifies of a new conversation (desktop notification, title count)", async () => {
    const { body } = await owner.api("POST", "/settings/identity-secret");
    const v = await apiVisitor(server.url, "demo", {
      identity: { userId: "u-1", name: XSS.name, hash: identityHash(body.identitySecret, "u-1") },
      trail: {
        landing: XSS.landing,
        referrer: "https://search.example/?q=<b>x</b>",
        utm: { source: XSS.utm },
        pages: [{ url: "https://shop.example/p", title: XSS.title, at: Date.now() }],
      },
      locale: "de-DE",
      timezone: "Europe/Berlin",
    });
    visitors.push(v);
    await v.say(XSS.message);
    const row = owner.row(v.conversationId);
    await row.waitFor();
    expect(await row.locator(".name").textContent()).toBe(XSS.name);
    await expect
      .poll(() => owner.page.evaluate(() => (window as any).__notes))
      .toEqual([`New conversation: ${XSS.name}`]);
    await expect.poll(() => owner.page.title()).toMatch(/^\(\d+\) Inbox — Demo shop$/);

    await owner.openConversation(v.conversationId);
    await owner.thread().filter({ hasText: "bold?" }).waitFor();
    expect(await owner.thread().filter({ hasText: "bold?" }).textContent()).toBe(XSS.message);
    const card = owner.page.locator("ec-visitor-card");
    await card.locator("dd", { hasText: "onload" }).waitFor();
    expect(await card.locator("dd", { hasText: "onload" }).textContent()).toBe(XSS.utm);
    expect(await card.locator("ol li").textContent()).toBe(XSS.title);
    expect(await card.locator("dd", { hasText: "javascript:" }).textContent()).toBe(XSS.landing);
    expect(await card.locator("h2 .badge").textContent()).toContain("verified");
    expect(await deepCount(owner.page, 'a[href^="javascript"], img, script:not([type="module"]), svg[onload]')).toBe(0);
    expect(await owner.page.evaluate(() => (window as any).__xss ?? null)).toBeNull();
    expect(owner.dialogs).toEqual([]);
  });

  it("keeps drafts when switching between open conversations; Alt+↑/↓ moves between them", async () => {
    const w = await apiVisitor(server.url, "demo", { trail: {} });
    visitors.push(w);
    await w.say("second visitor here");
    await owner.row(w.conversationId).waitFor();
    const first = visitors[0]!.conversationId;
    await owner.composer().fill("half-written answer");
    await owner.openConversation(w.conversationId);
    expect(await owner.composer().inputValue()).toBe("");
    expect(await owner.page.locator("ec-app [role=tab]").count()).toBe(2);
    await owner.page.locator("ec-app [role=tab]").first().click();
    await expect.poll(() => owner.composer().inputValue()).toBe("half-written answer");
    await owner.page.locator("ec-inbox-list #q").focus();
    // Both visitors wait; Alt+↓ goes to the next waiting one (Eve waits longest, so she is on top).
    await owner.page.keyboard.press("Alt+ArrowDown");
    await expect
      .poll(() => owner.page.locator("ec-app [role=tab][aria-selected=true]").textContent())
      .not.toContain("Eve");
    expect(first).not.toBe(w.conversationId);
  });

  it("a guest's cart from the trail shows in the card's shop part, as text, with no script links", async () => {
    const cart = {
      items: [{ id: 1, name: XSS.name, qty: 2, price: 10, url: "javascript:window.__xss='cart'" }],
      total: 20,
      currency: "EUR",
    };
    const v = await apiVisitor(server.url, "demo", { trail: { landing: "https://shop.example/", cart } });
    visitors.push(v);
    await v.say("a guest with a cart");
    await owner.openConversation(v.conversationId);
    const woo = owner.page.locator("ec-woo-section");
    await woo.locator('[data-state="guest-cart"]').waitFor();
    expect(await woo.locator("table.cart tbody td").first().textContent()).toBe(XSS.name);
    expect(await woo.locator("table.cart tbody td.qty").textContent()).toBe("× 2");
    expect(await woo.locator("table.cart tfoot td").textContent()).toBe("€20.00");
    expect(await deepCount(owner.page, 'a[href^="javascript"], img, script:not([type="module"]), svg[onload]')).toBe(0);
    expect(await owner.page.evaluate(() => (window as any).__xss ?? null)).toBeNull();
  });

  it("brings the inbox and an open conversation back after the server closes their sockets; a reply written meanwhile is sent once", async () => {
    const v = await apiVisitor(server.url, "demo", { trail: {} });
    visitors.push(v);
    await v.say("before the server went away");
    const ops = await AdminPage.open(browser, server);
    const sockets = await SocketSwitch.install(ops.context, ADMIN_SOCKETS);
    await ops.login("demo", server.owner.email, server.owner.password);
    await ops.openConversation(v.conversationId);
    await ops.thread().filter({ hasText: "before the server went away" }).waitFor();
    const status = ops.page.locator("ec-inbox-list .status");
    const connecting = ops.page.locator("ec-conversation .thread p.muted", { hasText: "Connecting…" });
    await expect.poll(() => status.textContent()).toMatch(/^Live/);
    expect(sockets.open).toBe(2);

    await sockets.off(1001); // the server went away, and stays away for a moment
    await expect.poll(() => status.textContent()).toBe("Connecting…");
    await connecting.waitFor();
    await ops.composer().fill("written while the server was away");
    await ops.composer().press("Enter");
    await v.say("said while the server was away");
    const late = await apiVisitor(server.url, "demo", { trail: {} });
    visitors.push(late);
    await late.say("a conversation that started while the server was away");
    sockets.on();

    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toMatch(/^Live/);
    await ops.row(late.conversationId).waitFor();
    await ops.thread().filter({ hasText: "said while the server was away" }).waitFor({ timeout: 20_000 });
    await expect.poll(() => ops.page.locator("ec-conversation .msg.pending").count(), { timeout: 20_000 }).toBe(0);
    expect(await ops.thread().filter({ hasText: "written while the server was away" }).count()).toBe(1);
    expect(await connecting.count()).toBe(0);
    expect(sockets.open).toBe(2);
    expect(ops.errors).toEqual([]);
    await ops.close();
  });

  it("hides an email reply's quoted text behind a toggle and shows it as text, never HTML", async () => {
    const v = await apiVisitor(server.url, "demo", { trail: {} });
    visitors.push(v);
    await v.say("Is the LX-20 lamp dimmable?");
    await owner.page.goto(`${server.url}/admin/`);
    await owner.row(v.conversationId).waitFor();
    const to = replyAddress(v.conversationId, server.vars.TOKEN_SECRET, server.vars.INBOUND_DOMAIN);
    const quoted = `On Thu, 6 Nov 2026 at 11:47, Demo shop <support@edgechat.localhost> wrote:\n> Yes, it is <b>dimmable</b>.\n> <img src=x onerror="window.__xss='quote'">`;
    const raw =
      `From: Ann <ann@example.com>\r\nTo: ${to}\r\nSubject: Re: Your question\r\nMessage-ID: <quote-e2e@example.com>\r\n` +
      `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nGreat, I will take two.\r\n\r\n${quoted.replace(/\n/g, "\r\n")}\r\n`;
    const sent = await fetch(
      `${server.url}/cdn-cgi/handler/email?${new URLSearchParams({ from: "ann@example.com", to })}`,
      { method: "POST", body: raw },
    );
    expect(sent.status).toBe(200);

    await owner.openConversation(v.conversationId);
    const message = owner.page.locator("ec-conversation .msg", { hasText: "Great, I will take two." });
    await message.waitFor();
    expect(await message.locator(".text").textContent()).toBe("Great, I will take two.");
    const toggle = message.locator("button.quoted-toggle");
    expect((await toggle.textContent())?.trim()).toBe("quoted text hidden — show");
    expect(await message.locator(".quoted").count()).toBe(0);
    await toggle.click();
    expect(await message.locator(".quoted").textContent()).toBe(quoted);
    expect(await toggle.getAttribute("aria-expanded")).toBe("true");
    await owner.screenshot("admin-desktop-email-quote-shown");
    expect(await message.locator(".quoted img, .quoted b").count()).toBe(0);
    expect(await owner.page.evaluate(() => (window as any).__xss ?? null)).toBeNull();
    await toggle.click();
    expect(await message.locator(".quoted").count()).toBe(0);
  });

  it("shows the server's field messages in settings forms, and the owner sees them in the audit log", async () => {
    await owner.page.goto(`${server.url}/admin/settings/look`);
    const look = owner.page.locator("ec-settings-look form");
    await look.locator("#look\\.color").fill("red");
    await look.locator("#name").fill("");
    await look.locator("button.primary").click();
    await expect
      .poll(() => look.locator(".field-error").allTextContents())
      .toEqual(["name is required", "color is #RRGGBB"]);
    await look.locator("#look\\.color").fill("#ff0066");
    await look.locator("#name").fill("Demo shop");
    await look.locator("button.primary").click();
    await look.locator(".ok", { hasText: "Saved" }).waitFor();

    await owner.page.locator("ec-settings nav a", { hasText: "Allowed origins" }).click();
    const origins = owner.page.locator("ec-settings-origins form");
    await origins.locator("textarea").fill("http://localhost:*\nhttp://127.0.0.1:*\nshop.example/path");
    await origins.locator("button.primary").click();
    await expect
      .poll(() => origins.locator(".field-error li").textContent())
      .toMatch(/^Line 3: an origin is scheme:\/\/host/);

    await owner.page.locator("ec-settings nav a", { hasText: "Audit log" }).click();
    const audit = owner.page.locator("ec-settings-audit");
    await audit.locator("td", { hasText: "Settings changed" }).first().waitFor();
    expect(await audit.locator("table").textContent()).toContain("#2563eb → #ff0066");
    expect(await audit.locator("table").textContent()).toContain("Secret rotated");
  });

  it("lets an operator answer but not change settings", async () => {
    await owner.page.locator("ec-settings nav a", { hasText: "Operators and roles" }).click();
    const form = owner.page.locator("ec-settings-team form");
    await form.locator("#email").fill(server.owner.email);
    await form.locator("button.primary").click();
    await expect
      .poll(() => form.locator(".field-error").textContent())
      .toBe(`${server.owner.email} is already on the team`);
    await form.locator("#email").fill("oleg@example.com");
    await form.locator("button.primary").click();
    await form.locator(".ok", { hasText: "oleg@example.com" }).waitFor();
    const link = new URL(await owner.outboxLink("invite", "oleg@example.com"));
    const oleg = await AdminPage.open(browser, server, link.pathname + link.search, PHONE);
    await oleg.page.locator("ec-auth #name").fill("Oleg");
    await oleg.page.locator("ec-auth #password").fill("oleg's long password");
    await oleg.page.locator("ec-auth button.primary").click();
    await oleg.page.locator("ec-inbox-list").waitFor();
    await oleg.page.goto(`${server.url}/admin/settings/look`);
    await oleg.page.locator("ec-settings-account table").waitFor();
    expect(await oleg.page.locator("ec-settings nav a").allTextContents()).toEqual([
      "My sessions",
      "Notifications",
      "Leads",
      "Appointments",
    ]);
    // The table is drawn before its rows arrive.
    await expect.poll(() => oleg.page.locator("ec-settings-account table").textContent()).toContain("this browser");
    const put = await oleg.api("PUT", "/settings", { name: "Oleg's shop" });
    expect(put.status).toBe(403);
    expect((await oleg.api("GET", "/audit")).status).toBe(403);
    await oleg.screenshot("admin-phone-settings-operator");
    await oleg.close();
  });

  it("speaks Russian, including the server's messages", async () => {
    await owner.page.goto(`${server.url}/admin/`);
    await owner.page.locator("ec-app #lang").selectOption("ru");
    await owner.page.locator("ec-inbox-list nav button", { hasText: "Открытые" }).waitFor();
    await owner.page.reload();
    await owner.page.locator("ec-inbox-list nav button", { hasText: "Открытые" }).waitFor();
    await owner.page.goto(`${server.url}/admin/settings/team`);
    const form = owner.page.locator("ec-settings-team form");
    await form.locator("#email").fill("не-email");
    await form.locator("button.primary").click();
    await expect.poll(() => form.locator(".field-error").textContent()).toBe("Это не похоже на email");
    await owner.screenshot("admin-desktop-settings-ru");
    await owner.page.locator("ec-app #lang").selectOption("en");
  });

  it("resets a forgotten password with the link from the outbox", async () => {
    const page = await AdminPage.open(browser, server);
    await page.page.locator("ec-auth button.link", { hasText: "Forgot" }).click();
    // No site key: every site of the email mails its own link.
    await page.page.locator("ec-auth #email").fill(server.owner.email);
    await page.page.locator("ec-auth button.primary").click();
    await page.page.locator("ec-auth .ok").waitFor();
    const link = new URL(await owner.outboxLink("password_reset", server.owner.email));
    await page.page.goto(link.href.replace(link.origin, server.url));
    await page.page.locator("ec-auth #password").fill("brand new password");
    await page.page.locator("ec-auth #confirm").fill("brand new passwor");
    await page.page.locator("ec-auth button.primary").click();
    await expect.poll(() => page.page.locator("ec-auth .field-error").textContent()).toBe("The two passwords differ");
    await page.page.locator("ec-auth #confirm").fill("brand new password");
    await page.page.locator("ec-auth button.primary").click();
    await page.page.locator("ec-auth .ok", { hasText: "Password changed" }).waitFor();
    await page.login("demo", server.owner.email, "brand new password");
    expect(page.dialogs).toEqual([]);
    await page.close();
  });
});
