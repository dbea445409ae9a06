/**
 * Writes the next opening for a visitor, in their time zone and language: "today at 14:00",
 * "tomorrow at 10:00", "on Monday at 09:00", "on 12 January at 09:00" / «сегодня в 14:00»,
 * «завтра в 10:00», «в понедельник в 09:00», «12 января в 09:00». Hand-written phrases,
 * not `Intl` date styles, so the Russian prepositions and the 24-hour clock are exact.
 */
import { DAY_MS, formatClock } from "./calendar";
import { isValidTimezone, wallClock } from "./zone";

export type Locale = "ru" | "en";

/** A weekday name is used up to this many days ahead; further, the date. */
const WEEKDAY_DAYS = 6;
/** Further ahead than this, the year is written too. */
const YEAR_AFTER_DAYS = 300;

// Indexed by Date#getUTCDay (0 = Sunday).
const EN_WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const RU_ON_WEEKDAY = [
  "в воскресенье",
  "в понедельник",
  "во вторник",
  "в среду",
  "в четверг",
  "в пятницу",
  "в субботу",
];
const EN_MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
// Genitive: «12 января».
const RU_MONTHS = [
  "января",
  "февраля",
  "марта",
  "апреля",
  "мая",
  "июня",
  "июля",
  "августа",
  "сентября",
  "октября",
  "ноября",
  "декабря",
];

/** "ru", "ru-RU", "RU" → "ru"; anything else (or nothing) → "en". */
export function normalizeLocale(tag: string | undefined): Locale {
  return /^ru(?:$|[-_])/i.test(tag ?? "") ? "ru" : "en";
}

/** The visitor's zone when the runtime knows it, else the fallback (the site's zone). */
export function pickTimezone(visitorTimezone: string | undefined, fallbackTimezone: string): string {
  return visitorTimezone && isValidTimezone(visitorTimezone) ? visitorTimezone : fallbackTimezone;
}

function datePhrase(day: number, withYear: boolean, locale: Locale): string {
  const date = new Date(day * DAY_MS);
  const [d, m, y] = [date.getUTCDate(), date.getUTCMonth(), date.getUTCFullYear()];
  if (locale === "ru") return withYear ? `${d} ${RU_MONTHS[m]} ${y} года` : `${d} ${RU_MONTHS[m]}`;
  return withYear ? `on ${d} ${EN_MONTHS[m]} ${y}` : `on ${d} ${EN_MONTHS[m]}`;
}

function dayPhrase(day: number, today: number, locale: Locale): string {
  const ahead = day - today;
  const ru = locale === "ru";
  if (ahead === 0) return ru ? "сегодня" : "today";
  if (ahead === 1) return ru ? "завтра" : "tomorrow";
  const weekday = new Date(day * DAY_MS).getUTCDay();
  if (ahead > 1 && ahead <= WEEKDAY_DAYS) return ru ? RU_ON_WEEKDAY[weekday] : `on ${EN_WEEKDAYS[weekday]}`;
  return datePhrase(day, ahead > YEAR_AFTER_DAYS || ahead < 0, locale);
}

/**
 * The instant as a visitor reads it: "today"/"tomorrow" are judged in the visitor's zone
 * (`visitorTimezone`; an unknown or missing one falls back to `fallbackTimezone`, the
 * site's). Weekday names up to 6 days ahead, then the date; the year beyond 300 days.
 * @example
 * const now = new Date("2026-03-30T18:00:00Z"); // Mon 21:00 in Moscow
 * formatNextOpening(new Date("2026-03-31T06:00:00Z"), now, "Europe/Moscow", "ru", "Europe/Moscow"); // "завтра в 09:00"
 */
export function formatNextOpening(
  instant: Date,
  now: Date,
  visitorTimezone: string | undefined,
  locale: Locale,
  fallbackTimezone: string,
): string {
  const tz = pickTimezone(visitorTimezone, fallbackTimezone);
  const when = wallClock(tz, instant.getTime());
  const today = wallClock(tz, now.getTime()).day;
  const at = locale === "ru" ? "в" : "at";
  return `${dayPhrase(when.day, today, locale)} ${at} ${formatClock(when.minute)}`;
}
