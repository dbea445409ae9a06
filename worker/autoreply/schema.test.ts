import { describe, expect, it } from "vitest";
import { previewRequest, validateAutoReplySettings } from "./schema";

const DAY = [
  { from: "09:00", to: "13:00" },
  { from: "14:00", to: "18:00" },
];
const rule = (over: Record<string, unknown> = {}) => ({
  id: "work",
  name: "Working hours",
  periods: ["work"],
  timeoutSec: 60,
  variants: [{ text: "Thanks, {name}! Back {nextOpening}, in {waitMinutes} min." }],
  ...over,
});
/** Valid settings with parts replaced. */
function settings(over: { schedule?: Record<string, unknown>; rules?: unknown[]; [k: string]: unknown } = {}) {
  const { schedule, rules, ...rest } = over;
  return {
    schedule: { timezone: "Europe/Berlin", week: { mon: DAY, fri: DAY }, exceptions: [], ...schedule },
    rules: rules ?? [rule()],
    ...rest,
  };
}
const TEMPLATE_HELP = "use {nextOpening}, {waitMinutes} or {name}";
const TIMEOUT = "timeout must be between 0 and 86400 seconds";

describe("validateAutoReplySettings: accepted", () => {
  it("applies defaults and fills missing weekdays", () => {
    const result = validateAutoReplySettings(settings());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.quietAfterOperatorMinutes).toBe(10);
    expect(result.value.askEmail).toBe(true);
    expect(result.value.schedule.week.sat).toEqual([]);
  });

  it.each([
    ["an empty week (never open)", settings({ schedule: { week: {} } })],
    [
      "overnight ending where the next day starts",
      settings({
        schedule: {
          week: { fri: [{ from: "22:00", to: "02:00", overnight: true }], sat: [{ from: "02:00", to: "06:00" }] },
        },
      }),
    ],
    [
      "24 hours overnight",
      settings({
        schedule: {
          week: {
            mon: [{ from: "00:00", to: "00:00", overnight: true }],
            tue: [{ from: "00:00", to: "00:00", overnight: true }],
          },
        },
      }),
    ],
    ["timeouts 0 and 86400", settings({ rules: [rule({ timeoutSec: 0 }), rule({ id: "b", timeoutSec: 86400 })] })],
    ["50 rules", settings({ rules: Array.from({ length: 50 }, (_, i) => rule({ id: `r${i}` })) })],
    [
      "a named period used by a rule",
      settings({
        schedule: { week: { sun: [{ from: "12:00", to: "16:00", period: "sale" }] } },
        rules: [rule({ periods: ["sale"] })],
      }),
    ],
    [
      "exceptions",
      settings({
        schedule: {
          exceptions: [
            { date: "2027-01-01", closed: true, note: "New Year" },
            { date: "2026-12-31", intervals: [{ from: "10:00", to: "14:00" }] },
          ],
        },
      }),
    ],
    ["stray braces are text", settings({ rules: [rule({ variants: [{ text: "Use {} or { name } freely" }] })] })],
  ])("%s", (_, input) => {
    expect(validateAutoReplySettings(input)).toMatchObject({ ok: true });
  });
});

describe("validateAutoReplySettings: rejected with the field and the reason", () => {
  it.each([
    [
      "unknown timezone",
      settings({ schedule: { timezone: "Mars/Olympus" } }),
      "schedule.timezone",
      "unknown timezone Mars/Olympus",
    ],
    ["missing timezone", settings({ schedule: { timezone: undefined } }), "schedule.timezone", "timezone is required"],
    [
      "ends before it starts",
      settings({ schedule: { week: { mon: [DAY[0], { from: "18:00", to: "10:00" }] } } }),
      "schedule.week.mon.1.to",
      "ends before it starts; mark it overnight",
    ],
    [
      "ends when it starts",
      settings({ schedule: { week: { tue: [{ from: "10:00", to: "10:00" }] } } }),
      "schedule.week.tue.0.to",
      "ends before it starts; mark it overnight",
    ],
    [
      "overnight over 24 h",
      settings({ schedule: { week: { tue: [{ from: "22:00", to: "23:00", overnight: true }] } } }),
      "schedule.week.tue.0.to",
      "an overnight interval is longer than 24 hours",
    ],
    [
      "not HH:MM",
      settings({ schedule: { week: { mon: [{ from: "9:00", to: "13:00" }] } } }),
      "schedule.week.mon.0.from",
      "from must be HH:MM, 00:00-23:59",
    ],
    [
      "24:00",
      settings({ schedule: { week: { mon: [{ from: "09:00", to: "24:00" }] } } }),
      "schedule.week.mon.0.to",
      "to must be HH:MM, 00:00-23:59",
    ],
    [
      "overlap on a day",
      settings({
        schedule: {
          week: {
            mon: [
              { from: "09:00", to: "13:00" },
              { from: "12:00", to: "18:00" },
            ],
          },
        },
      }),
      "schedule.week.mon.1",
      "overlaps mon 09:00–13:00",
    ],
    [
      "overlap, listed backwards",
      settings({
        schedule: {
          week: {
            wed: [
              { from: "12:00", to: "18:00" },
              { from: "09:00", to: "13:00" },
            ],
          },
        },
      }),
      "schedule.week.wed.0",
      "overlaps wed 09:00–13:00",
    ],
    [
      "overlap inside another",
      settings({
        schedule: {
          week: {
            thu: [
              { from: "09:00", to: "18:00" },
              { from: "10:00", to: "11:00" },
            ],
          },
        },
      }),
      "schedule.week.thu.1",
      "overlaps thu 09:00–18:00",
    ],
    [
      "Friday night spills into Saturday",
      settings({
        schedule: {
          week: { fri: [{ from: "22:00", to: "03:00", overnight: true }], sat: [{ from: "02:00", to: "06:00" }] },
        },
      }),
      "schedule.week.sat.0",
      "overlaps fri 22:00–03:00",
    ],
    [
      "Sunday night spills into Monday",
      settings({
        schedule: {
          week: { sun: [{ from: "23:00", to: "01:00", overnight: true }], mon: [{ from: "00:30", to: "05:00" }] },
        },
      }),
      "schedule.week.mon.0",
      "overlaps sun 23:00–01:00",
    ],
    [
      "exception spills into the next weekday (Fri 1 Jan)",
      settings({
        schedule: {
          exceptions: [{ date: "2026-12-31", intervals: [{ from: "20:00", to: "10:00", overnight: true }] }],
        },
      }),
      "schedule.exceptions.0.intervals.0",
      "overlaps fri 09:00–13:00",
    ],
    [
      "Thursday night spills into an exception",
      settings({
        schedule: {
          week: { thu: [{ from: "22:00", to: "03:00", overnight: true }] },
          exceptions: [{ date: "2027-01-01", intervals: [{ from: "01:00", to: "05:00" }] }],
        },
      }),
      "schedule.exceptions.0.intervals.0",
      "overlaps thu 22:00–03:00",
    ],
    [
      "not a real date",
      settings({ schedule: { exceptions: [{ date: "2026-02-30", closed: true }] } }),
      "schedule.exceptions.0.date",
      "date must be a real date YYYY-MM-DD",
    ],
    [
      "closed and intervals",
      settings({ schedule: { exceptions: [{ date: "2026-12-31", closed: true, intervals: DAY }] } }),
      "schedule.exceptions.0",
      "an exception is either closed: true or has intervals",
    ],
    [
      "neither closed nor intervals",
      settings({ schedule: { exceptions: [{ date: "2026-12-31" }] } }),
      "schedule.exceptions.0",
      "an exception is either closed: true or has intervals",
    ],
    [
      "duplicate date",
      settings({
        schedule: {
          exceptions: [
            { date: "2026-12-31", closed: true },
            { date: "2026-12-31", closed: true },
          ],
        },
      }),
      "schedule.exceptions.1.date",
      "duplicate exception date 2026-12-31",
    ],
    [
      "51 rules",
      settings({ rules: Array.from({ length: 51 }, (_, i) => rule({ id: `r${i}` })) }),
      "rules",
      "at most 50 rules",
    ],
    [
      "unknown template variable",
      settings({ rules: [rule({ variants: [{ text: "Hi {name}, {foo}!" }] })] }),
      "rules.0.variants.0.text",
      `unknown template variable {foo}; ${TEMPLATE_HELP}`,
    ],
    [
      "misspelt variable",
      settings({ rules: [rule(), rule({ id: "b", variants: [{ text: "ok" }, { text: "{nextopening}" }] })] }),
      "rules.1.variants.1.text",
      `unknown template variable {nextopening}; ${TEMPLATE_HELP}`,
    ],
    ["timeout -1", settings({ rules: [rule({ timeoutSec: -1 })] }), "rules.0.timeoutSec", TIMEOUT],
    ["timeout 86401", settings({ rules: [rule({ timeoutSec: 86401 })] }), "rules.0.timeoutSec", TIMEOUT],
    ["timeout as text", settings({ rules: [rule({ timeoutSec: "60" })] }), "rules.0.timeoutSec", TIMEOUT],
    [
      "timeout 1.5",
      settings({ rules: [rule({ timeoutSec: 1.5 })] }),
      "rules.0.timeoutSec",
      "timeout must be a whole number of seconds",
    ],
    [
      "empty text",
      settings({ rules: [rule({ variants: [{ text: "" }] })] }),
      "rules.0.variants.0.text",
      "text is empty",
    ],
    [
      "text too long",
      settings({ rules: [rule({ variants: [{ text: "a".repeat(2001) }] })] }),
      "rules.0.variants.0.text",
      "text is longer than 2000 characters",
    ],
    [
      "no variants",
      settings({ rules: [rule({ variants: [] })] }),
      "rules.0.variants",
      "a rule needs at least one variant",
    ],
    [
      "locale de",
      settings({ rules: [rule({ variants: [{ when: { locale: "de" }, text: "Hallo" }] })] }),
      "rules.0.variants.0.when.locale",
      "locale must be ru or en",
    ],
    ["duplicate rule id", settings({ rules: [rule(), rule()] }), "rules.1.id", "duplicate rule id work"],
    [
      "unknown period",
      settings({ rules: [rule({ periods: ["wrok"] })] }),
      "rules.0.periods.0",
      "unknown period wrok; use work, lunch, break, night, weekend, holiday",
    ],
    [
      "quiet minutes -1",
      settings({ quietAfterOperatorMinutes: -1 }),
      "quietAfterOperatorMinutes",
      "quietAfterOperatorMinutes must be between 0 and 1440",
    ],
  ])("%s", (_, input, field, message) => {
    expect(validateAutoReplySettings(input)).toEqual({ ok: false, field, message });
  });

  it("rejects an unknown condition instead of matching everyone", () => {
    const result = validateAutoReplySettings(
      settings({ rules: [rule({ variants: [{ when: { emial: true }, text: "x" }] })] }),
    );
    expect(result).toMatchObject({ ok: false, field: "rules.0.variants.0.when" });
    expect(!result.ok && result.message).toContain("emial");
  });

  it.each([
    ["null", null],
    ["an empty object", {}],
    [
      "junk everywhere",
      {
        schedule: { timezone: "UTC", week: { mon: [{ from: "bad" }, null] }, exceptions: [{ date: 5 }, null] },
        rules: [null, { periods: 3 }],
      },
    ],
  ])("does not throw on %s", (_, input) => {
    expect(validateAutoReplySettings(input).ok).toBe(false);
  });
});

describe("previewRequest", () => {
  it("turns `at` into a Date and applies defaults", () => {
    const body = previewRequest.parse({ at: "2026-03-30T13:00:00+03:00", visitorTimezone: "Asia/Kolkata" });
    expect(body).toEqual({
      at: new Date("2026-03-30T10:00:00Z"),
      visitorTimezone: "Asia/Kolkata",
      locale: "en",
      emailKnown: false,
    });
  });

  it("names a bad instant", () => {
    const result = previewRequest.safeParse({ at: "tomorrow" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      path: ["at"],
      message: "at must be an ISO instant, e.g. 2026-03-30T10:00:00Z",
    });
  });
});
