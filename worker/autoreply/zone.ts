/**
 * Wall clock ↔ instant in an IANA time zone, built on `Intl.DateTimeFormat#formatToParts`
 * only (no Temporal in workerd, no dependency). A zone's offset is read at an instant; a
 * wall-clock time is resolved by trying the offsets in force a day before and a day after.
 */
import { DAY_MS, MINUTE_MS } from "./calendar";

/**
 * A formatter per zone name the runtime knows: making one costs ~100 µs, and a site on the
 * default auto-replies checks its zone on every batch of summaries (and, with greetings on,
 * on every page view). Names it does not know are never kept, and the map stops growing at
 * FORMATTERS_KEPT: the runtime takes any casing of a name, and a visitor sends the zone they
 * like (past it a formatter is made for the call and dropped).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
const FORMATTERS_KEPT = 1_000;

/** The zone's formatter; throws a RangeError for a name the runtime does not know. */
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    if (formatters.size < FORMATTERS_KEPT) formatters.set(timeZone, f);
  }
  return f;
}

/** True when the runtime knows the IANA zone name (e.g. "Europe/Berlin"). */
export function isValidTimezone(timeZone: string): boolean {
  if (!timeZone) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock at an instant read as if it were UTC, in ms (seconds kept, ms dropped). */
function wallMs(timeZone: string, ms: number): number {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== "literal") p[part.type] = Number(part.value);
  }
  return Date.UTC(p.year, p.month - 1, p.day, p.hour % 24, p.minute, p.second);
}

/** The zone's offset from UTC at an instant, in ms (east of Greenwich is positive). */
export function offsetAt(timeZone: string, ms: number): number {
  return wallMs(timeZone, ms) - Math.floor(ms / 1000) * 1000;
}

/** A local reading: day number (days since 1970-01-01) and minute of that day. */
export interface WallClock {
  day: number;
  minute: number;
}

/** What a clock on the wall in `timeZone` shows at the instant `ms`. */
export function wallClock(timeZone: string, ms: number): WallClock {
  const local = wallMs(timeZone, ms);
  const day = Math.floor(local / DAY_MS);
  return { day, minute: Math.floor((local - day * DAY_MS) / MINUTE_MS) };
}

/**
 * The instant (ms) when the wall clock in `timeZone` shows `minute` of `day`.
 * A time skipped by a spring-forward gap gives the first instant after the gap; a time
 * that happens twice in a fall-back gives the first occurrence.
 */
export function wallToInstant(timeZone: string, day: number, minute: number): number {
  const naive = day * DAY_MS + minute * MINUTE_MS;
  const before = offsetAt(timeZone, naive - DAY_MS);
  const after = offsetAt(timeZone, naive + DAY_MS);
  const hits = [naive - before, naive - after].filter((t) => offsetAt(timeZone, t) === naive - t);
  if (hits.length > 0) return Math.min(...hits);
  if (after <= before) return naive - before; // two switches within a day: not in tzdata today
  return transitionBetween(timeZone, naive - after, naive - before, before);
}

/**
 * The first instant in (lo, hi] whose offset is no longer `offsetBefore`: the moment the
 * clocks jumped. Transitions fall on whole minutes, so a binary search by minutes ends.
 */
function transitionBetween(timeZone: string, lo: number, hi: number, offsetBefore: number): number {
  while (hi - lo > MINUTE_MS) {
    const mid = lo + Math.max(MINUTE_MS, Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS);
    if (offsetAt(timeZone, mid) === offsetBefore) lo = mid;
    else hi = mid;
  }
  return hi;
}
