/**
 * The auto-reply settings as the editor holds them: the server's types (worker/autoreply),
 * the periods a rule may name, weekdays in display order, and new rows with sane defaults.
 * Only types come from the worker: its values would pull zod into the admin bundle.
 */
import type { AutoReplySettings, Exception, Interval, Rule, Schedule, Variant } from "../../../worker/protocol";
import { locale } from "../i18n";

export type { AutoReplySettings, Exception, Interval, Rule, Schedule, Variant };

/** Periods every schedule has: `work` (intervals without a name) and the computed "off" ones. */
export const BUILT_IN_PERIODS = ["work", "lunch", "break", "night", "weekend", "holiday"] as const;

/** Weekdays Monday first, as the schedule's keys. */
export const WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEK)[number];

/** The screen, as the editors see it: they change the draft in place, then call `changed`. */
export interface Editing {
  readonly errors: Record<string, string>;
  readonly readOnly: boolean;
  /** Marks the draft unsaved and redraws; `moved` (rows added, removed, reordered) also drops field messages, whose paths no longer fit. */
  changed(moved?: boolean): void;
  /** Focuses the element matching `selector` once redrawn (after a move, the moved row's button). */
  focusLater(selector: string): void;
}

/** The weekday's name in the app's language ("Monday"); 2024-01-01 was a Monday. */
export function weekdayName(day: Weekday): string {
  const date = new Date(Date.UTC(2024, 0, 1 + WEEK.indexOf(day)));
  return new Intl.DateTimeFormat(locale(), { weekday: "long", timeZone: "UTC" }).format(date);
}

/** Period names the schedule's intervals give themselves (besides `work`). */
export function namedPeriods(schedule: Schedule): string[] {
  const all = [...Object.values(schedule.week).flat(), ...schedule.exceptions.flatMap((e) => e.intervals ?? [])];
  return [...new Set(all.map((iv) => iv.period).filter((p): p is string => !!p && p !== "work"))];
}

/** True for an IANA zone this browser knows. */
export function isZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

/** Every IANA zone the browser knows, for suggestions. */
export function zoneNames(): string[] {
  const known = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return known.includes("UTC") ? known : ["UTC", ...known];
}

/** The browser's own zone. */
export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** Today's date (YYYY-MM-DD) in `zone`, or in the browser's zone when `zone` is unknown. */
export function todayIn(zone: string, at = Date.now()): string {
  return new Intl.DateTimeFormat("en-CA", isZone(zone) ? { timeZone: zone } : {}).format(at);
}

/** The date after `date` (YYYY-MM-DD). */
export function nextDate(date: string): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Hours to add after `list`: an hour after the last one ends, else 09:00–18:00. */
export function newInterval(list: readonly Interval[]): Interval {
  const last = list.at(-1);
  if (!last || last.overnight) return { from: "09:00", to: "18:00" };
  const [h] = last.to.split(":").map(Number);
  const from = Math.min(h! + 1, 22);
  return { from: `${String(from).padStart(2, "0")}:00`, to: `${String(from + 1).padStart(2, "0")}:00` };
}

/** A closed exception on the first free date from today (site zone). */
export function newException(schedule: Schedule): Exception {
  const taken = new Set(schedule.exceptions.map((e) => e.date));
  let date = todayIn(schedule.timezone);
  while (taken.has(date)) date = nextDate(date);
  return { date, closed: true };
}

/** A new rule: on holidays, at once, with one empty reply to write. */
export function newRule(name: string): Rule {
  const id = `rule-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  return { id, name, periods: ["holiday"], timeoutSec: 0, variants: [newVariant()] };
}

export function newVariant(): Variant {
  return { text: "" };
}

/** Sets or clears one condition of a variant (an empty value means "any"). */
export function setCondition<K extends keyof NonNullable<Variant["when"]>>(
  v: Variant,
  key: K,
  value: NonNullable<Variant["when"]>[K] | undefined,
): void {
  const when = { ...(v.when ?? {}) };
  if (value === undefined || value === "") delete when[key];
  else when[key] = value;
  if (Object.keys(when).length) v.when = when;
  else delete v.when;
}

/** Swaps items `i` and `i + by` of a list; false when that would leave it. */
export function move<T>(list: T[], i: number, by: -1 | 1): boolean {
  const j = i + by;
  if (j < 0 || j >= list.length) return false;
  [list[i], list[j]] = [list[j]!, list[i]!];
  return true;
}
