/**
 * A period's figures from its day rows (definitions: docs/metrics.md). Durations are ms;
 * rates are 0–1 or null when nothing was there to count.
 */
import type { DayAggregate, GroupCounts } from "./days";

export interface DurationFigures {
  count: number;
  mean: number | null;
  median: number | null;
  p90: number | null;
}

export interface GroupFigures {
  id: string;
  conversations: number;
  answered: number;
  firstResponseMean: number | null;
}

export interface Figures {
  conversations: number;
  answered: number;
  firstResponse: DurationFigures;
  firstResponseBusiness: DurationFigures;
  resolution: DurationFigures;
  missed: number;
  byHour: number[];
  byWeekday: number[];
  byDepartment: GroupFigures[];
  byOperator: GroupFigures[];
  emailCapture: { asked: number; captured: number; rate: number | null };
  continuedByEmail: { count: number; share: number | null };
  csat: { ratings: number[]; count: number; mean: number | null; satisfied: number | null };
  daily: { day: string; conversations: number; missed: number; firstResponseMedian: number | null }[];
  /** Conversations by the page the chat started on, most first (at most START_PAGES_SHOWN; "" is unknown). */
  byStartPage: { page: string; conversations: number }[];
  /** Figures whose source has not landed: "no data yet" on screen. */
  bot: null;
  video: null;
  conversion: null;
}

/** Mean, median and p90 (nearest rank) of durations sorted ascending. */
export function durations(sorted: number[]): DurationFigures {
  const n = sorted.length;
  if (n === 0) return { count: 0, mean: null, median: null, p90: null };
  const mid = Math.floor(n / 2);
  const median = n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const p90 = sorted[Math.ceil(0.9 * n) - 1];
  return { count: n, mean: sorted.reduce((s, v) => s + v, 0) / n, median, p90 };
}

/** Merges sorted lists into one sorted list. */
function mergeSorted(lists: number[][]): number[] {
  return lists.flat().sort((a, b) => a - b);
}

/**
 * Missed on a day: answered later than `missedAfterMs`, or never answered and either left
 * (resolved) or waiting longer than `missedAfterMs` at `now`.
 */
export function missedOn(day: DayAggregate, missedAfterMs: number, now: number): number {
  const late = day.firstResponse.filter((t) => t > missedAfterMs).length;
  const unanswered = day.unanswered.filter(([start, end]) => end !== null || now - start > missedAfterMs).length;
  return late + unanswered;
}

function groups(days: DayAggregate[], pick: (d: DayAggregate) => Record<string, GroupCounts>): GroupFigures[] {
  const sum = new Map<string, GroupCounts>();
  for (const d of days) {
    for (const [id, g] of Object.entries(pick(d))) {
      const s = sum.get(id) ?? { conversations: 0, answered: 0, firstResponseSum: 0 };
      sum.set(id, {
        conversations: s.conversations + g.conversations,
        answered: s.answered + g.answered,
        firstResponseSum: s.firstResponseSum + g.firstResponseSum,
      });
    }
  }
  return [...sum]
    .map(([id, g]) => ({
      id,
      conversations: g.conversations,
      answered: g.answered,
      firstResponseMean: g.answered ? g.firstResponseSum / g.answered : null,
    }))
    .sort((a, b) => b.conversations - a.conversations || a.id.localeCompare(b.id));
}

function addUp(arrays: number[][], size: number): number[] {
  const out = Array(size).fill(0);
  for (const a of arrays)
    a.forEach((v, i) => {
      out[i] += v;
    });
  return out;
}

/** The pages a report lists; the rest are summed as "other" under the key "*". */
export const START_PAGES_SHOWN = 50;

function startPages(days: DayAggregate[]): { page: string; conversations: number }[] {
  const sum = new Map<string, number>();
  for (const d of days)
    for (const [page, n] of Object.entries(d.byStartPage ?? {})) sum.set(page, (sum.get(page) ?? 0) + n);
  const sorted = [...sum]
    .map(([page, conversations]) => ({ page, conversations }))
    .sort((a, b) => b.conversations - a.conversations || a.page.localeCompare(b.page));
  if (sorted.length <= START_PAGES_SHOWN) return sorted;
  const rest = sorted.slice(START_PAGES_SHOWN).reduce((s, p) => s + p.conversations, 0);
  return [...sorted.slice(0, START_PAGES_SHOWN), { page: "*", conversations: rest }];
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);

/** The figures of a period from the rows of its days. */
export function figuresOf(days: DayAggregate[], opts: { missedAfterMs: number; now: number }): Figures {
  const conversations = days.reduce((s, d) => s + d.conversations, 0);
  const firstResponse = mergeSorted(days.map((d) => d.firstResponse));
  const asked = days.reduce((s, d) => s + d.askedEmail, 0);
  const captured = days.reduce((s, d) => s + d.capturedEmail, 0);
  const continued = days.reduce((s, d) => s + d.continuedByEmail, 0);
  const ratings = addUp(
    days.map((d) => d.ratings),
    5,
  );
  const rated = ratings.reduce((s, v) => s + v, 0);
  return {
    conversations,
    answered: firstResponse.length,
    firstResponse: durations(firstResponse),
    firstResponseBusiness: durations(mergeSorted(days.map((d) => d.firstResponseBusiness))),
    resolution: durations(mergeSorted(days.map((d) => d.resolution))),
    missed: days.reduce((s, d) => s + missedOn(d, opts.missedAfterMs, opts.now), 0),
    byHour: addUp(
      days.map((d) => d.byHour),
      24,
    ),
    byWeekday: addUp(
      days.map((d) => d.byWeekday),
      7,
    ),
    byDepartment: groups(days, (d) => d.byDepartment),
    byOperator: groups(days, (d) => d.byOperator),
    emailCapture: { asked, captured, rate: ratio(captured, asked) },
    continuedByEmail: { count: continued, share: ratio(continued, conversations) },
    csat: {
      ratings,
      count: rated,
      mean: rated ? ratings.reduce((s, v, i) => s + v * (i + 1), 0) / rated : null,
      satisfied: ratio(ratings[3] + ratings[4], rated),
    },
    daily: days.map((d) => ({
      day: d.day,
      conversations: d.conversations,
      missed: missedOn(d, opts.missedAfterMs, opts.now),
      firstResponseMedian: durations(d.firstResponse).median,
    })),
    byStartPage: startPages(days),
    bot: null,
    video: null,
    conversion: null,
  };
}
