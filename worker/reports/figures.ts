/**
 * A period's figures from its day rows (definitions: docs/metrics.md). Durations are ms;
 * rates are 0–1 or null when nothing was there to count.
 */
import type { ConversionFigures } from "./conversion";
import type { BotDay, DayAggregate, GroupCounts, VideoDay } from "./days";

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
  /** The bot's figures; null ("no data yet") when it had no dialog in the period. */
  bot: BotFigures | null;
  /** Calls and appointments; null ("no data yet") when none was requested or booked. */
  video: VideoFigures | null;
  /**
   * Orders of chatting visitors against all counted visitors; null ("no data yet") until the
   * shop's plugin reports an order. The day rows do not hold it: the Site reads it from its
   * orders and visitor counts (worker/site/reports/conversion.ts).
   */
  conversion: ConversionFigures | null;
}

export interface BotFigures {
  dialogs: number;
  /** Mean visitor and bot messages per dialog up to the handoff. */
  depth: number;
  feedback: number;
  helpful: number;
  helpfulRate: number | null;
  leads: number;
  bookings: number;
  goals: number;
  goalRate: number;
  dropOffs: number;
  dropOffRate: number;
  handoffs: number;
  handoffRate: number;
}

export interface VideoFigures {
  requested: number;
  answered: number;
  missed: number;
  declined: number;
  answerRate: number | null;
  duration: DurationFigures;
  screenShared: number;
  appointments: { booked: number; attended: number; noShow: number; attendRate: number | null };
}

/** A visitor who has not answered the bot's last message for this long has left: a drop-off. */
export const DROP_OFF_AFTER_MS = 30 * 60_000;

function sum<T>(rows: T[], pick: (r: T) => number): number {
  return rows.reduce((s, r) => s + pick(r), 0);
}

/** The bot's figures of a period, or null when it had no dialog. */
export function botFigures(days: DayAggregate[], now: number): BotFigures | null {
  const rows = days.map((d) => d.bot).filter((b): b is BotDay => !!b && b.dialogs > 0);
  const dialogs = sum(rows, (b) => b.dialogs);
  if (dialogs === 0) return null;
  const feedback = sum(rows, (b) => b.feedback);
  const helpful = sum(rows, (b) => b.helpful);
  const goals = sum(rows, (b) => b.goals);
  const handoffs = sum(rows, (b) => b.handoffs);
  const dropOffs = sum(rows, (b) => b.lastWord.filter((t) => now - t > DROP_OFF_AFTER_MS).length);
  return {
    dialogs,
    depth: sum(rows, (b) => b.depthSum) / dialogs,
    feedback,
    helpful,
    helpfulRate: feedback ? helpful / feedback : null,
    leads: sum(rows, (b) => b.leads),
    bookings: sum(rows, (b) => b.bookings),
    goals,
    goalRate: goals / dialogs,
    dropOffs,
    dropOffRate: dropOffs / dialogs,
    handoffs,
    handoffRate: handoffs / dialogs,
  };
}

/** Calls and appointments of a period, or null when there were none. */
export function videoFigures(days: DayAggregate[]): VideoFigures | null {
  const rows = days.map((d) => d.video).filter((v): v is VideoDay => !!v);
  const requested = sum(rows, (v) => v.requested);
  const booked = sum(rows, (v) => v.booked);
  const attended = sum(rows, (v) => v.attended);
  const noShow = sum(rows, (v) => v.noShow);
  if (requested + booked + attended + noShow === 0) return null;
  const answered = sum(rows, (v) => v.answered);
  return {
    requested,
    answered,
    missed: sum(rows, (v) => v.missed),
    declined: sum(rows, (v) => v.declined),
    answerRate: requested ? answered / requested : null,
    duration: durations(mergeSorted(rows.map((v) => v.durations))),
    screenShared: sum(rows, (v) => v.screenShared),
    appointments: {
      booked,
      attended,
      noShow,
      attendRate: attended + noShow ? attended / (attended + noShow) : null,
    },
  };
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
    bot: botFigures(days, opts.now),
    video: videoFigures(days),
    conversion: null,
  };
}
