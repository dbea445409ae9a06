import { describe, expect, it } from "vitest";
import {
  chooseReply,
  previewAutoReply,
  scheduleFor,
  renderTemplate,
  urlMatches,
  withinQuietWindow,
  type ReplyContext,
} from "./rules";
import { autoReplySettings } from "./schema";

// Site: Berlin (CET +1 in January), Mon–Fri 09:00–13:00 and 14:00–18:00, Tue 6 Jan 2026
// closed. January 2026: Mon 5, Tue 6, Mon 12, Fri 16, Mon 19.
const DAY = [
  { from: "09:00", to: "13:00" },
  { from: "14:00", to: "18:00" },
];
const schedule = {
  timezone: "Europe/Berlin",
  week: { mon: DAY, tue: DAY, wed: DAY, thu: DAY, fri: DAY },
  exceptions: [{ date: "2026-01-06", closed: true }],
};
const settings = autoReplySettings.parse({
  schedule,
  rules: [
    {
      id: "work",
      name: "Working hours",
      periods: ["work"],
      timeoutSec: 60,
      variants: [
        { when: { utmSource: "newsletter" }, text: "Newsletter reader" },
        { when: { urlPattern: "/checkout*" }, text: "Checkout help" },
        { when: { returning: true, locale: "en" }, text: "Welcome back, {name}!" },
        { when: { emailKnown: true, locale: "ru" }, text: "ru known" },
        { when: { locale: "ru" }, text: "ru unknown" },
        { text: "en any {waitMinutes}" },
      ],
    },
    {
      id: "closed",
      name: "Closed",
      periods: ["lunch", "night", "weekend", "holiday"],
      timeoutSec: 0,
      variants: [
        { when: { locale: "ru" }, text: "Ответим {nextOpening}, {name}." },
        { text: "Back {nextOpening}, in {waitMinutes} min, {name}." },
      ],
    },
    { id: "late", name: "Never reached", periods: ["night"], timeoutSec: 5, variants: [{ text: "never" }] },
  ],
});

const WORK_AT = new Date("2026-01-12T09:00:00Z"); // Mon 10:00 CET
const LUNCH_AT = new Date("2026-01-12T12:20:30Z"); // Mon 13:20:30 CET; opens 14:00 CET = 13:00Z, 39.5 min → 40
const NIGHT_AT = new Date("2026-01-16T18:00:00Z"); // Fri 19:00 CET; opens Mon 19 09:00 CET = 08:00Z, 62 h = 3720 min
const base: ReplyContext = { at: WORK_AT, emailKnown: false, locale: "en", visitorTimezone: "Europe/Berlin" };

describe("chooseReply: variants of the first rule for the period", () => {
  it.each([
    ["utm source, any case", { utmSource: "NewsLetter" }, "Newsletter reader"],
    ["url path pattern", { url: "https://shop.example/checkout/pay?x=1" }, "Checkout help"],
    ["pattern not in the query", { url: "https://shop.example/cart?next=/checkout" }, "en any 0"],
    ["returning visitor with a name", { returning: true, name: " Anna " }, "Welcome back, Anna!"],
    ["returning visitor without a name", { returning: true }, "Welcome back!"],
    ["returning but Russian", { returning: true, locale: "ru-RU" }, "ru unknown"],
    ["Russian, email known", { locale: "ru", emailKnown: true }, "ru known"],
    ["Russian, email unknown", { locale: "ru" }, "ru unknown"],
    ["anyone else: open, 0 minutes", { locale: "de-DE" }, "en any 0"],
  ] as const)("%s", (_, extra, text) => {
    const reply = chooseReply(settings, { ...base, ...extra });
    expect(reply).toMatchObject({ period: "work", rule: { id: "work", name: "Working hours" }, timeoutSec: 60, text });
    expect(reply.nextOpening?.toISOString()).toBe("2026-01-12T09:00:00.000Z");
  });

  it("asks for the email only when it is unknown and the setting is on", () => {
    expect(chooseReply(settings, base).askEmail).toBe(true);
    expect(chooseReply(settings, { ...base, emailKnown: true }).askEmail).toBe(false);
    expect(chooseReply({ ...settings, askEmail: false }, base).askEmail).toBe(false);
  });
});

describe("chooseReply: off hours", () => {
  it.each([
    [
      "lunch, en, named",
      { at: LUNCH_AT, name: "Anna" },
      "lunch",
      "Back today at 14:00, in 40 min, Anna.",
      "2026-01-12T13:00:00Z",
    ],
    ["lunch, en, no name", { at: LUNCH_AT }, "lunch", "Back today at 14:00, in 40 min.", "2026-01-12T13:00:00Z"],
    [
      "lunch, ru, visitor in Moscow",
      { at: LUNCH_AT, locale: "ru", visitorTimezone: "Europe/Moscow" },
      "lunch",
      "Ответим сегодня в 16:00.",
      "2026-01-12T13:00:00Z",
    ],
    // 08:00Z Monday is 03:00 in New York; now is Fri 13:00 there
    [
      "night, visitor in New York",
      { at: NIGHT_AT, visitorTimezone: "America/New_York" },
      "night",
      "Back on Monday at 03:00, in 3720 min.",
      "2026-01-19T08:00:00Z",
    ],
    [
      "night, unknown visitor zone → Berlin",
      { at: NIGHT_AT, visitorTimezone: "Nowhere/Land" },
      "night",
      "Back on Monday at 09:00, in 3720 min.",
      "2026-01-19T08:00:00Z",
    ],
    // Tue 6 Jan 12:00 CET closed; Wed 7 09:00 CET = 08:00Z, 21 h = 1260 min
    [
      "holiday",
      { at: new Date("2026-01-06T11:00:00Z") },
      "holiday",
      "Back tomorrow at 09:00, in 1260 min.",
      "2026-01-07T08:00:00Z",
    ],
  ] as const)("%s", (_, extra, period, text, next) => {
    const reply = chooseReply(settings, { ...base, ...extra });
    // night is listed in "closed" first, so "late" never applies
    expect(reply).toMatchObject({ period, rule: { id: "closed" }, timeoutSec: 0, text, askEmail: true });
    expect(reply.nextOpening?.toISOString()).toBe(new Date(next).toISOString());
  });
});

describe("chooseReply: nothing to say", () => {
  it("without a rule for the period", () => {
    const reply = chooseReply({ ...settings, rules: [] }, base);
    expect(reply).toEqual({
      period: "work",
      rule: null,
      timeoutSec: 0,
      text: null,
      askEmail: false,
      nextOpening: WORK_AT,
    });
  });

  it("when no variant of the winning rule matches", () => {
    const onlyRu = autoReplySettings.parse({
      schedule,
      rules: [
        {
          id: "ru",
          name: "Russian only",
          periods: ["work"],
          timeoutSec: 30,
          variants: [{ when: { locale: "ru" }, text: "Привет" }],
        },
      ],
    });
    expect(chooseReply(onlyRu, base)).toMatchObject({
      rule: { id: "ru" },
      timeoutSec: 30,
      text: null,
      askEmail: false,
    });
  });
});

describe("chooseReply: a schedule that never opens promises no time", () => {
  const never = autoReplySettings.parse({
    schedule: { timezone: "Europe/Moscow", week: {} },
    rules: [
      {
        id: "away",
        name: "Away",
        periods: ["weekend", "holiday"],
        timeoutSec: 0,
        variants: [
          { when: { locale: "en" }, text: "Back {nextOpening}." },
          { when: { locale: "en" }, text: "We will answer by email." },
          { text: "Ответим {nextOpening}, ждать {waitMinutes} мин." },
        ],
      },
    ],
  });

  it("prefers a variant without {nextOpening}", () => {
    expect(chooseReply(never, base)).toMatchObject({
      period: "weekend",
      text: "We will answer by email.",
      nextOpening: null,
    });
  });

  it("otherwise says 'as soon as we can, by email'", () => {
    expect(chooseReply(never, { ...base, locale: "ru" }).text).toBe("Ответим как только сможем, по email, ждать мин.");
  });
});

describe("renderTemplate", () => {
  const empty = { nextOpening: "", waitMinutes: "", name: "" };
  it.each([
    ["Hello, {name}!", empty, "Hello!"],
    ["{name}, we are here.", empty, "We are here."],
    ["Hi {name}, thanks", empty, "Hi, thanks"],
    ["Hi, {name}, thanks", empty, "Hi, thanks"],
    ["Thanks {name}.\n{name}, see you", empty, "Thanks.\nSee you"],
    ["Hello, {name}!", { ...empty, name: "{nextOpening}" }, "Hello, {nextOpening}!"],
    [
      "In {waitMinutes} min ({nextOpening})",
      { nextOpening: "today at 14:00", waitMinutes: "5", name: "" },
      "In 5 min (today at 14:00)",
    ],
    ["Keep  my   spacing :)", empty, "Keep  my   spacing :)"],
  ])("%j", (text, values, want) => {
    expect(renderTemplate(text, values)).toBe(want);
  });
});

describe("urlMatches", () => {
  it.each([
    ["/checkout*", "https://shop.example/checkout", true],
    ["/checkout", "https://shop.example/checkout?step=2", true],
    ["/checkout?step=*", "https://shop.example/checkout?step=2", true],
    ["/product/*/reviews", "https://shop.example/product/42/reviews", true],
    ["/product/*/reviews", "https://shop.example/product/42", false],
    ["*utm_source=ads*", "https://shop.example/?utm_source=ads", true],
    ["https://shop.example/*", "https://other.example/", false],
    ["/a.b", "https://shop.example/aXb", false],
    ["/cart", undefined, false],
  ] as const)("%s ~ %s", (pattern, url, want) => {
    expect(urlMatches(pattern, url)).toBe(want);
  });
});

describe("previewAutoReply", () => {
  it("answers the admin preview shape", () => {
    const preview = previewAutoReply(settings, {
      at: LUNCH_AT,
      visitorTimezone: "Europe/Berlin",
      locale: "en",
      emailKnown: true,
    });
    expect(preview).toEqual({
      period: "lunch",
      rule: "Closed",
      text: "Back today at 14:00, in 40 min.",
      nextOpening: "2026-01-12T13:00:00.000Z",
    });
  });

  it("gives a null opening for a never-open schedule", () => {
    const never = { ...settings, schedule: autoReplySettings.shape.schedule.parse({ timezone: "UTC", week: {} }) };
    expect(previewAutoReply(never, { at: WORK_AT, locale: "en", emailKnown: false })).toEqual({
      period: "weekend",
      rule: "Closed",
      text: "Back as soon as we can, by email, in min.",
      nextOpening: null,
    });
  });
});

describe("withinQuietWindow", () => {
  it.each([
    ["9 min after an operator", "2026-01-12T08:51:00Z", true],
    ["10 min after", "2026-01-12T08:50:00Z", false],
    ["never answered", null, false],
  ] as const)("%s", (_, last, want) => {
    expect(withinQuietWindow(settings, WORK_AT, last === null ? null : new Date(last))).toBe(want);
  });
});

describe("department schedules", () => {
  // Support answers around the clock; sales keep the site's hours (no schedule of their own).
  const ALL_DAY = [{ from: "00:00", to: "00:00", overnight: true }];
  const withSupport = autoReplySettings.parse({
    schedule,
    departmentSchedules: {
      support: {
        timezone: "Europe/Berlin",
        week: { mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ALL_DAY, fri: ALL_DAY, sat: ALL_DAY, sun: ALL_DAY },
      },
    },
    rules: settings.rules,
  });
  // Saturday 17 Jan 2026, 12:00 Berlin = 11:00Z: the site is closed (weekend).
  const saturday = new Date("2026-01-17T11:00:00Z");
  const ctx = { at: saturday, emailKnown: false, locale: "en", visitorTimezone: "Europe/Berlin" };

  it("a conversation of a department with its own hours follows them", () => {
    expect(chooseReply(withSupport, { ...ctx, department: "support" })).toMatchObject({
      period: "work",
      rule: { id: "work" },
    });
  });

  it("other departments and conversations without one follow the site's hours", () => {
    for (const department of ["sales", null, undefined]) {
      const reply = chooseReply(withSupport, { ...ctx, department });
      expect(reply).toMatchObject({ period: "weekend", rule: { id: "closed" } });
      expect(reply.nextOpening?.toISOString()).toBe("2026-01-19T08:00:00.000Z"); // Monday 09:00 Berlin
    }
  });

  it("previews a department", () => {
    expect(previewAutoReply(withSupport, { ...ctx, department: "support" }).period).toBe("work");
  });

  it("refuses a bad department id, naming the field", () => {
    const bad = autoReplySettings.safeParse({ schedule, departmentSchedules: { "no spaces": schedule }, rules: [] });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(["departmentSchedules", "no spaces"]);
  });
});

describe("a department's schedule", () => {
  it("is the site's for a department named like an Object property (never Object's own)", () => {
    for (const name of ["__proto__", "constructor", "toString"])
      expect(scheduleFor(settings, name)).toBe(settings.schedule);
  });
});
