/**
 * Booking a video consultation in Chromium against the real Worker: the owner turns bookings
 * on; a visitor opens "More" → "Book a video consultation", sees free times in their own zone,
 * books one with their email; a phone-sized visitor arrives through a product's "Video
 * consultation" button (edgechat.open with video and the product) and books too. The
 * operator's Appointments screen lists both, with the product, and the outbox names the
 * confirmation. Screenshots of the picker on
 * desktop and on a 390 px phone under test-results/screenshots/.
 */
import type { Browser, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminPage } from "./admin-support/admin-page";
import { startAdminWorld } from "./admin-support/setup";
import type { TestServer } from "./support/server";
import { Visitor } from "./support/visitor";
import { ru } from "../../widget/i18n/ru";

let server: TestServer;
let browser: Browser;
let owner: AdminPage;

const DAY = [{ from: "08:00", to: "20:00" }];
const HOURS = {
  timezone: "Europe/Berlin",
  week: { mon: DAY, tue: DAY, wed: DAY, thu: DAY, fri: DAY, sat: DAY, sun: DAY },
};

beforeAll(async () => {
  ({ server, browser } = await startAdminWorld());
  owner = await AdminPage.open(browser, server);
  await owner.login("demo", server.owner.email, server.owner.password);
  const res = await owner.api("PUT", "/appointments/settings", { enabled: true, hours: HOURS, slotMinutes: 30 });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}, 180_000);

afterAll(async () => {
  await owner?.close();
  await browser?.close();
  await server?.stop();
});

it("a visitor books a free time from the More menu, in their zone; the operator sees it in Appointments", async () => {
  const visitor = await Visitor.open(browser, server, "/demo/", { locale: "en-US", timezoneId: "America/New_York" });
  await visitor.openChat();
  await visitor.page.locator("edge-chat #more").click();
  await visitor.page.locator("edge-chat .menu button", { hasText: "Book a video consultation" }).click();
  const picker = visitor.page.locator("edge-chat .booking");
  await picker.locator(".slot").first().waitFor({ timeout: 15_000 });
  expect(await picker.locator(".zone").textContent()).toBe("Times in your time zone (America/New_York)");
  // The first free slot, as the server has it, written in the page's own zone (New York), is the first button.
  const expected = await visitor.page.evaluate(async () => {
    const s = JSON.parse(localStorage.getItem("edgechat:demo:session")!);
    const res = await fetch(
      `/api/v1/conversations/${s.conversationId}/appointments/slots?token=${encodeURIComponent(s.visitorToken)}`,
    );
    const { slots } = await res.json();
    const at = (ms: number, o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat("en", o).format(ms);
    return {
      time: at(slots[0].start, { hour: "2-digit", minute: "2-digit" }),
      day: at(slots[0].start, { weekday: "short", day: "numeric", month: "short" }),
      nyHour: Number(at(slots[0].start, { hour: "numeric", hourCycle: "h23", timeZone: "America/New_York" })),
    };
  });
  expect(await picker.locator(".slot").first().textContent()).toBe(expected.time);
  expect(await picker.locator("legend").first().textContent()).toBe(expected.day);
  // 08:00–20:00 in Berlin is 02:00–14:00 (or 03:00–15:00 across the DST weeks) in New York.
  expect(expected.nyHour).toBeGreaterThanOrEqual(2);
  expect(expected.nyHour).toBeLessThan(15);
  await picker.locator(".slot").nth(1).click();
  expect(await picker.locator(".slot").nth(1).getAttribute("aria-pressed")).toBe("true");
  await picker.locator("input[name=email]").fill("nora@example.com");
  await picker.locator("input[name=name]").fill("Nora");
  await visitor.page.screenshot({ path: "test-results/screenshots/appointments-picker-desktop.png" });
  await picker.locator("button.primary").click();
  await expect
    .poll(() => picker.locator(".done").textContent(), { timeout: 15_000 })
    .toMatch(/^Booked for .+\. The confirmation with a calendar invitation is on its way to nora@example\.com\.$/);

  await owner.page.goto(`${server.url}/admin/settings/appointments`);
  const row = owner.page.locator("ec-settings-appointments table.appointments tbody tr", {
    hasText: "nora@example.com",
  });
  await row.waitFor({ timeout: 15_000 });
  expect(await row.textContent()).toContain("Nora");
  expect(await row.textContent()).toContain("visitor's zone: America/New_York");
  await owner.screenshot("appointments-admin-list");
  // The confirmation is in the outbox under its own name.
  await owner.page.goto(`${server.url}/admin/settings/outbox`);
  const mail = owner.page.locator('ec-settings-outbox button.mail[data-kind="appointment-confirmation"]', {
    hasText: "nora@example.com",
  });
  await mail.waitFor({ timeout: 15_000 });
  expect(await mail.locator(".meta").textContent()).toMatch(/^Booking confirmation · nora@example\.com · /);
  await visitor.close();
});

it("a product's Video consultation button opens the picker on a phone; the booking carries the product", async () => {
  const visitor = await Visitor.open(browser, server, "/demo/", {
    locale: "en-US",
    timezoneId: "Asia/Tokyo",
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  await visitor.page.evaluate(() =>
    window.edgechat?.open({
      video: true,
      product: {
        name: "Linen lamp",
        price: "49 €",
        url: "https://shop.example/p/lamp",
        image: "https://shop.example/lamp.jpg",
      },
    }),
  );
  const picker = visitor.page.locator("edge-chat .booking");
  await picker.locator(".slot").first().waitFor({ timeout: 15_000 });
  expect(await picker.locator(".about").textContent()).toBe("About: Linen lamp");
  await picker.locator(".slot").nth(2).click();
  await picker.locator("input[name=email]").fill("kenji@example.com");
  await visitor.page.screenshot({ path: "test-results/screenshots/appointments-picker-phone.png" });
  await picker.locator("button.primary").click();
  await picker.locator(".done").waitFor({ timeout: 15_000 });

  await owner.page.goto(`${server.url}/admin/settings/appointments`);
  const row = owner.page.locator("ec-settings-appointments table.appointments tbody tr", {
    hasText: "kenji@example.com",
  });
  await row.waitFor({ timeout: 15_000 });
  expect(await row.locator(".product a").textContent()).toBe("Linen lamp");
  expect(await row.locator(".product a").getAttribute("href")).toBe("https://shop.example/p/lamp");
  expect(await row.textContent()).toContain("49 €");
  // The operator cancels; the row leaves the list.
  await row.locator("button", { hasText: "Cancel" }).click();
  await expect.poll(() => row.count()).toBe(0);
  await visitor.close();
});

/** What has focus: the element in the chat's shadow root (its class or tag), else the page's element's tag. */
function focused(visitor: Visitor): Promise<string> {
  return visitor.page.evaluate(() => {
    const el = document.querySelector("edge-chat")?.shadowRoot?.activeElement;
    return el ? `chat: ${el.className || el.tagName}` : `page: ${document.activeElement?.tagName}`;
  });
}

it("booked with the keyboard: focus stays in the chat, on the picker's close button", async () => {
  const visitor = await Visitor.open(browser, server, "/demo/", { locale: "en-US", timezoneId: "Europe/Berlin" });
  await visitor.openChat();
  await visitor.page.locator("edge-chat #more").click();
  await visitor.page.locator("edge-chat .menu button", { hasText: "Book a video consultation" }).click();
  const picker = visitor.page.locator("edge-chat .booking");
  await picker.locator(".slot").first().waitFor({ timeout: 15_000 });
  await picker.locator(".slot").nth(3).press("Enter");
  await picker.locator("input[name=email]").fill("ada@example.com");
  await picker.locator("input[name=email]").press("Enter");
  await picker.locator(".done").waitFor({ timeout: 15_000 });
  await expect.poll(() => focused(visitor)).toBe("chat: x");
  // Escape puts the confirmation away, then (from "More", where the booking began) the chat.
  await visitor.page.keyboard.press("Escape");
  await expect.poll(() => picker.count()).toBe(0);
  expect(await focusedId(visitor)).toBe("more");
  await visitor.page.keyboard.press("Escape");
  await expect.poll(() => visitor.page.locator("edge-chat .panel").isVisible()).toBe(false);
  await visitor.close();
});

/** The id of what has focus in the chat's shadow root ("" for an element without one), or null outside the chat. */
function focusedId(visitor: Visitor): Promise<string | null> {
  return visitor.page.evaluate(() => document.querySelector("edge-chat")?.shadowRoot?.activeElement?.id ?? null);
}

describe("Escape in the slot picker", () => {
  it("starts on the first free time; Escape closes the picker, not the chat; focus goes back to More, where it was", async () => {
    const visitor = await Visitor.open(browser, server, "/demo/", { locale: "en-US", timezoneId: "Europe/Berlin" });
    await visitor.openChat();
    await visitor.page.locator("edge-chat #more").click();
    await visitor.page.locator("edge-chat .menu button", { hasText: "Book a video consultation" }).click();
    const picker = visitor.page.locator("edge-chat .booking");
    await picker.locator(".slot").first().waitFor({ timeout: 15_000 });
    // The keyboard starts on the first free time, not on the picker's close button.
    const first = picker.locator(".slot").first();
    await expect.poll(() => first.evaluate((b) => b.matches(":focus"))).toBe(true);
    await visitor.page.keyboard.press("Tab");
    expect(await focused(visitor)).toBe("chat: slot");
    await visitor.page.keyboard.press("Escape");
    await expect.poll(() => picker.count()).toBe(0);
    expect(await visitor.page.locator("edge-chat .panel").isVisible()).toBe(true);
    expect(await focusedId(visitor)).toBe("more");
    await visitor.close();
  });

  it("opened by a product's button while typing: Escape in the form closes the picker, focus back in the message field", async () => {
    const visitor = await Visitor.open(browser, server, "/demo/", { locale: "en-US", timezoneId: "Europe/Berlin" });
    await visitor.openChat();
    await visitor.input().fill("Is it in stock?");
    await visitor.page.evaluate(() => window.edgechat?.open({ video: true, product: { name: "Linen lamp" } }));
    const picker = visitor.page.locator("edge-chat .booking");
    await picker.locator(".slot").first().waitFor({ timeout: 15_000 });
    await picker.locator("input[name=email]").fill("sam@example.com");
    await picker.locator("input[name=email]").press("Escape");
    await expect.poll(() => picker.count()).toBe(0);
    expect(await visitor.page.locator("edge-chat .panel").isVisible()).toBe(true);
    expect(await focused(visitor)).toBe("chat: TEXTAREA");
    await visitor.close();
  });
});

it("a time taken meanwhile: the free times come again and the email and name typed stay", async () => {
  const visitor = await Visitor.open(browser, server, "/demo/", { locale: "en-US", timezoneId: "Europe/Berlin" });
  // The first booking answers as when another visitor took the time a moment before.
  let refused = false;
  await visitor.page.route(/\/appointments\?token=/, async (route) => {
    if (route.request().method() !== "POST" || refused) return route.continue();
    refused = true;
    await route.fulfill({
      status: 409,
      contentType: "application/json",
      body: JSON.stringify({
        error: { code: "slot_taken", message: "someone has just booked this slot; pick another" },
      }),
    });
  });
  await visitor.openChat();
  await visitor.page.locator("edge-chat #more").click();
  await visitor.page.locator("edge-chat .menu button", { hasText: "Book a video consultation" }).click();
  const picker = visitor.page.locator("edge-chat .booking");
  await picker.locator(".slot").first().waitFor({ timeout: 15_000 });
  await picker.locator(".slot").nth(4).click();
  await picker.locator("input[name=email]").fill("grace@example.com");
  await picker.locator("input[name=name]").fill("Grace");
  await picker.locator("button.primary").click();
  await expect
    .poll(() => picker.locator(".failed").textContent(), { timeout: 15_000 })
    .toBe("Someone has just booked that time. Please pick another.");
  expect(await picker.locator("input[name=email]").inputValue()).toBe("grace@example.com");
  expect(await picker.locator("input[name=name]").inputValue()).toBe("Grace");
  // Another time, and the booking goes through without typing anything again.
  await picker.locator(".slot").nth(5).click();
  await picker.locator("button.primary").click();
  await expect.poll(() => picker.locator(".done").textContent(), { timeout: 15_000 }).toContain("grace@example.com");
  await visitor.close();
});

it("the picker closed while the free times load stays closed when they arrive", async () => {
  const visitor = await Visitor.open(browser, server, "/demo/", { locale: "en-US", timezoneId: "Europe/Berlin" });
  // The free times wait here until the test lets them through, as on a slow network.
  const held: Route[] = [];
  await visitor.page.route(/\/appointments\/slots\?/, (route) => void held.push(route));
  await visitor.openChat();
  await visitor.page.locator("edge-chat #more").click();
  await visitor.page.locator("edge-chat .menu button", { hasText: "Book a video consultation" }).click();
  const picker = visitor.page.locator("edge-chat .booking");
  await expect.poll(() => picker.locator("[role=status]").textContent()).toBe("Loading free times…");
  await picker.locator(".x").click();
  await expect.poll(() => picker.count()).toBe(0);
  await expect.poll(() => held.length).toBe(1);
  const finished = visitor.page.waitForEvent("requestfinished", (r) => r.url().includes("/appointments/slots?"));
  await held[0]!.continue();
  await finished;
  // A message's round trip on the socket: the free times have long been read by then.
  await visitor.send("Is the shirt true to size?");
  await expect.poll(() => visitor.states(), { timeout: 15_000 }).toEqual(["Sent"]);
  expect(await picker.count()).toBe(0);
  expect(await focused(visitor)).toBe("chat: TEXTAREA");
  await visitor.close();
});

it("in Russian, free times the server would not give say so in Russian", async () => {
  const visitor = await Visitor.open(browser, server, "/demo/ru.html", {
    locale: "ru-RU",
    timezoneId: "Europe/Moscow",
  });
  // The shop turned bookings off after this page asked for its session.
  await visitor.page.route(/\/appointments\/slots\?/, (route) =>
    route.fulfill({
      status: 403,
      contentType: "application/json",
      body: JSON.stringify({ error: { code: "appointments_disabled", message: "this shop does not take bookings" } }),
    }),
  );
  await visitor.openChat();
  await visitor.page.locator("edge-chat #more").click();
  await visitor.page.locator("edge-chat .menu button", { hasText: ru.book }).click();
  const picker = visitor.page.locator("edge-chat .booking");
  await expect.poll(() => picker.locator(".failed").textContent(), { timeout: 15_000 }).toBe(ru.bookFailed);
  // Not also "no free times in the next four weeks": nobody knows, the times did not come.
  expect(await picker.textContent()).not.toContain(ru.bookNone);
  await visitor.close();
});
