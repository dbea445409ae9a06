/**
 * The operators' admin app in Chromium against the real Worker (local runtime, demo site):
 * log in; a message sent from /demo/ appears live; answer with a canned response; a note the
 * visitor never sees; assign; resolve; two operators see each other's changes live; an
 * operator of another site gets 403; screenshots at desktop and phone size.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestServer } from "./support/server";
import { Visitor } from "./support/visitor";
import { AdminPage, PHONE, eventually } from "./admin-support/admin-page";
import { startAdminWorld } from "./admin-support/setup";

let server: TestServer;
let browser: Browser;
let owner: AdminPage;
let olga: AdminPage;
let visitor: Visitor;
let conversationId: string;

beforeAll(async () => {
  ({ server, browser } = await startAdminWorld());
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("admin app", () => {
  it("logs in, after showing the server's message under the wrong field", async () => {
    owner = await AdminPage.open(browser, server);
    await owner.submitLogin("demo", "not-an-email", "whatever");
    await expect.poll(() => owner.page.locator("ec-auth .field-error").textContent()).toBe("not a valid email address");
    expect(await owner.page.locator("ec-auth #email").getAttribute("aria-invalid")).toBe("true");
    await owner.login("demo", server.owner.email, server.owner.password);
    await expect.poll(() => owner.page.locator("ec-inbox-list .status").textContent()).toMatch(/Live/);
  });

  it("manages canned responses in settings, with field-level messages", async () => {
    await owner.page.locator("ec-app nav a", { hasText: "Settings" }).click();
    await owner.page.locator("ec-settings nav a", { hasText: "Canned responses" }).click();
    await owner.page.locator("ec-settings-canned button", { hasText: "Add a response" }).click();
    const form = owner.page.locator("ec-settings-canned form");
    await form.locator("#shortcut").fill("has space");
    await form.locator("button.primary").click();
    await expect
      .poll(() => form.locator(".field-error").allTextContents())
      .toEqual(["shortcut uses letters, digits, _ and - only", "text is empty"]);
    await form.locator("#shortcut").fill("ship");
    await form.locator("#title").fill("Shipping");
    await form.locator("#text").fill("We ship linen to the Baltics in 3 days.");
    await form.locator("button.primary").click();
    await owner.page.locator("ec-settings-canned code", { hasText: "/ship" }).waitFor();
  });

  it("invites a second operator by email; the link from the outbox lets her join", async () => {
    await owner.page.locator("ec-settings nav a", { hasText: "Operators and roles" }).click();
    const form = owner.page.locator("ec-settings-team form");
    await form.locator("#email").fill("olga@example.com");
    await form.locator("#name").fill("Olga");
    await form.locator("button.primary").click();
    await form.locator(".ok", { hasText: "olga@example.com" }).waitFor();
    const link = await owner.outboxLink("invite", "olga@example.com");
    olga = await AdminPage.open(browser, server, new URL(link).pathname + new URL(link).search);
    await olga.page.locator("ec-auth", { hasText: "olga@example.com" }).waitFor();
    await olga.page.locator("ec-auth #name").fill("Olga");
    await olga.page.locator("ec-auth #password").fill("olga's long password");
    await olga.page.locator("ec-auth button.primary").click();
    await olga.page.locator("ec-inbox-list").waitFor();
    await owner.page.locator("ec-app nav a", { hasText: "Inbox" }).click();
  });

  it("shows a message sent from /demo/ live, to both operators", async () => {
    visitor = await Visitor.open(browser, server, "/demo/");
    await visitor.openChat();
    await visitor.send("Do you ship linen to Riga?");
    conversationId = (await eventually(() => visitor.session(), 15_000, "visitor session"))!.conversationId;
    for (const op of [owner, olga]) await op.row(conversationId).waitFor({ timeout: 15_000 });
    await expect.poll(() => owner.row(conversationId).locator(".badge").textContent()).toMatch(/\d/);
  });

  it("answers with a canned response: / opens them, Enter picks, Enter sends", async () => {
    await owner.openConversation(conversationId);
    await owner.thread().filter({ hasText: "Do you ship linen to Riga?" }).waitFor();
    const box = owner.composer();
    await box.click();
    await box.press("x");
    await box.press("Shift+Enter");
    expect(await box.inputValue()).toBe("x\n");
    await box.fill("");
    await box.pressSequentially("/sh");
    await owner.page.locator("ec-composer [role=option]", { hasText: "/ship" }).waitFor();
    await box.press("Enter");
    expect(await box.inputValue()).toBe("We ship linen to the Baltics in 3 days.");
    await box.press("Enter");
    await expect.poll(() => visitor.texts(), { timeout: 15_000 }).toContain("We ship linen to the Baltics in 3 days.");
    expect(await box.inputValue()).toBe("");
  });

  it("keeps internal notes among operators", async () => {
    const box = owner.composer();
    await box.press("Alt+n");
    await box.fill("Customer asked about Riga before");
    await box.press("Enter");
    await owner.page.locator("ec-conversation .msg.note", { hasText: "Customer asked about Riga before" }).waitFor();
    await olga.openConversation(conversationId);
    await olga.page.locator("ec-conversation .msg.note", { hasText: "Customer asked about Riga before" }).waitFor();
    await box.press("Alt+n"); // back to replies
    await new Promise((r) => setTimeout(r, 500));
    expect(await visitor.texts()).not.toContain("Customer asked about Riga before");
  });

  it("assigns to Olga and she resolves: each sees the other's change live", async () => {
    const olgaId = (await olga.api("GET", "/me")).body.operator.id;
    await owner.page.locator("ec-conversation #assign").selectOption(`op:${olgaId}`);
    await olga.view("Mine");
    await olga.row(conversationId).waitFor();
    await expect.poll(() => olga.page.locator("ec-conversation #assign").inputValue()).toBe(`op:${olgaId}`);
    await olga.page.locator("ec-conversation header button", { hasText: "Resolve" }).click();
    await owner.page.locator("ec-conversation header button", { hasText: "Reopen" }).waitFor();
    await expect.poll(() => owner.row(conversationId).count()).toBe(0); // gone from Open
    await owner.view("Resolved");
    await owner.row(conversationId).waitFor();
    await owner.page.locator("ec-conversation header button", { hasText: "Reopen" }).click();
    await olga.page.locator("ec-conversation header button", { hasText: "Resolve" }).waitFor();
    await owner.view("Open");
  });

  it("refuses an operator of another site with 403", async () => {
    const res = await fetch(`${server.url}/api/v1/sites`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${server.vars.ADMIN_TOKEN}` },
      body: JSON.stringify({
        siteKey: "rival",
        name: "Rival",
        ownerEmail: "boss@rival.example",
        ownerPassword: "rival password 1",
        allowedOrigins: ["https://rival.example"],
      }),
    });
    expect(res.status).toBe(201);
    const rival = await AdminPage.open(browser, server);
    await rival.login("rival", "boss@rival.example", "rival password 1");
    for (const [method, path] of [
      ["POST", `/conversations/${conversationId}/resolve`],
      ["GET", `/conversations/${conversationId}/visitor`],
    ] as const) {
      const { status, body } = await rival.api(method, path);
      expect(status, path).toBe(403);
      expect(body.error.code).toBe("forbidden");
    }
    const { body } = await rival.api("GET", "/conversations");
    expect(body.conversations).toEqual([]);
    await rival.close();
  });

  it("saves screenshots at desktop and phone size", async () => {
    await owner.row(conversationId).click();
    await owner.page.locator("ec-visitor-card h2").waitFor();
    await owner.screenshot("admin-desktop-conversation");
    await olga.page.setViewportSize(PHONE);
    await olga.page.goto(`${server.url}/admin/`);
    await olga.page.locator("ec-inbox-list li button").first().waitFor();
    await olga.screenshot("admin-phone-inbox");
    await olga.row(conversationId).click();
    await olga.page.locator("ec-conversation .thread").waitFor();
    expect(await olga.page.locator("ec-inbox-list").isVisible()).toBe(false); // one pane at a time
    await olga.screenshot("admin-phone-conversation");
    await olga.page.locator("ec-conversation .back").click();
    await olga.page.locator("ec-inbox-list").waitFor();
    await owner.page.locator("ec-app nav a", { hasText: "Settings" }).click();
    await owner.page.locator("ec-settings nav a", { hasText: "Widget look" }).click();
    await owner.page.locator("ec-settings-look form").waitFor();
    await owner.screenshot("admin-desktop-settings");
    expect([...owner.dialogs, ...olga.dialogs, ...owner.errors, ...olga.errors]).toEqual([]);
  });
});
