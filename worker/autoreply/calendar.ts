/**
 * Calendar arithmetic without time zones: days are numbered from 1970-01-01 (day 0),
 * times of day are minutes since midnight. Zone-aware conversion lives in `zone.ts`.
 */
import type { Exception, Interval, Schedule } from "./schema";

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
export const DAY_MINUTES = 1440;

/** Weekday keys in `Date#getUTCDay` order (0 = Sunday). */
export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "HH:MM" → minutes since midnight, or null when it is not a 24-hour time. */
export function parseClock(text: string): number | null {
  const m = CLOCK.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** "YYYY-MM-DD" → day number, or null when it is not a real calendar date. */
export function parseDate(text: string): number | null {
  const m = DATE.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  // Date.UTC rolls 2026-02-30 over to 2026-03-02; a real date survives the round trip.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    return null;
  }
  return ms / DAY_MS;
}

/** Day number → "YYYY-MM-DD". */
export function formatDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The weekday of a day number (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): Weekday {
  return WEEKDAYS[(((day + 4) % 7) + 7) % 7];
}

/** Minutes → "HH:MM". */
export function formatClock(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

/** What the schedule says about one local date. */
export interface DayPlan {
  /** Intervals that start on this date (overnight ones end the next date). */
  intervals: readonly Interval[];
  /** True for an exception date marked `closed`. */
  holiday: boolean;
}

// Built once per schedule object: validated settings are treated as immutable.
const exceptionIndex = new WeakMap<Schedule, Map<number, Exception>>();

function exceptionsByDay(schedule: Schedule): Map<number, Exception> {
  let index = exceptionIndex.get(schedule);
  if (!index) {
    index = new Map();
    for (const e of schedule.exceptions ?? []) {
      const day = parseDate(e.date);
      if (day !== null && !index.has(day)) index.set(day, e);
    }
    exceptionIndex.set(schedule, index);
  }
  return index;
}

/** The intervals of a local date: its exception if there is one, else its weekday's. */
export function dayPlan(schedule: Schedule, day: number): DayPlan {
  const exception = exceptionsByDay(schedule).get(day);
  if (exception) {
    return exception.closed
      ? { intervals: [], holiday: true }
      : { intervals: exception.intervals ?? [], holiday: false };
  }
  return { intervals: schedule.week[weekdayOf(day)] ?? [], holiday: false };
}
