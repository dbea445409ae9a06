/**
 * Chooses the auto-reply for a visitor at an instant: the first rule whose periods include
 * the active period, then the first of its variants whose `when` matches, its template
 * rendered. Pure: the Conversation object calls it when its timer fires.
 */
import { formatNextOpening, normalizeLocale, type Locale } from "./format";
import { activePeriod, nextOpening } from "./schedule";
import type { AutoReplySettings, TEMPLATE_VARIABLES, Variant } from "./schema";
import type { Preview } from "../protocol/settings";

export type { Preview };

export interface ReplyContext {
  at: Date;
  emailKnown: boolean;
  /** A language tag; "ru…" is Russian, anything else English. */
  locale: string;
  /** The page the visitor wrote from. */
  url?: string;
  utmSource?: string;
  returning?: boolean;
  name?: string;
  /** IANA zone of the visitor's browser; unknown or missing → the site's zone. */
  visitorTimezone?: string;
  /** The conversation's department: its own schedule applies when it has one. */
  department?: string | null;
  /** An operator is signed in: a reply outside hours then waits for them first. */
  operatorsOnline?: boolean;
}

export interface Reply {
  period: string;
  /** The rule that applies, or null: then there is no auto-reply in this period. */
  rule: { id: string; name: string } | null;
  /** Seconds without an operator answer before the reply is posted (0 without a rule). */
  timeoutSec: number;
  /** Rendered text, or null when no rule or no variant matches. */
  text: string | null;
  /** Ask for the email with the reply: a reply is posted, the email is unknown, settings.askEmail. */
  askEmail: boolean;
  nextOpening: Date | null;
}

/** Put in place of `{nextOpening}` when the schedule never opens: no time is promised. */
export const NO_OPENING: Record<Locale, string> = {
  en: "as soon as we can, by email",
  ru: "как только сможем, по email",
};

/** How long a visitor waits for a signed-in operator when no working-hours rule says. */
export const ONLINE_WAIT_SEC = 60;

const VARIABLE = /\{(nextOpening|waitMinutes|name)\}/g;
const TIME_VARIABLE = /\{(nextOpening|waitMinutes)\}/;

/** Shell-style glob where only `*` is special (any run of characters); case-insensitive. */
export function globMatch(pattern: string, subject: string): boolean {
  const body = pattern
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${body}$`, "i").test(subject);
}

/**
 * A pattern starting with "/" is matched against the URL's path (and its query only when
 * the pattern has a "?"); any other pattern against the whole URL.
 * @example urlMatches("/checkout*", "https://shop.example/checkout/pay?x=1") // true
 */
export function urlMatches(pattern: string, url: string | undefined): boolean {
  if (!url) return false;
  if (!pattern.startsWith("/")) return globMatch(pattern, url);
  try {
    const u = new URL(url);
    return globMatch(pattern, u.pathname + (pattern.includes("?") ? u.search : ""));
  } catch {
    return globMatch(pattern, url);
  }
}

/** True when every condition of a variant's `when` holds (no `when` matches anyone). */
export function variantMatches(when: Variant["when"], ctx: ReplyContext, locale: Locale): boolean {
  if (!when) return true;
  if (when.emailKnown !== undefined && when.emailKnown !== ctx.emailKnown) return false;
  if (when.locale !== undefined && when.locale !== locale) return false;
  if (when.returning !== undefined && when.returning !== (ctx.returning ?? false)) return false;
  if (when.operatorsOnline !== undefined && when.operatorsOnline !== (ctx.operatorsOnline ?? false)) return false;
  if (when.utmSource !== undefined && when.utmSource.toLowerCase() !== (ctx.utmSource ?? "").toLowerCase()) {
    return false;
  }
  return when.urlPattern === undefined || urlMatches(when.urlPattern, ctx.url);
}

/**
 * The first matching variant; when the schedule never opens, the first matching one whose
 * text uses neither `{nextOpening}` nor `{waitMinutes}` is preferred, so no time is promised.
 */
function chooseVariant(variants: Variant[], ctx: ReplyContext, locale: Locale, canPromise: boolean) {
  const matching = variants.filter((v) => variantMatches(v.when, ctx, locale));
  return (canPromise ? undefined : matching.find((v) => !TIME_VARIABLE.test(v.text))) ?? matching[0];
}

/** The value of each template variable, already written out. */
export type TemplateValues = Record<(typeof TEMPLATE_VARIABLES)[number], string>;

const EMPTY = "\u0000";
const CAPITAL = "\u0001";

/**
 * Closes the gap an empty value leaves, with the punctuation around it:
 * "Hello, !" → "Hello!", "Hi , thanks" → "Hi, thanks", ", we answer" → "We answer".
 */
function tidy(text: string): string {
  return text
    .replace(/([ \t]*[,;:])?[ \t]*\u0000[ \t]*([,;:])?[ \t]*/g, (match, left, right, at: number, all: string) => {
      const before = all.slice(0, at);
      const after = all.slice(at + match.length);
      if (before === "" || before.endsWith("\n")) return CAPITAL;
      if (after === "" || /^[.!?\n]/.test(after)) return "";
      return `${(left ?? right ?? "").trim()} `;
    })
    .replace(/\u0001(.?)/gs, (_, c: string) => c.toUpperCase());
}

/**
 * Fills `{nextOpening}`, `{waitMinutes}` and `{name}` in one pass (a visitor's name that
 * contains "{nextOpening}" stays as typed); an empty value takes its spacing and
 * punctuation with it.
 * @example renderTemplate("Hello, {name}!", {name: "", nextOpening: "", waitMinutes: ""}) // "Hello!"
 */
export function renderTemplate(text: string, values: TemplateValues): string {
  const filled = text.replace(VARIABLE, (_, key: keyof TemplateValues) => values[key] || EMPTY);
  return filled.includes(EMPTY) ? tidy(filled) : filled;
}

function templateValues(ctx: ReplyContext, next: Date | null, locale: Locale, siteTz: string): TemplateValues {
  return {
    nextOpening: next ? formatNextOpening(next, ctx.at, ctx.visitorTimezone, locale, siteTz) : NO_OPENING[locale],
    waitMinutes: next ? String(Math.ceil((next.getTime() - ctx.at.getTime()) / 60_000)) : "",
    // Control characters would collide with the markers tidy() uses.
    name: (ctx.name ?? "").replace(/[\u0000-\u001f\u007f]/g, "").trim(),
  };
}

/**
 * The auto-reply for a visitor at `ctx.at`. `{nextOpening}` is written in the visitor's
 * zone and language; `{waitMinutes}` is the minutes until then, rounded up (0 when open).
 * With a never-open schedule a variant without those variables is preferred; if the
 * chosen text still has them, `{nextOpening}` says NO_OPENING and `{waitMinutes}` is empty.
 */
export function chooseReply(settings: AutoReplySettings, ctx: ReplyContext): Reply {
  const schedule = scheduleFor(settings, ctx.department);
  const { period } = activePeriod(schedule, ctx.at);
  const next = nextOpening(schedule, ctx.at);
  const rule = settings.rules.find((r) => r.periods.includes(period));
  if (!rule) return { period, rule: null, timeoutSec: 0, text: null, askEmail: false, nextOpening: next };
  const locale = normalizeLocale(ctx.locale);
  const variant = chooseVariant(rule.variants, ctx, locale, next !== null);
  const values = templateValues(ctx, next, locale, schedule.timezone);
  const text = variant ? renderTemplate(variant.text, values) : null;
  const askEmail = text !== null && !ctx.emailKnown && settings.askEmail;
  const { id, name } = rule;
  return { period, rule: { id, name }, timeoutSec: timeoutOf(settings, rule, ctx), text, askEmail, nextOpening: next };
}

/**
 * Seconds before the rule's reply. With an operator signed in, no reply is instant: the
 * visitor first waits as long as in working hours (60 s when no rule covers them), so a
 * visitor who sees "We are online" is answered by that operator, not told "we are away".
 */
export function timeoutOf(
  settings: AutoReplySettings,
  rule: { timeoutSec: number },
  ctx: Pick<ReplyContext, "operatorsOnline">,
): number {
  if (!ctx.operatorsOnline) return rule.timeoutSec;
  const working = settings.rules.find((r) => r.periods.includes("work"))?.timeoutSec || ONLINE_WAIT_SEC;
  return Math.max(rule.timeoutSec, working);
}

/** The schedule of a department when it has its own, else the site's. */
export function scheduleFor(settings: AutoReplySettings, department?: string | null) {
  // Own keys only: a department named "__proto__" or "constructor" must not find Object's.
  const own = department && settings.departmentSchedules && Object.hasOwn(settings.departmentSchedules, department);
  return (own && settings.departmentSchedules![department]) || settings.schedule;
}

export interface PreviewInput {
  at: Date;
  visitorTimezone?: string;
  locale: string;
  emailKnown: boolean;
  department?: string;
  operatorsOnline?: boolean;
}

/** What a visitor would get at `at`: the body of `POST /api/v1/admin/autoreply/preview`. */
export function previewAutoReply(settings: AutoReplySettings, input: PreviewInput): Preview {
  const reply = chooseReply(settings, { ...input });
  return {
    period: reply.period,
    rule: reply.rule?.name ?? null,
    text: reply.text,
    nextOpening: reply.nextOpening?.toISOString() ?? null,
  };
}

/** True inside the quiet window: an operator answered less than `quietAfterOperatorMinutes` ago. */
export function withinQuietWindow(
  settings: AutoReplySettings,
  at: Date,
  lastOperatorAt: Date | number | null | undefined,
): boolean {
  if (lastOperatorAt === null || lastOperatorAt === undefined) return false;
  const since = at.getTime() - new Date(lastOperatorAt).getTime();
  return since >= 0 && since < settings.quietAfterOperatorMinutes * 60_000;
}
