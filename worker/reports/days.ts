/**
 * Per-day aggregates of conversations in a time zone. A conversation belongs to the local
 * day its visitor first wrote; a day's row keeps counts and the sorted durations its figures
 * need, so a period's median and p90 stay exact while a year is only 365 rows to read.
 */
import { openMsBetween, type Schedule } from "../autoreply";
import { formatDate } from "../autoreply/calendar";
import { wallClock } from "../autoreply/zone";
import type { ConversationFacts } from "./facts";

/** Conversations, answers and first-response total of one department or operator. */
export interface GroupCounts {
  conversations: number;
  answered: number;
  /** Sum of first response times (ms) of the answered ones. */
  firstResponseSum: number;
}

export interface DayAggregate {
  /** Local date, "YYYY-MM-DD". */
  day: string;
  conversations: number;
  /** First response times (ms), ascending. */
  firstResponse: number[];
  /** First response times counting only the schedule's open hours (ms), ascending. */
  firstResponseBusiness: number[];
  /** Resolution times (ms) of resolved conversations, ascending. */
  resolution: number[];
  /** Waits without a human answer: [visitor first wrote, resolved or null while open]. */
  unanswered: [number, number | null][];
  /** Conversations by local hour (0–23) and weekday (0 = Monday). */
  byHour: number[];
  byWeekday: number[];
  byDepartment: Record<string, GroupCounts>;
  byOperator: Record<string, GroupCounts>;
  askedEmail: number;
  /** Of those asked, how many left an address. */
  capturedEmail: number;
  continuedByEmail: number;
  /** Ratings given, by score: index 0 is 1 star. */
  ratings: number[];
  /** Conversations by the page the chat started on ("" when unknown); absent in rows counted before it existed. */
  byStartPage?: Record<string, number>;
  /** The bot's dialogs of the day; absent in rows counted before bots were. */
  bot?: BotDay;
  /** Calls and appointment events of the day's conversations; absent in older rows. */
  video?: VideoDay;
}

export interface BotDay {
  dialogs: number;
  /** Sum of the dialogs' depths (visitor and bot messages up to the handoff). */
  depthSum: number;
  feedback: number;
  helpful: number;
  leads: number;
  bookings: number;
  /** Dialogs with a lead completed or a booking made. */
  goals: number;
  handoffs: number;
  /** When the bot last spoke in dialogs it had the last word in (no handoff): drop-offs once old enough. */
  lastWord: number[];
}

export interface VideoDay {
  requested: number;
  answered: number;
  missed: number;
  declined: number;
  /** Durations (ms) of answered calls that ended, ascending. */
  durations: number[];
  screenShared: number;
  booked: number;
  attended: number;
  noShow: number;
}

export function emptyBotDay(): BotDay {
  return {
    dialogs: 0,
    depthSum: 0,
    feedback: 0,
    helpful: 0,
    leads: 0,
    bookings: 0,
    goals: 0,
    handoffs: 0,
    lastWord: [],
  };
}

export function emptyVideoDay(): VideoDay {
  return {
    requested: 0,
    answered: 0,
    missed: 0,
    declined: 0,
    durations: [],
    screenShared: 0,
    booked: 0,
    attended: 0,
    noShow: 0,
  };
}

/** The local day of an instant as "YYYY-MM-DD". */
export function localDay(timeZone: string, ms: number): string {
  return formatDate(wallClock(timeZone, ms).day);
}

/** An empty row for a day. */
export function emptyDay(day: string): DayAggregate {
  return {
    day,
    conversations: 0,
    firstResponse: [],
    firstResponseBusiness: [],
    resolution: [],
    unanswered: [],
    byHour: Array(24).fill(0),
    byWeekday: Array(7).fill(0),
    byDepartment: {},
    byOperator: {},
    askedEmail: 0,
    capturedEmail: 0,
    continuedByEmail: 0,
    ratings: [0, 0, 0, 0, 0],
    byStartPage: {},
    bot: emptyBotDay(),
    video: emptyVideoDay(),
  };
}

/** The day a conversation counts on, or null when its visitor never wrote. */
export function dayOf(facts: ConversationFacts, timeZone: string): string | null {
  return facts.firstVisitorAt === null ? null : localDay(timeZone, facts.firstVisitorAt);
}

/**
 * Aggregates conversations by the local day their visitor first wrote, in `timeZone`;
 * business-hours times use `schedule` (the site's hours). Rows come out by day, ascending.
 */
export function aggregateDays(facts: ConversationFacts[], timeZone: string, schedule: Schedule): DayAggregate[] {
  const days = new Map<string, DayAggregate>();
  for (const f of facts) {
    if (f.firstVisitorAt === null) continue;
    const day = localDay(timeZone, f.firstVisitorAt);
    let row = days.get(day);
    if (!row) days.set(day, (row = emptyDay(day)));
    addConversation(row, f, f.firstVisitorAt, timeZone, schedule);
  }
  const rows = [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
  for (const row of rows)
    for (const list of [row.firstResponse, row.firstResponseBusiness, row.resolution, row.video!.durations])
      list.sort((a, b) => a - b);
  return rows;
}

function addConversation(
  row: DayAggregate,
  f: ConversationFacts,
  startedAt: number,
  timeZone: string,
  schedule: Schedule,
): void {
  row.conversations++;
  const clock = wallClock(timeZone, startedAt);
  row.byHour[Math.floor(clock.minute / 60)]++;
  row.byWeekday[(clock.day + 3) % 7]++; // day 0, 1970-01-01, was a Thursday
  const answered = f.firstOperatorAt !== null && f.firstOperatorAt >= startedAt;
  const wait = answered ? f.firstOperatorAt! - startedAt : 0;
  if (answered) {
    row.firstResponse.push(wait);
    row.firstResponseBusiness.push(openMsBetween(schedule, startedAt, f.firstOperatorAt!));
  } else {
    row.unanswered.push([startedAt, f.resolvedAt]);
  }
  if (f.resolvedAt !== null && f.resolvedAt >= startedAt) row.resolution.push(f.resolvedAt - startedAt);
  countGroup(row.byDepartment, f.department ?? "", answered, wait);
  countGroup(row.byOperator, f.assignee ?? "", answered, wait);
  if (f.askedEmail) {
    row.askedEmail++;
    if (f.emailKnown) row.capturedEmail++;
  }
  if (f.continuedByEmail) row.continuedByEmail++;
  if (f.rating !== null && f.rating >= 1 && f.rating <= 5) row.ratings[f.rating - 1]++;
  const pages = (row.byStartPage ??= {});
  const page = f.startPage ?? "";
  pages[page] = (pages[page] ?? 0) + 1;
  if (f.bot) addBot((row.bot ??= emptyBotDay()), f.bot);
  if (f.calls || f.appointments) addVideo((row.video ??= emptyVideoDay()), f);
}

function addBot(day: BotDay, bot: NonNullable<ConversationFacts["bot"]>): void {
  day.dialogs++;
  day.depthSum += bot.depth;
  day.feedback += bot.feedback;
  day.helpful += bot.helpful;
  if (bot.lead) day.leads++;
  if (bot.booked) day.bookings++;
  if (bot.lead || bot.booked) day.goals++;
  if (bot.handoffAt !== null) day.handoffs++;
  else if (bot.lastPersonAt === null || bot.lastBotAt > bot.lastPersonAt) day.lastWord.push(bot.lastBotAt);
}

function addVideo(day: VideoDay, f: ConversationFacts): void {
  if (f.calls) {
    day.requested += f.calls.requested;
    day.answered += f.calls.answered;
    day.missed += f.calls.missed;
    day.declined += f.calls.declined;
    day.durations.push(...f.calls.durations);
    day.screenShared += f.calls.screenShared;
  }
  if (f.appointments) {
    day.booked += f.appointments.booked;
    day.attended += f.appointments.attended;
    day.noShow += f.appointments.noShow;
  }
}

function countGroup(groups: Record<string, GroupCounts>, key: string, answered: boolean, wait: number): void {
  const g = (groups[key] ??= { conversations: 0, answered: 0, firstResponseSum: 0 });
  g.conversations++;
  if (answered) {
    g.answered++;
    g.firstResponseSum += wait;
  }
}
