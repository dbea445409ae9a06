/**
 * Which period a schedule is in at an instant, and when operators are next on. Intervals
 * are wall-clock times in the schedule's zone, resolved to instants per date, so DST days,
 * half-hour and 45-minute offsets come out right (see `zone.ts`). Periods: `schema.ts`.
 */
import { dayPlan, MINUTE_MS, parseClock } from "./calendar";
import { LUNCH_MAX_MINUTES, WORK, type Schedule } from "./schema";
import { wallClock, wallToInstant } from "./zone";

/** How far `nextOpening` looks ahead, exceptions included. */
export const LOOKAHEAD_DAYS = 400;

export interface ActivePeriod {
  /** "work" or an interval's own period when open; lunch, break, night, weekend or holiday when not. */
  period: string;
  /** True when operators are on (the instant is inside an interval). */
  open: boolean;
}

/** One interval of one date, as instants (ms). */
export interface Span {
  start: number;
  end: number;
  period: string;
}

/** The intervals that start on a local date, as instants in order; empty ones (lost in a DST gap) dropped. */
export function spansOn(schedule: Schedule, day: number): Span[] {
  const spans: Span[] = [];
  for (const iv of dayPlan(schedule, day).intervals) {
    const from = parseClock(iv.from);
    const to = parseClock(iv.to);
    if (from === null || to === null) continue;
    const start = wallToInstant(schedule.timezone, day, from);
    const end = wallToInstant(schedule.timezone, iv.overnight ? day + 1 : day, to);
    if (end > start) spans.push({ start, end, period: iv.period ?? WORK });
  }
  return spans.sort((a, b) => a.start - b.start);
}

/**
 * The period at an instant and whether operators are on. Intervals are half-open:
 * 09:00–13:00 is open at 09:00 and closed at 13:00.
 * @example activePeriod(schedule, new Date("2026-03-30T10:00:00Z")) // {period:"work", open:true}
 */
export function activePeriod(schedule: Schedule, at: Date): ActivePeriod {
  const t = at.getTime();
  const { day } = wallClock(schedule.timezone, t);
  const today = spansOn(schedule, day);
  // Yesterday's overnight intervals reach into today.
  for (const span of [...spansOn(schedule, day - 1), ...today]) {
    if (span.start <= t && t < span.end) return { period: span.period, open: true };
  }
  const plan = dayPlan(schedule, day);
  if (plan.holiday) return { period: "holiday", open: false };
  if (plan.intervals.length === 0) return { period: "weekend", open: false };
  const before = today.filter((s) => s.end <= t).at(-1);
  const after = today.find((s) => s.start > t);
  if (!before || !after) return { period: "night", open: false };
  const gap = after.start - before.end;
  return { period: gap < LUNCH_MAX_MINUTES * MINUTE_MS ? "lunch" : "break", open: false };
}

/**
 * The next instant operators are on: `at` itself when open now, else the start of the
 * first interval strictly after `at`; null when none starts within LOOKAHEAD_DAYS (a
 * never-open schedule).
 */
export function nextOpening(schedule: Schedule, at: Date): Date | null {
  const t = at.getTime();
  if (activePeriod(schedule, at).open) return new Date(t);
  const { day } = wallClock(schedule.timezone, t);
  for (let d = day; d <= day + LOOKAHEAD_DAYS; d++) {
    const next = spansOn(schedule, d).find((s) => s.start > t);
    if (next) return new Date(next.start);
  }
  return null;
}

/** True when the schedule has no interval at all, weekly or in an exception: never open. */
export function isNeverOpen(schedule: Schedule): boolean {
  const weekly = Object.values(schedule.week).some((day) => day.length > 0);
  return !weekly && !schedule.exceptions.some((e) => (e.intervals ?? []).length > 0);
}

// Reports measure many waits against one schedule object: its days' spans are worked out once.
const spanCache = new WeakMap<Schedule, Map<number, Span[]>>();

function cachedSpansOn(schedule: Schedule, day: number): Span[] {
  let days = spanCache.get(schedule);
  if (!days) spanCache.set(schedule, (days = new Map()));
  let spans = days.get(day);
  if (!spans) days.set(day, (spans = spansOn(schedule, day)));
  return spans;
}

/**
 * How long operators were on between two instants: the overlap of [from, to) with the
 * schedule's intervals, in ms. Used for first response time in business hours; a wait that
 * started at night counts from the opening, and a weekend in between counts nothing.
 */
export function openMsBetween(schedule: Schedule, from: number, to: number): number {
  if (to <= from) return 0;
  const first = wallClock(schedule.timezone, from).day - 1; // yesterday's overnight intervals
  const last = Math.min(wallClock(schedule.timezone, to).day, first + LOOKAHEAD_DAYS);
  let open = 0;
  for (let d = first; d <= last; d++) {
    for (const span of cachedSpansOn(schedule, d)) {
      open += Math.max(0, Math.min(span.end, to) - Math.max(span.start, from));
    }
  }
  return open;
}
