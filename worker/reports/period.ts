/**
 * A report's period: local dates `from`–`to` (both included) in a time zone, checked, and
 * the period of the same length just before it for comparison.
 */
import { formatDate, parseDate } from "../autoreply/calendar";
import { isValidTimezone } from "../autoreply/zone";

/** The longest period a report covers, in days (two years, a leap day included). */
export const MAX_PERIOD_DAYS = 731;

export interface Period {
  from: string;
  to: string;
  timeZone: string;
  days: number;
  /** The period of the same length that ends the day before `from`. */
  previous: { from: string; to: string };
}

export type PeriodResult = { ok: true; period: Period } | { ok: false; field: "from" | "to" | "tz"; message: string };

/** Checks a period as the reports API receives it; errors name the field. */
export function parsePeriod(input: { from?: string; to?: string; tz?: string }, fallbackZone: string): PeriodResult {
  const timeZone = input.tz || fallbackZone;
  if (!isValidTimezone(timeZone)) return { ok: false, field: "tz", message: `unknown time zone ${timeZone}` };
  const from = input.from ? parseDate(input.from) : null;
  if (from === null) return { ok: false, field: "from", message: "from must be a date YYYY-MM-DD" };
  const to = input.to ? parseDate(input.to) : null;
  if (to === null) return { ok: false, field: "to", message: "to must be a date YYYY-MM-DD" };
  if (from > to) return { ok: false, field: "from", message: "from must not be after to" };
  const days = to - from + 1;
  if (days > MAX_PERIOD_DAYS)
    return { ok: false, field: "to", message: `a period covers at most ${MAX_PERIOD_DAYS} days` };
  return {
    ok: true,
    period: {
      from: formatDate(from),
      to: formatDate(to),
      timeZone,
      days,
      previous: { from: formatDate(from - days), to: formatDate(from - 1) },
    },
  };
}
