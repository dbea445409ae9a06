/**
 * A new operator's first day in Chromium against the real Worker: the invite's page has
 * their name filled in, the invite email says where to sign in, and later they sign in with
 * only their email and password (no site key), as the login form now asks.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestServer } from "./support/server";
import { AdminPage } from "./admin-support/admin-page";
import { startAdminWorld } from "./admin-support/setup";

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

describe("a new operator signs in without a site key", () => {
  it("accepts the invite with the name filled in, then signs in with email and password only", async () => {
    expect(
      (await owner.api("POST", "/team/invites", { email: "nina@example.com", name: "Nina", role: "operator" })).status,
    ).toBe(201);
    const { body } = await owner.api("GET", "/outbox");
    const invite = body.messages.find((m: any) => m.kind === "invite" && m.to === "nina@example.com");
    expect(invite.message.text).toContain("site key: demo");
    expect(invite.message.text).toContain(`${server.url}/admin/`);

    const link = new URL(await owner.outboxLink("invite", "nina@example.com"));
    const nina = await AdminPage.open(browser, server, link.pathname + link.search);
    await nina.page.locator("ec-auth .muted", { hasText: "nina@example.com" }).waitFor();
    await expect.poll(() => nina.page.locator("ec-auth #name").inputValue()).toBe("Nina");
    await nina.page.locator("ec-auth #password").fill("nina's long password");
    await nina.page.locator("ec-auth button.primary").click();
    await nina.page.locator("ec-inbox-list").waitFor();
    await nina.close();

    const later = await AdminPage.open(browser, server);
    await expect(later.page.locator("ec-auth #siteKey").isVisible()).resolves.toBe(false);
    await later.page.locator("ec-auth #email").fill("nina@example.com");
    await later.page.locator("ec-auth #password").fill("wrong password");
    await later.page.locator("ec-auth button.primary").click();
    await expect
      .poll(() => later.page.locator("ec-auth [role=alert]").first().textContent())
      .toContain("wrong email or password");
    await later.page.locator("ec-auth #password").fill("nina's long password");
    await later.page.locator("ec-auth button.primary").click();
    await later.page.locator("ec-inbox-list").waitFor();
    const me = await later.api("GET", "/me");
    expect(me.body).toMatchObject({ siteKey: "demo", operator: { name: "Nina", role: "operator" } });
    await later.screenshot("admin-keyless-login");
    expect(later.errors).toEqual([]);
    await later.close();
  });

  it("signs the owner in with the site key under Advanced, as before", async () => {
    const page = await AdminPage.open(browser, server);
    await page.login("demo", server.owner.email, server.owner.password);
    expect((await page.api("GET", "/me")).body.siteKey).toBe("demo");
    await page.close();
  });
});
