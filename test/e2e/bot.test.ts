/**
 * The bot in Chromium against the real Worker: the owner saves a scenario and a knowledge
 * base; a visitor on /demo/ is greeted with buttons (a lazily loaded bundle), picks "Leave
 * a request", is told in English that "12" is no phone number, completes name, phone and
 * email; the lead card is in the admin's Leads screen. Screenshots of both sides, and the
 * "try it" box, under test-results/screenshots/.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { AdminPage } from "./admin-support/admin-page";
import { startAdminWorld } from "./admin-support/setup";
import type { TestServer } from "./support/server";
import { Visitor } from "./support/visitor";

let server: TestServer;
let browser: Browser;
let owner: AdminPage;

const SCENARIO = {
  enabled: true,
  start: "hello",
  steps: [
    {
      id: "hello",
      type: "buttons",
      text: { en: "Hi! What can I help with?", ru: "Здравствуйте! Чем помочь?" },
      buttons: [
        { label: { en: "Delivery", ru: "Доставка" }, action: "goto", target: "delivery" },
        { label: { en: "Leave a request", ru: "Оставить заявку" }, action: "goto", target: "name" },
        { label: { en: "Talk to a person", ru: "Позвать человека" }, action: "handoff" },
      ],
    },
    { id: "delivery", type: "message", text: "We deliver in 1–3 days.", next: "done" },
    { id: "name", type: "field", field: "name", text: { en: "Your name?", ru: "Как вас зовут?" }, next: "phone" },
    { id: "phone", type: "field", field: "phone", text: { en: "Your phone?", ru: "Ваш телефон?" }, next: "email" },
    { id: "email", type: "field", field: "email", text: { en: "Your email?", ru: "Ваша почта?" }, next: "done" },
    { id: "done", type: "end", text: { en: "Thank you! We will call you.", ru: "Спасибо! Мы позвоним." } },
  ],
};

beforeAll(async () => {
  ({ server, browser } = await startAdminWorld());
  owner = await AdminPage.open(browser, server);
  await owner.login("demo", server.owner.email, server.owner.password);
  for (const [path, body] of [
    ["/bot/settings", { enabled: true, name: "Demo bot" }],
    ["/bot/scenario", SCENARIO],
  ] as const) {
    const res = await owner.api("PUT", path, body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
  const kb = await owner.api("POST", "/bot/kb/import?format=json", {
    entries: [
      {
        lang: "en",
        questions: ["How much is shipping?", "Delivery cost"],
        answer: "Shipping is free over $50.",
        tags: ["delivery"],
      },
    ],
  });
  expect(kb.status).toBe(200);
}, 180_000);

afterAll(async () => {
  await owner?.close();
  await browser?.close();
  await server?.stop();
});

it("greets with buttons, asks the fields with validation, and the lead card shows in the admin", async () => {
  const visitor = await Visitor.open(browser, server, "/demo/", { locale: "en-US", timezoneId: "Europe/London" });
  await visitor.openChat();
  await expect.poll(() => visitor.texts(), { timeout: 15_000 }).toContain("Hi! What can I help with?");
  const buttons = visitor.page.locator("edge-chat .bot button");
  await expect
    .poll(() => buttons.allTextContents(), { timeout: 15_000 })
    .toEqual(["Delivery", "Leave a request", "Talk to a person"]);
  await buttons.nth(1).click();
  await expect.poll(() => visitor.texts()).toContain("Your name?");
  expect(await buttons.count()).toBe(0);
  await visitor.send("Anna Example");
  await expect.poll(() => visitor.texts()).toContain("Your phone?");
  await visitor.send("12");
  await expect.poll(async () => (await visitor.texts()).at(-1)).toMatch(/^That does not look like a phone number/);
  await visitor.send("+44 20 7946 0958");
  await expect.poll(() => visitor.texts()).toContain("Your email?");
  await visitor.send("anna@example.com");
  await expect.poll(() => visitor.texts()).toContain("Thank you! We will call you.");
  // The bot's messages carry its name, so nobody takes it for a person.
  expect(
    await visitor.page.locator("edge-chat .msg.them", { hasText: "Your email?" }).locator(".meta span").textContent(),
  ).toBe("Demo bot");
  await visitor.page.screenshot({ path: "test-results/screenshots/bot-scenario-visitor.png" });

  await owner.page.goto(`${server.url}/admin/settings/leads`);
  const row = owner.page.locator("ec-settings-leads table.leads tbody tr", { hasText: "anna@example.com" });
  await row.waitFor({ timeout: 15_000 });
  expect(await row.textContent()).toContain("+442079460958");
  expect(await row.textContent()).toContain("Anna Example");
  await owner.screenshot("bot-scenario-admin-leads");

  await owner.page.goto(`${server.url}/admin/settings/bot`);
  const screen = owner.page.locator("ec-settings-bot");
  await screen.locator("#question").fill("how much does shiping cost");
  await screen
    .locator("form", { has: owner.page.locator("#question") })
    .locator("button.primary")
    .click();
  await expect.poll(() => screen.locator("ol.matches li").first().textContent()).toContain("How much is shipping?");
  await owner.screenshot("bot-admin-try-it");
  await visitor.close();
});

it("answers a known question, asks whether it helped, and 'Talk to a person' hands off honestly", async () => {
  const visitor = await Visitor.open(browser, server, "/demo/", { locale: "en-US", timezoneId: "Europe/London" });
  await visitor.openChat();
  await expect.poll(() => visitor.texts(), { timeout: 15_000 }).toContain("Hi! What can I help with?");
  await visitor.send("how much is shiping?");
  await expect.poll(() => visitor.texts(), { timeout: 15_000 }).toContain("Shipping is free over $50.");
  const feedback = visitor.page.locator("edge-chat .bot");
  await expect.poll(() => feedback.locator("button").allTextContents()).toEqual(["Yes", "No", "Talk to a person"]);
  expect(await feedback.locator("p").textContent()).toBe("Did this help?");
  await visitor.page.screenshot({ path: "test-results/screenshots/bot-answer-feedback-visitor.png" });
  await feedback.locator("button", { hasText: "Talk to a person" }).click();
  await expect
    .poll(async () => (await visitor.texts()).at(-1), { timeout: 15_000 })
    .toMatch(/^I have passed your question to our team/);
  expect(await feedback.count()).toBe(0);
  await visitor.close();
});

it("keyboard only: after a bot button, focus is in the message field to answer the next question", async () => {
  const visitor = await Visitor.open(browser, server, "/demo/", { locale: "en-US", timezoneId: "Europe/London" });
  await visitor.openChat();
  const buttons = visitor.page.locator("edge-chat .bot button");
  await expect
    .poll(() => buttons.allTextContents(), { timeout: 15_000 })
    .toEqual(["Delivery", "Leave a request", "Talk to a person"]);
  await buttons.nth(1).focus();
  await visitor.page.keyboard.press("Enter");
  await expect.poll(() => visitor.texts()).toContain("Your name?");
  const focused = await visitor.page.evaluate(
    () => document.querySelector("edge-chat")?.shadowRoot?.activeElement?.getAttribute("part") ?? null,
  );
  expect(focused).toBe("input");
  await visitor.page.keyboard.type("Boris Example");
  await visitor.page.keyboard.press("Enter");
  await expect.poll(() => visitor.texts()).toContain("Your phone?");
  await visitor.close();
});

it("erased while the chat is open, the visitor is greeted again with buttons they can press", async () => {
  const visitor = await Visitor.open(browser, server, "/demo/", { locale: "en-US", timezoneId: "Europe/London" });
  await visitor.openChat();
  const buttons = visitor.page.locator("edge-chat .bot button");
  await expect.poll(() => buttons.count(), { timeout: 15_000 }).toBe(3);
  await buttons.first().click();
  await expect.poll(() => visitor.texts()).toContain("We deliver in 1–3 days.");
  await visitor.send("Thanks, please forget me");
  await expect.poll(() => visitor.states()).toEqual(["Sent"]);
  const { visitorId } = (await visitor.session())!;
  expect((await owner.api("POST", `/contacts/${visitorId}/erase`, { confirm: visitorId })).status).toBe(200);
  // The conversation begins again under the same id, and the bot greets it as a new one.
  await expect.poll(() => visitor.texts(), { timeout: 15_000 }).not.toContain("Thanks, please forget me");
  await expect.poll(() => visitor.texts(), { timeout: 15_000 }).toContain("Hi! What can I help with?");
  await expect.poll(() => buttons.allTextContents()).toEqual(["Delivery", "Leave a request", "Talk to a person"]);
  await visitor.close();
});
