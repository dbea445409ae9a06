/**
 * CSAT in Chromium against the real Worker: a visitor asks in the widget, the owner answers
 * and resolves in the admin; the widget asks for a rating (a labelled radio group), the
 * visitor rates with a comment; the rating shows in the admin's thread, the visitor card and
 * the Reports screen (screenshot: test-results/screenshots/reports-csat.png).
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestServer } from "./support/server";
import { AdminPage } from "./admin-support/admin-page";
import { startAdminWorld } from "./admin-support/setup";
import { Visitor } from "./support/visitor";

let server: TestServer;
let browser: Browser;
let owner: AdminPage;
let visitor: Visitor;

beforeAll(async () => {
  ({ server, browser } = await startAdminWorld());
  owner = await AdminPage.open(browser, server);
  await owner.login("demo", server.owner.email, server.owner.password);
  visitor = await Visitor.open(browser, server);
});

afterAll(async () => {
  await visitor?.close();
  await browser?.close();
  await server?.stop();
});

describe("rating a resolved conversation", () => {
  it("is asked in the widget, sent once, and shown in the admin and the Reports screen", async () => {
    await visitor.openChat();
    await visitor.send("Do you gift-wrap?");
    await expect.poll(() => visitor.session().then((s) => s?.conversationId ?? null)).toBeTruthy();
    const { conversationId } = (await visitor.session())!;

    await owner.openConversation(conversationId);
    await owner.composer().fill("Yes, for free.");
    await owner.composer().press("Enter");
    await owner.thread().filter({ hasText: "Yes, for free." }).waitFor();
    await owner.page.locator("ec-conversation").getByRole("button", { name: "Resolve" }).click();

    const prompt = visitor.page.locator("edge-chat .rating");
    await prompt.waitFor({ timeout: 15_000 });
    expect(await prompt.locator("legend").textContent()).toBe("How did we do?");
    // Sending without a choice says what is missing, in an alert.
    await prompt.getByRole("button", { name: "Send rating" }).click();
    expect(await prompt.getByRole("alert").textContent()).toBe("Choose a rating first.");
    await visitor.page.getByRole("radio", { name: "4 of 5" }).check();
    await prompt.getByLabel("Comment (optional)").fill("Quick and kind");
    await prompt.getByRole("button", { name: "Send rating" }).click();
    await visitor.page.locator("edge-chat [role=status]", { hasText: "Thank you for your rating!" }).waitFor();
    expect(await prompt.count()).toBe(0);

    await owner.thread().filter({ hasText: "Rating ★ 4 of 5: Quick and kind" }).waitFor({ timeout: 15_000 });
    // The card reads the Site's summary, which follows the thread shortly (summaries are coalesced).
    await expect
      .poll(async () => (await owner.api("GET", `/conversations/${conversationId}/visitor`)).body.visitor.rating, {
        timeout: 15_000,
      })
      .toBe(4);

    // A reload shows no second prompt: the conversation is rated.
    await visitor.goto("/demo/");
    if (!(await visitor.input().isVisible())) await visitor.launcher().click(); // the panel may reopen by itself
    await visitor.page.locator("edge-chat .msg .text", { hasText: "Yes, for free." }).waitFor();
    expect(await visitor.page.locator("edge-chat .rating").count()).toBe(0);

    await owner.page.goto(`${server.url}/admin/settings/reports`);
    const screen = owner.page.locator("ec-settings-reports");
    const satisfaction = screen.locator(".figure", { hasText: "Satisfaction" }).locator(".value");
    await expect.poll(() => satisfaction.textContent(), { timeout: 15_000 }).toBe("4.0");
    await owner.screenshot("reports-csat");
  });
});

describe("the rating prompt and the visitor's next line", () => {
  it("goes away when the visitor writes again instead of rating: the conversation is open again", async () => {
    const guest = await Visitor.open(browser, server);
    try {
      await guest.openChat();
      await guest.send("Do you have the blue one?");
      await expect.poll(() => guest.states()).toEqual(["Sent"]);
      const { conversationId } = (await guest.session())!;
      expect((await owner.api("POST", `/conversations/${conversationId}/resolve`)).status).toBe(200);
      const prompt = guest.page.locator("edge-chat .rating");
      await prompt.waitFor({ timeout: 15_000 });
      // The prompt has a comment box of its own; the message field is the composer's.
      await guest.send("Sorry, one more thing: in size S?");
      await expect.poll(() => guest.texts()).toContain("Sorry, one more thing: in size S?");
      await expect.poll(() => guest.states()).toEqual(["Sent"]);
      await expect.poll(() => prompt.count()).toBe(0);
      // The inbox has it among the open ones again (summaries follow shortly).
      await expect
        .poll(async () =>
          (await owner.api("GET", "/conversations?status=open")).body.conversations.some(
            (c: { id: string }) => c.id === conversationId,
          ),
        )
        .toBe(true);
      expect(guest.errors).toEqual([]);
    } finally {
      await guest.close();
    }
  });
});

describe("the thanks for a rating", () => {
  it("goes when the visitor writes again: the conversation goes on", async () => {
    const guest = await Visitor.open(browser, server);
    try {
      await guest.openChat();
      await guest.send("Do you sell gift cards?");
      await expect.poll(() => guest.states()).toEqual(["Sent"]);
      const { conversationId } = (await guest.session())!;
      expect((await owner.api("POST", `/conversations/${conversationId}/resolve`)).status).toBe(200);
      const prompt = guest.page.locator("edge-chat .rating");
      await prompt.waitFor({ timeout: 15_000 });
      await guest.page.getByRole("radio", { name: "5 of 5" }).check();
      await prompt.getByRole("button", { name: "Send rating" }).click();
      const thanks = guest.page.locator("edge-chat [role=status]", { hasText: "Thank you for your rating!" });
      await thanks.waitFor({ timeout: 15_000 });
      await guest.send("Oh, and can I pay for one by invoice?");
      await expect.poll(() => guest.states()).toEqual(["Sent"]);
      await expect.poll(() => thanks.count()).toBe(0);
    } finally {
      await guest.close();
    }
  });
});

describe("the rating prompt and the keyboard", () => {
  it.each([
    ["Not now", undefined],
    ["Send rating", "5 of 5"],
  ])("after %s, focus is in the message field, not on a control that went away", async (choice, score) => {
    const guest = await Visitor.open(browser, server);
    try {
      await guest.openChat();
      await guest.send("Is there parking?");
      // Stored before the resolve: a line arriving after it would reopen the conversation.
      await expect.poll(() => guest.states()).toEqual(["Sent"]);
      const { conversationId } = (await guest.session())!;
      expect((await owner.api("POST", `/conversations/${conversationId}/resolve`)).status).toBe(200);
      const prompt = guest.page.locator("edge-chat .rating");
      await prompt.waitFor({ timeout: 15_000 });
      if (score) await guest.page.getByRole("radio", { name: score }).check();
      await prompt.getByRole("button", { name: choice }).focus();
      await guest.page.keyboard.press("Enter");
      await expect.poll(() => prompt.count()).toBe(0);
      // Focus inside the widget's shadow root: the element's part, or null when it left the chat.
      const focused = await guest.page.evaluate(
        () => document.querySelector("edge-chat")?.shadowRoot?.activeElement?.getAttribute("part") ?? null,
      );
      expect(focused).toBe("input");
      await guest.page.keyboard.type("Thanks!");
      expect(await guest.input().inputValue()).toBe("Thanks!");
    } finally {
      await guest.close();
    }
  });

  it("the team reopens the conversation while the visitor writes a comment: the keyboard stays in the chat", async () => {
    const guest = await Visitor.open(browser, server);
    try {
      await guest.openChat();
      await guest.send("Can I pick it up myself?");
      await expect.poll(() => guest.states()).toEqual(["Sent"]);
      const { conversationId } = (await guest.session())!;
      expect((await owner.api("POST", `/conversations/${conversationId}/resolve`)).status).toBe(200);
      const prompt = guest.page.locator("edge-chat .rating");
      await prompt.waitFor({ timeout: 15_000 });
      await prompt.getByLabel("Comment (optional)").fill("Quick an");
      expect((await owner.api("POST", `/conversations/${conversationId}/reopen`)).status).toBe(200);
      await expect.poll(() => prompt.count(), { timeout: 15_000 }).toBe(0);
      const focused = await guest.page.evaluate(
        () => document.querySelector("edge-chat")?.shadowRoot?.activeElement?.getAttribute("part") ?? null,
      );
      expect(focused).toBe("input");
      await guest.page.keyboard.press("Escape"); // still in the chat: Escape closes it
      await expect.poll(() => guest.page.locator("edge-chat .panel").isVisible()).toBe(false);
    } finally {
      await guest.close();
    }
  });
});

describe("the rating prompt in two tabs", () => {
  it("'Not now' in one tab puts the prompt away in the other too", async () => {
    const guest = await Visitor.open(browser, server);
    try {
      await guest.openChat();
      await guest.send("Do you ship to Norway?");
      await expect.poll(() => guest.states()).toEqual(["Sent"]);
      const second = await guest.context.newPage();
      await second.goto(`${server.url}/demo/`);
      await guest.componentLoaded(second);
      if (!(await second.locator("edge-chat .panel").isVisible())) await guest.openChat(second);
      await second.locator("edge-chat .msg .text", { hasText: "Do you ship to Norway?" }).waitFor({ timeout: 15_000 });
      const { conversationId } = (await guest.session())!;
      expect((await owner.api("POST", `/conversations/${conversationId}/resolve`)).status).toBe(200);
      const first = guest.page.locator("edge-chat .rating");
      const other = second.locator("edge-chat .rating");
      await first.waitFor({ timeout: 15_000 });
      await other.waitFor({ timeout: 15_000 });
      await first.getByRole("button", { name: "Not now" }).click();
      await expect.poll(() => first.count()).toBe(0);
      await expect.poll(() => other.count()).toBe(0);
    } finally {
      await guest.close();
    }
  });
});
