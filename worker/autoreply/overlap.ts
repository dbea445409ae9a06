/**
 * Finds overlapping intervals in a schedule, for validation. Intervals are placed on a
 * date's minute line (overnight ones run past 1440); the previous date's overnight
 * intervals are placed too, shifted back a day, so a spill into the next morning counts.
 */
import { DAY_MINUTES, parseClock, parseDate, WEEKDAYS, weekdayOf } from "./calendar";
import type { Interval, Schedule } from "./schema";

interface Placed {
  start: number;
  end: number;
  path: (string | number)[];
  label: string;
}

type Found = { path: (string | number)[]; message: string };

function place(list: readonly Interval[] | undefined, path: (string | number)[], label: string, shift = 0): Placed[] {
  const placed: Placed[] = [];
  (list ?? []).forEach((iv, i) => {
    const from = parseClock(iv?.from ?? "");
    const to = parseClock(iv?.to ?? "");
    if (from === null || to === null) return;
    const end = (iv.overnight ? to + DAY_MINUTES : to) + shift;
    if (end <= 0) return;
    placed.push({ start: from + shift, end, path: [...path, i], label: `${label} ${iv.from}–${iv.to}` });
  });
  return placed;
}

/** The first pair [earlier, later] of overlapping spans, or null. */
function firstOverlap(spans: Placed[]): [Placed, Placed] | null {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let widest: Placed | null = null;
  for (const s of sorted) {
    if (widest && s.start < widest.end) return [widest, s];
    if (!widest || s.end > widest.end) widest = s;
  }
  return null;
}

/** Blames the later interval, unless that is a weekly one hit by an exception's spill. */
function report(pair: [Placed, Placed] | null): Found | null {
  if (!pair) return null;
  const [a, b] = pair;
  const [target, other] = b.path[0] === "week" && a.path[0] === "exceptions" ? [a, b] : [b, a];
  return { path: target.path, message: `overlaps ${other.label}` };
}

function weeklyOverlap(schedule: Schedule): Found | null {
  for (let k = 0; k < 7; k++) {
    const day = WEEKDAYS[k];
    const prev = WEEKDAYS[(k + 6) % 7];
    const spill = place(schedule.week?.[prev], ["week", prev], prev, -DAY_MINUTES);
    const found = report(firstOverlap([...spill, ...place(schedule.week?.[day], ["week", day], day)]));
    if (found) return found;
  }
  return null;
}

/** Where the intervals of a date come from, as a path and a label for messages. */
function planOf(schedule: Schedule, day: number, indexByDay: Map<number, number>) {
  const n = indexByDay.get(day);
  if (n !== undefined) {
    const e = schedule.exceptions[n];
    return { list: e.intervals, path: ["exceptions", n, "intervals"], label: e.date };
  }
  const wd = weekdayOf(day);
  return { list: schedule.week?.[wd], path: ["week", wd], label: wd };
}

function exceptionOverlap(schedule: Schedule): Found | null {
  const indexByDay = new Map<number, number>();
  (schedule.exceptions ?? []).forEach((e, n) => {
    const day = parseDate(e?.date ?? "");
    if (day !== null && !indexByDay.has(day)) indexByDay.set(day, n);
  });
  for (const day of indexByDay.keys()) {
    for (const d of [day, day + 1]) {
      if (d === day + 1 && indexByDay.has(d)) continue; // checked as its own exception
      const prev = planOf(schedule, d - 1, indexByDay);
      const own = planOf(schedule, d, indexByDay);
      const spill = place(prev.list, prev.path, prev.label, -DAY_MINUTES);
      const found = report(firstOverlap([...spill, ...place(own.list, own.path, own.label)]));
      if (found) return found;
    }
  }
  return null;
}

/**
 * The first overlap in a schedule as a zod-style issue (path relative to the schedule),
 * or null. Weekly intervals are checked first, then each exception with its neighbours.
 */
export function findOverlap(schedule: Schedule): Found | null {
  return weeklyOverlap(schedule) ?? exceptionOverlap(schedule);
}
