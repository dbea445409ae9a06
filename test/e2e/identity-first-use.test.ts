/**
 * A shop following the admin's Identity screen, in Chromium against the local runtime: the
 * documented `window.edgechatSettings = {identity: {id, email, name, hash}}` with the hash
 * from the documented formula makes a verified customer in the operator's inbox; a hash that
 * does not verify leaves the chat working unverified, with a console warning on the shop's
 * page and a notice on the Identity screen.
 */
import { createHmac } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminPage } from "./admin-support/admin-page";
import { startAdminWorld } from "./admin-support/setup";
import { newVisitor } from "./support/browser";
import type { TestServer } from "./support/server";
import { Visitor } from "./support/visitor";

let server: TestServer;
let browser: Browser;
let owner: AdminPage;
let secret: string;

beforeAll(async () => {
  ({ server, browser } = await startAdminWorld());
  owner = await AdminPage.open(browser, server);
  await owner.login("demo", server.owner.email, server.owner.password);
  secret = (await owner.api("POST", "/secrets/identity/rotate", { graceHours: 0 })).body.secret;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** A shop page that sets the identity as the Identity screen documents, before the loader runs. */
async function shopper(identity: Record<string, unknown>): Promise<{ visitor: Visitor; warnings: string[] }> {
  const context = await newVisitor(browser);
  const visitor = new Visitor(context, await context.newPage(), server);
  const warnings: string[] = [];
  await visitor.page.addInitScript((id) => {
    (window as any).edgechatSettings = { identity: id };
  }, identity);
  visitor.page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
  await visitor.goto("/demo/");
  return { visitor, warnings };
}

describe("identity from the documented form", () => {
  it("arrives verified in the inbox when the hash follows the documented formula", async () => {
    const email = "olga@example.com";
    // hash = HMAC-SHA256(identity secret, userId + "\n" + email), hex — as the Identity screen shows it.
    const hash = createHmac("sha256", secret).update(`u-77\n${email}`).digest("hex");
    const { visitor, warnings } = await shopper({ id: "u-77", email, name: "Olga", hash });
    await visitor.openChat();
    await visitor.send("Where is my order 1042?");
    await expect.poll(() => visitor.states()).toContain("Sent");
    const { conversationId } = (await visitor.session())!;
    await owner.row(conversationId).waitFor({ timeout: 15_000 });
    await owner.openConversation(conversationId);
    const title = owner.page.locator("ec-conversation header h2");
    await expect.poll(() => title.textContent()).toContain("Olga");
    expect(await title.locator(".badge").textContent()).toContain("verified");
    expect(warnings.filter((w) => w.includes("edgechat"))).toEqual([]);
    await visitor.close();
  });

  it("warns on the shop's page and on the Identity screen when the hash does not verify; the chat still works", async () => {
    const { visitor, warnings } = await shopper({
      id: "u-78",
      email: "ivan@example.com",
      name: "Ivan",
      hash: "0".repeat(64),
    });
    await visitor.openChat();
    await visitor.send("Hello?");
    await expect.poll(() => visitor.states()).toContain("Sent");
    await expect.poll(() => warnings.join("\n")).toContain("edgechat: identity ignored");
    const { conversationId } = (await visitor.session())!;
    await owner.row(conversationId).waitFor({ timeout: 15_000 });
    await owner.openConversation(conversationId);
    expect(await owner.page.locator("ec-conversation header h2 .badge").count()).toBe(0);

    await owner.page.goto(`${server.url}/admin/settings/identity`);
    const notice = owner.page.locator("ec-settings-identity #identity-refused");
    await notice.waitFor({ timeout: 15_000 });
    expect(await notice.textContent()).toMatch(
      /^1 time your shop sent a customer's identity whose hash did not verify/,
    );
    await owner.screenshot("admin-identity-refused");
    await visitor.close();
  });
});
