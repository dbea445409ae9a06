/**
 * The Reports screen in Chromium against the real Worker: visitors write, the owner answers
 * two of them in the admin and resolves one; the owner opens Reports and reads the period's
 * figures, the hour chart as a table, and downloads a table as CSV; then the shop reports
 * orders (signed as its plugin signs them) and the screen weighs chatting visitors' orders
 * against all visitors the widget counted; "Last 30 days" is 30 calendar days across a clock
 * change. Screenshots at desktop and phone size.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestServer } from "./support/server";
import { AdminPage, DESKTOP, PHONE } from "./admin-support/admin-page";
import { startAdminWorld } from "./admin-support/setup";
import { apiVisitor, type ApiVisitor } from "./admin-support/visitor-api";
import { signedHeaders } from "./support/plugin-signature";

let server: TestServer;
const page = (url: string) => ({ landing: url, pages: [{ url, at: Date.now() }] });
let browser: Browser;
let owner: AdminPage;
const visitors: ApiVisitor[] = [];

beforeAll(async () => {
  ({ server, browser } = await startAdminWorld());
  owner = await AdminPage.open(browser, server);
  await owner.login("demo", server.owner.email, server.owner.password);
  for (const question of [
    "Do you ship to Riga?",
    "Is the blue kettle in stock?",
    "Can I pay by invoice?",
    "Where is order 1042?",
  ]) {
    const v = await apiVisitor(server.url, "demo", { visit: page("https://shop.example/kettles") });
    await v.say(question);
    visitors.push(v);
  }
});

afterAll(async () => {
  for (const v of visitors) v.close();
  await browser?.close();
  await server?.stop();
});

async function answer(conversationId: string, text: string): Promise<void> {
  await owner.openConversation(conversationId);
  const box = owner.composer();
  await box.fill(text);
  await box.press("Enter");
  await owner.thread().filter({ hasText: text }).waitFor();
}

describe("reports screen", () => {
  it("shows the period's figures, a chart as a table, and CSV downloads", async () => {
    await answer(visitors[0]!.conversationId, "Yes, in 3 days.");
    await answer(visitors[1]!.conversationId, "It is, 12 left.");
    expect((await owner.api("POST", `/conversations/${visitors[0]!.conversationId}/resolve`)).status).toBe(200);

    const screen = owner.page.locator("ec-settings-reports");
    const conversations = screen.locator(".figure", { hasText: "Conversations" }).first().locator(".value");
    const median = screen.locator(".figure", { hasText: "First response, median" }).locator(".value");
    // Reports count an answer when its conversation's next summary is stored, up to the
    // summaries' gap (a second) after it: an owner who looks sooner reloads to see it.
    await expect
      .poll(
        async () => {
          await owner.page.goto(`${server.url}/admin/settings/reports`);
          await expect
            .poll(async () => Number(await conversations.textContent()), { timeout: 15_000 })
            .toBeGreaterThanOrEqual(4);
          return median.textContent();
        },
        { timeout: 20_000, interval: 500 },
      )
      .toMatch(/\d+ (s|min)/);
    // No bot and no calls on this site: their tables say so, and still offer their CSV.
    for (const table of ["bot", "video"]) {
      const card = screen.locator(`.figure-table[data-table=${table}]`);
      expect(await card.locator("p.muted").textContent()).toBe("No data yet");
      expect(await card.locator("a[download]").getAttribute("href")).toContain(`/reports/${table}.csv?`);
    }
    // Each figure carries its definition, for the mouse (title) and for screen readers.
    expect(await screen.locator(".figure", { hasText: "Missed" }).getAttribute("title")).toContain(
      "Answered later than 5 min",
    );

    await owner.screenshot("reports-desktop");
    await owner.page.setViewportSize(PHONE);
    await owner.screenshot("reports-phone");
    await owner.page.setViewportSize(DESKTOP);

    const hours = screen.locator("ec-report-chart", { hasText: "Conversations by hour of day" });
    await expect.poll(() => hours.locator("svg").getAttribute("aria-label")).toContain("in all");
    await hours.getByRole("button", { name: "Show as table" }).click();
    const rows = hours.locator("tbody tr");
    expect(await rows.count()).toBe(24);
    const total = (await rows.locator("td").allTextContents()).reduce((s, v) => s + Number(v), 0);
    expect(total).toBeGreaterThanOrEqual(4);

    const href = await screen
      .locator("ec-report-chart", { hasText: "Conversations per day" })
      .locator("a[download]")
      .getAttribute("href");
    const csv = await owner.page.evaluate(async (url) => (await fetch(url!)).text(), href);
    expect(csv.split("\r\n")[0]).toBe("day,conversations,missed,first_response_median_s");

    // A period that ends before it starts: the server's message, in a live region.
    await screen.locator("input[name=from]").fill("2026-03-02");
    await screen.locator("input[name=to]").fill("2026-03-01");
    await screen.getByRole("button", { name: "Show", exact: true }).click();
    await screen.locator("[role=status]", { hasText: "from must not be after to" }).waitFor();
  });

  it("counts “Last 30 days” in calendar days, also just after the clocks went forward", async () => {
    // The owner's session in a tab whose clock reads 00:30 on the day after summer time began in
    // Berlin (the site's zone): the last 30 days are 1–30 March.
    const context = await browser.newContext({
      timezoneId: "Europe/Berlin",
      storageState: await owner.page.context().storageState(),
    });
    const tab = await context.newPage();
    await tab.clock.setFixedTime(new Date("2026-03-29T22:30:00Z"));
    await tab.goto(`${server.url}/admin/settings/reports`);
    const screen = tab.locator("ec-settings-reports");
    await screen.locator("button", { hasText: "Last 30 days" }).click();
    expect(await screen.locator("input[name=from]").inputValue()).toBe("2026-03-01");
    expect(await screen.locator("input[name=to]").inputValue()).toBe("2026-03-30");
    await context.close();
  });

  it("weighs the orders of visitors who chatted against all visitors the widget counted, by channel", async () => {
    await owner.page.goto(`${server.url}/admin/settings/reports`);
    const screen = owner.page.locator("ec-settings-reports");
    const card = screen.locator(".figure-table[data-table=conversion]");
    expect(await card.locator("p.muted").textContent()).toContain("the shop's plugin reports orders");

    // Four more visitors browse without chatting; the shop reports three orders: two of
    // visitors who chatted (one answered above), one of a visitor who only browsed.
    const browsing: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${server.url}/api/v1/sites/demo/sessions`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Origin: server.url },
        body: JSON.stringify({ visit: page(`https://shop.example/p/${i}`) }),
      });
      expect(res.status, await res.clone().text()).toBe(200);
      browsing.push(((await res.json()) as { visitorId: string }).visitorId);
    }
    const secret = (await owner.api("POST", "/secrets/plugin/rotate", { graceHours: 0 })).body.secret as string;
    const orders: [string, string, number][] = [
      ["5001", visitors[0]!.visitorId, 89.9],
      ["5002", visitors[2]!.visitorId, 24.5],
      ["5003", browsing[0]!, 12],
    ];
    for (const [orderId, visitorId, total] of orders) {
      const path = "/api/v1/sites/demo/events";
      const body = JSON.stringify({ type: "order_placed", orderId, visitorId, total, currency: "EUR" });
      const res = await fetch(`${server.url}${path}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...(await signedHeaders(secret, "POST", path, body)) },
        body,
      });
      expect(res.status, await res.text()).toBe(202);
    }

    // A row's name is followed by its definition (for screen readers) in the same header cell.
    const value = (name: string) =>
      card
        .locator("tr", { has: owner.page.locator("th", { hasText: new RegExp(`^\\s*${name}`) }) })
        .locator("td")
        .first();
    await expect
      .poll(
        async () => {
          await screen.getByRole("button", { name: "Show", exact: true }).click();
          await card.locator("table").waitFor();
          return value("Orders after a chat").textContent();
        },
        { timeout: 15_000 },
      )
      .toBe("2");
    // Eight visitors: the sketch may put two of them in one register (about 1 in 150), then 7.
    expect(await value("Visitors counted").textContent()).toMatch(/^[78]$/);
    expect(await value("Visitors who chatted").textContent()).toBe("4");
    expect(await value("Order rate after chatting").textContent()).toBe("50 %");
    expect(await value("Order rate, all visitors").textContent()).toMatch(/^(38|43) %$/);
    expect(await value("Revenue after a chat").textContent()).toBe("€114.40");
    const chat = screen.locator(".channels tr", { hasText: "Chat with a person" }).locator("td");
    expect(await chat.allTextContents()).toEqual(["2", "€114.40"]);
    const headline = screen.locator(".figure", { hasText: "Order rate after chatting" });
    expect(await headline.getAttribute("title")).toContain("within 30 days");
    await card.scrollIntoViewIfNeeded();
    await owner.screenshot("reports-conversion");
  });
});
