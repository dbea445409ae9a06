/**
 * A visitor erased while their tab is open (the owner's erasure of the contact), in Chromium
 * against the real Worker: the widget's socket is closed, it reconnects to the same
 * conversation id, now begun again from seq 1. What was erased leaves the screen, and what the
 * visitor and the operator write next is shown and delivered, not taken for a message seen.
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

beforeAll(async () => {
  ({ server, browser } = await startAdminWorld());
  owner = await AdminPage.open(browser, server);
  await owner.login("demo", server.owner.email, server.owner.password);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("a visitor erased while the chat is open", () => {
  it("loses what was erased from the screen and goes on chatting in the conversation begun again", async () => {
    const visitor = await Visitor.open(browser, server);
    try {
      await visitor.openChat();
      await visitor.send("I live at 12 Long Road");
      await visitor.send("and my card ends 4242");
      await expect.poll(() => visitor.texts().then((t) => t.includes("and my card ends 4242"))).toBe(true);
      await expect.poll(() => visitor.states().then((s) => s.includes("Sending…"))).toBe(false);
      const { visitorId, conversationId } = (await visitor.session())!;

      const erased = await owner.api("POST", `/contacts/${visitorId}/erase`, { confirm: visitorId });
      expect(erased.status).toBe(200);
      expect(erased.body.erased.conversations).toBe(1);

      // The widget comes back on the same id; the erased lines go from the screen.
      await expect.poll(() => visitor.texts().then((t) => t.some((x) => x.includes("12 Long Road")))).toBe(false);
      expect((await visitor.texts()).some((x) => x.includes("4242"))).toBe(false);

      // The next line is the new conversation's seq 1, which the tab had shown before.
      await visitor.send("Hello again");
      await expect.poll(() => visitor.texts().then((t) => t.filter((x) => x === "Hello again").length)).toBe(1);
      await expect.poll(() => visitor.states().then((s) => s.includes("Sending…"))).toBe(false);
      expect((await visitor.session())!.conversationId).toBe(conversationId);

      await owner.openConversation(conversationId);
      await owner.thread().filter({ hasText: "Hello again" }).waitFor({ timeout: 15_000 });
      expect(await owner.thread().filter({ hasText: "12 Long Road" }).count()).toBe(0);
      await owner.composer().fill("Welcome back!");
      await owner.composer().press("Enter");
      await expect.poll(() => visitor.texts().then((t) => t.includes("Welcome back!"))).toBe(true);
      expect(visitor.errors).toEqual([]);
    } finally {
      await visitor.close();
    }
  });
});
