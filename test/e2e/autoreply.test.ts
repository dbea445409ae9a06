/**
 * Issue 4 in a browser: the demo site is closed now; a visitor in New York asks on /demo/;
 * the auto-reply says when operators are back in the visitor's own time, asks for the
 * email inline; after the email and a reload, the visitor is not asked again.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchBrowser } from "./support/browser";
import { Operator } from "./support/operator";
import { startServer, type TestServer } from "./support/server";
import { Visitor } from "./support/visitor";

let server: TestServer;
let browser: Browser;
let operator: Operator;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const EMPTY_WEEK = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  operator = await Operator.login(browser, server);
  // Closed all of today (UTC); tomorrow open 10:00–18:00 UTC.
  const res = await operator.api("PUT", "/api/v1/admin/autoreply", {
    schedule: {
      timezone: "UTC",
      week: EMPTY_WEEK,
      exceptions: [
        { date: day(0), closed: true },
        { date: day(1), intervals: [{ from: "10:00", to: "18:00" }] },
      ],
    },
    rules: [
      {
        id: "closed",
        name: "Closed",
        periods: ["holiday", "weekend", "night"],
        timeoutSec: 0,
        variants: [
          { when: { emailKnown: false }, text: "We are closed. A human answers {nextOpening}." },
          { when: { emailKnown: true }, text: "We are closed. A human answers {nextOpening}, by email too." },
        ],
      },
    ],
    quietAfterOperatorMinutes: 0,
    askEmail: true,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}, 180_000);

afterAll(async () => {
  await operator?.close();
  await browser?.close();
  await server?.stop();
});

/** "today/tomorrow/on Weekday at 05:00" for tomorrow 10:00 UTC, seen from New York now. */
function expectedInNewYork(): string {
  const opening = new Date(`${day(1)}T10:00:00Z`);
  const nyDate = (d: Date) => new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York" }).format(d);
  const days = Math.round((Date.parse(nyDate(opening)) - Date.parse(nyDate(new Date()))) / 86_400_000);
  const time = new Intl.DateTimeFormat("en-GB", {
    timeZone: "America/New_York",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(opening);
  const weekday = new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", weekday: "long" }).format(opening);
  return days === 0 ? `today at ${time}` : days === 1 ? `tomorrow at ${time}` : `on ${weekday} at ${time}`;
}

test("an honest auto-reply in the visitor's time zone, the email once, not asked again", async () => {
  const visitor = await Visitor.open(browser, server, "/demo/", { timezoneId: "America/New_York", locale: "en-US" });
  await visitor.openChat();
  await visitor.send("Is the blue kettle still in stock?");
  const reply = `We are closed. A human answers ${expectedInNewYork()}.`;
  await expect
    .poll(() => visitor.texts(), { timeout: 15_000, message: "visitor sees the auto-reply" })
    .toContain(reply);
  // (on failure the poll message is followed by what the visitor saw)
  expect(reply).toMatch(/at 0[45]:00\.$/); // 10:00 UTC is 05:00 in New York in winter (04:00 in summer)

  const field = visitor.page.locator("edge-chat .contact input");
  await expect.poll(() => field.isVisible()).toBe(true);
  await field.fill("kettle.fan@example.com");
  await field.press("Enter");
  await expect.poll(() => field.count()).toBe(0);
  const session = (await visitor.session())!;
  await operator.findConversation(session.visitorId, (e) => e.email === "kettle.fan@example.com", 10_000);

  await visitor.page.reload();
  await visitor.componentLoaded();
  await expect.poll(() => visitor.texts()).toContain(reply);
  expect(await field.count()).toBe(0);
  await visitor.close();
});
