/**
 * The operator's first-use fixes in Chromium: right-to-left messages laid out right to left;
 * the inbox preview marks an internal note; "Seen" stays under the answer the visitor read,
 * not under a later note; the visitor card labels UTM tags once and shows no made-up location
 * in local mode; in Russian, the resolve button is an action.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { TestServer } from "./support/server";
import { Visitor } from "./support/visitor";
import { AdminPage, eventually } from "./admin-support/admin-page";
import { startAdminWorld } from "./admin-support/setup";
import { apiVisitor } from "./admin-support/visitor-api";

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  ({ server, browser } = await startAdminWorld());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("an operator's conversation", () => {
  test("RTL text, the note in the preview, Seen under the answer, the card's UTM label, a Russian action", async () => {
    const owner = await AdminPage.open(browser, server);
    await owner.login("demo", server.owner.email, server.owner.password);
    const visitor = await Visitor.open(browser, server, "/demo/?utm_source=newsletter");
    await visitor.openChat();
    const hebrew = "שלום, יש לכם מידה 44?";
    await visitor.send(hebrew);
    const id = (await eventually(() => visitor.session(), 15_000, "session"))!.conversationId;
    await owner.row(id).waitFor({ timeout: 15_000 });
    await owner.openConversation(id);

    const bubble = owner.thread().filter({ hasText: hebrew });
    await bubble.waitFor();
    expect(await bubble.evaluate((el) => getComputedStyle(el).direction)).toBe("rtl");

    await owner.composer().fill("Yes, we have size 44.");
    await owner.composer().press("Enter");
    await expect.poll(() => visitor.texts()).toContain("Yes, we have size 44.");
    const seen = owner.page.locator("ec-conversation .seen");
    await seen.waitFor({ timeout: 15_000 });

    await owner.page.locator("ec-composer .modes button", { hasText: "Internal note" }).click();
    await owner.composer().fill("Check the stock in Riga first");
    await owner.composer().press("Enter");
    await owner.thread().filter({ hasText: "Check the stock in Riga first" }).waitFor();
    const under = await seen.evaluate((el) => el.previousElementSibling?.textContent ?? "");
    expect(under).toContain("Yes, we have size 44.");
    expect(under).not.toContain("Check the stock");

    const preview = owner.row(id).locator(".preview");
    await expect.poll(() => preview.textContent(), { timeout: 15_000 }).toBe("Note: Check the stock in Riga first");

    const toggle = owner.page.locator("ec-conversation .card-toggle");
    if (await toggle.isVisible()) await toggle.click(); // on a desktop the card is beside the thread
    const card = owner.page.locator("ec-visitor-card");
    await card.locator("dt", { hasText: "utm_source" }).waitFor({ timeout: 15_000 });
    const labels = await card.locator("dt").allTextContents();
    expect(labels).toContain("utm_source");
    expect(labels.join(" ")).not.toContain("utm_utm_");
    expect(labels).not.toContain("Location"); // the local runtime's cf location is made up
    await owner.screenshot("admin-first-use-conversation");

    await owner.page.locator("ec-app #lang").selectOption("ru");
    await owner.page.getByRole("button", { name: "Отметить решённым" }).waitFor();
    await owner.page.locator("ec-app #lang").selectOption("en");
    await visitor.close();
    await owner.close();
  });
});

describe("the site's time zone", () => {
  test("is picked from the IANA zones, with the browser's own zone one click away", async () => {
    const owner = await AdminPage.open(browser, server);
    const cdp = await owner.context.newCDPSession(owner.page);
    await cdp.send("Emulation.setTimezoneOverride", { timezoneId: "Asia/Vladivostok" });
    await owner.login("demo", server.owner.email, server.owner.password);
    await owner.page.goto(`${server.url}/admin/settings/look`);
    const screen = owner.page.locator("ec-settings-look");
    const field = screen.locator("#timezone");
    await field.waitFor();
    expect(await field.getAttribute("list")).toBe("zone-names");
    const zones = await screen
      .locator("#zone-names option")
      .evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value));
    expect(zones.length).toBeGreaterThan(300);
    expect(zones).toContain("Asia/Vladivostok");
    await screen.getByRole("button", { name: "Use this browser's zone: Asia/Vladivostok" }).click();
    expect(await field.inputValue()).toBe("Asia/Vladivostok");
    await owner.screenshot("settings-timezone-picker");
    await screen.getByRole("button", { name: "Save" }).click();
    await screen.locator(".ok").waitFor();
    expect((await owner.api("GET", "/settings")).body.settings.timezone).toBe("Asia/Vladivostok");
    await expect.poll(() => screen.locator("#browser-zone").count()).toBe(0);

    await field.fill("Mars/Olympus");
    await screen.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => screen.locator(".field-error").first().textContent()).toContain("unknown timezone");
    await owner.close();
  });
});

describe("the inbox order", () => {
  test("waiting visitors first, longest wait on top (activity order one click away); Alt+↓ goes to the next waiting one", async () => {
    const owner = await AdminPage.open(browser, server);
    await owner.login("demo", server.owner.email, server.owner.password);
    const longest = await apiVisitor(server.url, "demo", {});
    await longest.say("I asked first");
    const second = await apiVisitor(server.url, "demo", {});
    await second.say("I asked second");
    const answered = await apiVisitor(server.url, "demo", {});
    await answered.say("I asked last");
    const ids = [longest, second, answered].map((v) => v.conversationId);
    for (const id of ids) await owner.row(id).waitFor({ timeout: 15_000 });
    await owner.openConversation(answered.conversationId);
    await owner.composer().fill("Answered you first, as you were last.");
    await owner.composer().press("Enter");
    await owner.thread().filter({ hasText: "Answered you first" }).waitFor();

    const order = async () =>
      (
        await owner.page.locator("ec-inbox-list li button").evaluateAll((b) => b.map((x) => x.getAttribute("data-id")))
      ).filter((id) => ids.includes(id!));
    await expect
      .poll(order, { timeout: 15_000 })
      .toEqual([longest.conversationId, second.conversationId, answered.conversationId]);
    await owner.screenshot("inbox-waiting-first");

    // Alt+↓ from the answered one (at the bottom) goes to the longest wait, then to the next waiting.
    await owner.page.keyboard.press("Alt+ArrowDown");
    await expect.poll(() => owner.page.url()).toContain(longest.conversationId);
    await owner.page.keyboard.press("Alt+ArrowDown");
    await expect.poll(() => owner.page.url()).toContain(second.conversationId);

    await owner.page.locator("ec-inbox-list #sort").selectOption("activity");
    await expect.poll(order).toEqual([answered.conversationId, second.conversationId, longest.conversationId]);
    await owner.page.reload();
    await owner.page.locator("ec-inbox-list").waitFor();
    expect(await owner.page.locator("ec-inbox-list #sort").inputValue()).toBe("activity");
    await owner.page.locator("ec-inbox-list #sort").selectOption("waiting");
    for (const v of [longest, second, answered]) v.close();
    await owner.close();
  });
});
