/**
 * Auto-reply settings: zod schemas and `validateAutoReplySettings`, which names the first
 * bad field with a dotted path (`schedule.week.mon.1.to`) for a 400.
 *
 * Periods. The schedule lists the hours operators are on; each interval belongs to an
 * "on" period, `work` unless the interval names another (`period: "support"`, or even
 * `"lunch"` for a skeleton crew). Every other instant belongs to a computed "off" period:
 * - `holiday`: the local date is an exception marked `closed`;
 * - `weekend`: the local date has no intervals of its own;
 * - `lunch`: between two intervals of the same date, a gap shorter than 3 hours;
 * - `break`: between two intervals of the same date, a gap of 3 hours or more;
 * - `night`: on a date with intervals, before its first or after its last one. So the
 *   time between the last interval of a day and the first of the next is night when both
 *   days have intervals; Friday evening after closing is night, Saturday from 00:00
 *   (no intervals) is weekend.
 * An overnight interval (22:00–02:00, `overnight: true`) belongs to the date it starts.
 * Rules name the periods they apply to.
 */
import { z } from "zod";
import { parseClock, parseDate, WEEKDAYS } from "./calendar";
import { findOverlap } from "./overlap";
import { isValidTimezone } from "./zone";

/** The "on" period of an interval that does not name one. */
export const WORK = "work";
/** Periods computed for the time outside every interval (see the file comment). */
export const OFF_PERIODS = ["lunch", "break", "night", "weekend", "holiday"] as const;
/** A gap between two intervals of a date shorter than this is lunch; longer is a break. */
export const LUNCH_MAX_MINUTES = 180;
export const MAX_RULES = 50;
export const MAX_TEXT = 2000;
export const MAX_TIMEOUT_SEC = 86_400;
export const TEMPLATE_VARIABLES = ["nextOpening", "waitMinutes", "name"] as const;

export const periodName = z
  .string({ error: "period must be a string" })
  .regex(/^[a-z][a-z0-9_-]{0,31}$/, "period is 1-32 lowercase letters, digits, _ or -");

const clock = (field: string) =>
  z.string({ error: `${field} is required` }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, `${field} must be HH:MM, 00:00-23:59`);

const custom = (ctx: z.RefinementCtx, message: string, path?: (string | number)[]) =>
  ctx.addIssue({ code: "custom", message, ...(path ? { path } : {}) });

export const interval = z
  .object({
    from: clock("from"),
    to: clock("to"),
    overnight: z.boolean().optional(),
    period: periodName.optional(),
  })
  .superRefine((iv, ctx) => {
    const from = parseClock(iv.from);
    const to = parseClock(iv.to);
    if (from === null || to === null) return;
    if (!iv.overnight && to <= from) custom(ctx, "ends before it starts; mark it overnight", ["to"]);
    if (iv.overnight && to > from) custom(ctx, "an overnight interval is longer than 24 hours", ["to"]);
  });
export type Interval = z.infer<typeof interval>;

const intervals = z.array(interval).max(10, "at most 10 intervals a day");
const dayIntervals = intervals.default([]);

export const week = z.object(
  Object.fromEntries(WEEKDAYS.map((d) => [d, dayIntervals])) as Record<(typeof WEEKDAYS)[number], typeof dayIntervals>,
  { error: "week must be an object with mon..sun" },
);

export const exception = z
  .object({
    date: z
      .string({ error: "date is required" })
      .refine((s) => parseDate(s) !== null, "date must be a real date YYYY-MM-DD"),
    closed: z.literal(true, { error: "closed may only be true" }).optional(),
    intervals: intervals.min(1, "intervals is empty; use closed: true").optional(),
    note: z.string().max(200, "note is at most 200 characters").optional(),
  })
  .superRefine((e, ctx) => {
    if (!e.closed === !e.intervals) custom(ctx, "an exception is either closed: true or has intervals");
  });
export type Exception = z.infer<typeof exception>;

export const schedule = z
  .object({
    timezone: z.string({ error: "timezone is required" }).superRefine((tz, ctx) => {
      if (!isValidTimezone(tz)) custom(ctx, `unknown timezone ${tz}`);
    }),
    week,
    exceptions: z.array(exception).max(400, "at most 400 exceptions").default([]),
  })
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.exceptions.forEach((e, i) => {
      if (seen.has(e.date)) custom(ctx, `duplicate exception date ${e.date}`, ["exceptions", i, "date"]);
      seen.add(e.date);
    });
    const overlap = findOverlap(s);
    if (overlap) ctx.addIssue({ code: "custom", ...overlap });
  });
export type Schedule = z.infer<typeof schedule>;

const templateText = z
  .string({ error: "text is required" })
  .min(1, "text is empty")
  .max(MAX_TEXT, `text is longer than ${MAX_TEXT} characters`)
  .superRefine((text, ctx) => {
    for (const [, word] of text.matchAll(/\{(\w+)\}/g)) {
      if (!(TEMPLATE_VARIABLES as readonly string[]).includes(word)) {
        return custom(ctx, `unknown template variable {${word}}; use {nextOpening}, {waitMinutes} or {name}`);
      }
    }
  });

export const variant = z.object({
  when: z
    .strictObject({
      emailKnown: z.boolean().optional(),
      locale: z.enum(["ru", "en"], { error: "locale must be ru or en" }).optional(),
      /** Glob with `*`; one starting with "/" matches the path (see rules.ts urlMatches). */
      urlPattern: z.string().min(1, "urlPattern is empty").max(500, "urlPattern is at most 500 characters").optional(),
      utmSource: z.string().min(1, "utmSource is empty").max(100, "utmSource is at most 100 characters").optional(),
      returning: z.boolean().optional(),
      /** An operator is signed in to the admin when the reply is due. */
      operatorsOnline: z.boolean().optional(),
    })
    .optional(),
  text: templateText,
});
export type Variant = z.infer<typeof variant>;

const timeoutMessage = `timeout must be between 0 and ${MAX_TIMEOUT_SEC} seconds`;

export const rule = z.object({
  id: z.string({ error: "id is required" }).regex(/^[A-Za-z0-9_-]{1,64}$/, "id is 1-64 letters, digits, _ or -"),
  name: z.string({ error: "name is required" }).trim().min(1, "name is empty").max(80, "name is at most 80 characters"),
  periods: z.array(periodName).min(1, "periods is empty"),
  timeoutSec: z
    .number({ error: timeoutMessage })
    .int("timeout must be a whole number of seconds")
    .min(0, timeoutMessage)
    .max(MAX_TIMEOUT_SEC, timeoutMessage),
  variants: z.array(variant).min(1, "a rule needs at least one variant").max(20, "at most 20 variants a rule"),
});
export type Rule = z.infer<typeof rule>;

/** Departments with hours of their own (e.g. support 24/7, sales office hours), by department id. */
const departmentSchedules = z
  .record(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "a department id is 1-64 letters, digits, _ or -"), schedule)
  .refine((r) => Object.keys(r).length <= 100, "at most 100 department schedules")
  .default({});

export const autoReplySettings = z
  .object({
    /** The site's hours; a conversation of a department listed below follows that one's. */
    schedule,
    departmentSchedules,
    rules: z.array(rule).max(MAX_RULES, `at most ${MAX_RULES} rules`),
    /** No auto-reply when an operator answered in the last N minutes. */
    quietAfterOperatorMinutes: z
      .number()
      .int("quietAfterOperatorMinutes must be a whole number")
      .min(0, "quietAfterOperatorMinutes must be between 0 and 1440")
      .max(1440, "quietAfterOperatorMinutes must be between 0 and 1440")
      .default(10),
    askEmail: z.boolean().default(true),
  })
  .superRefine((s, ctx) => checkRules(s, ctx));
export type AutoReplySettings = z.infer<typeof autoReplySettings>;
/** Settings as an admin sends them: defaults not yet applied. */
export type AutoReplySettingsInput = z.input<typeof autoReplySettings>;

/** Rule ids are unique; a rule's periods exist (a typo would silently never fire). */
function checkRules(s: AutoReplySettings, ctx: z.RefinementCtx): void {
  const schedules = [s.schedule, ...Object.values(s.departmentSchedules ?? {})];
  const named = schedules
    .flatMap((sc) => [
      ...Object.values(sc?.week ?? {}).flat(),
      ...(sc?.exceptions ?? []).flatMap((e) => e?.intervals ?? []),
    ])
    .map((iv) => iv?.period);
  const known = new Set<string>([WORK, ...OFF_PERIODS, ...named.filter((p): p is string => !!p)]);
  const ids = new Set<string>();
  (s.rules ?? []).forEach((r, i) => {
    if (ids.has(r?.id)) custom(ctx, `duplicate rule id ${r.id}`, ["rules", i, "id"]);
    ids.add(r?.id);
    (r?.periods ?? []).forEach((p, j) => {
      if (known.has(p)) return;
      custom(ctx, `unknown period ${p}; use ${[...known].join(", ")}`, ["rules", i, "periods", j]);
    });
  });
}

export type ValidationResult = { ok: true; value: AutoReplySettings } | { ok: false; field: string; message: string };

/**
 * Parses settings and applies defaults, or returns the first error with its dotted path.
 * @example
 * validateAutoReplySettings(body);
 * // {ok: false, field: "rules.0.timeoutSec", message: "timeout must be between 0 and 86400 seconds"}
 */
export function validateAutoReplySettings(input: unknown): ValidationResult {
  const result = autoReplySettings.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  return { ok: false, field: issue.path.map(String).join("."), message: issue.message };
}

/**
 * Body of `POST /api/v1/admin/autoreply/preview`: `at` becomes a Date; an unknown
 * visitorTimezone is accepted (the reply falls back to the site's zone, as for visitors).
 */
export const previewRequest = z.object({
  at: z.iso
    .datetime({ offset: true, error: "at must be an ISO instant, e.g. 2026-03-30T10:00:00Z" })
    .transform((s) => new Date(s)),
  visitorTimezone: z.string().max(64, "visitorTimezone is at most 64 characters").optional(),
  locale: z.string().max(35, "locale is at most 35 characters").default("en"),
  emailKnown: z.boolean({ error: "emailKnown must be true or false" }).default(false),
  /** Preview a conversation of this department (its own schedule, if it has one). */
  department: z.string().max(64, "department is at most 64 characters").optional(),
});
export type PreviewRequest = z.infer<typeof previewRequest>;
