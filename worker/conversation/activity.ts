/**
 * The bot, call and appointment story of a conversation as its Site's reports count it
 * (docs/metrics.md). Read when a coalesced summary leaves for the Site, never per message:
 * one grouped read of the thread, the bot's row and the calls table, and kept until one of
 * them changes. Every writer of what it reads says so with `activityChanged`: a bot or
 * system message (Conversation.announce), a message changed or the thread wiped (the store),
 * the bot's row (./bot.ts), a call (./calls.ts). A conversation between people then sends
 * summaries that read nothing.
 */
import type { ConversationActivity } from "../protocol";

type ThreadGroup = {
  kind: string;
  bot: string | null;
  appointment: string | null;
  n: number;
  early: number;
  last: number;
};
type BotRow = { handoff_at: number | null; feedback_given: number; feedback_helpful: number; lead_done: number };
type CallRow = { outcome: string | null; answered_at: number | null; ended_at: number | null; screen_shared: number };

/** The activity as last read, until something it is read from changes. */
const kept = new WeakMap<SqlStorage, ConversationActivity>();

/** Something the activity is read from changed: the next summary reads it again. */
export function activityChanged(sql: SqlStorage): void {
  kept.delete(sql);
}

/** How far each conversation's thread was looked at for bot and system messages, and whether it had any. */
const looked = new WeakMap<SqlStorage, { upTo: number; any: boolean }>();

/**
 * Whether the thread holds a bot or system message: the grouped read below is needed only
 * then. Looks only at the messages since the last look, so a conversation between people
 * costs a range read of its newest messages per summary, not a read of its whole thread.
 */
function threadHasActivity(sql: SqlStorage): boolean {
  let known = looked.get(sql) ?? { upTo: 0, any: false };
  if (known.any) return true;
  const last = sql.exec<{ seq: number | null }>("SELECT MAX(seq) AS seq FROM messages").one().seq ?? 0;
  if (last < known.upTo) known = { upTo: 0, any: false }; // erased and begun again
  const found = sql
    .exec<{ found: number }>(
      "SELECT EXISTS (SELECT 1 FROM messages WHERE seq > ? AND author_kind IN ('bot', 'system')) AS found",
      known.upTo,
    )
    .one().found;
  known = { upTo: last, any: found === 1 };
  looked.set(sql, known);
  return known.any;
}

export function activityOf(sql: SqlStorage): ConversationActivity {
  let activity = kept.get(sql);
  if (!activity) {
    activity = readActivity(sql);
    kept.set(sql, activity);
  }
  return activity;
}

function readActivity(sql: SqlStorage): ConversationActivity {
  const botRow = sql
    .exec<BotRow>("SELECT handoff_at, feedback_given, feedback_helpful, lead_done FROM bot_state WHERE id = 1")
    .toArray()[0];
  const handoffAt = botRow?.handoff_at ?? null;
  // Notes are operators' own; the thread the visitor saw is what counts.
  const groups = !threadHasActivity(sql)
    ? []
    : sql
        .exec<ThreadGroup>(
          `SELECT author_kind AS kind, json_extract(meta, '$.bot') AS bot,
         json_extract(meta, '$.appointment.event') AS appointment, COUNT(*) AS n,
         SUM(CASE WHEN ?1 IS NULL OR at <= ?1 THEN 1 ELSE 0 END) AS early, MAX(at) AS last
       FROM messages WHERE meta IS NULL OR json_extract(meta, '$.internal') IS NULL
       GROUP BY kind, bot, appointment`,
          handoffAt,
        )
        .toArray();
  const activity: ConversationActivity = {};
  const bots = groups.filter((g) => g.kind === "bot");
  if (bots.length > 0) {
    const people = groups.filter((g) => g.kind === "visitor" || g.kind === "operator");
    activity.bot = {
      depth: groups.filter((g) => g.kind === "bot" || g.kind === "visitor").reduce((s, g) => s + g.early, 0),
      feedback: botRow?.feedback_given ?? 0,
      helpful: botRow?.feedback_helpful ?? 0,
      lead: botRow?.lead_done === 1,
      booked: bots.some((g) => g.bot === "booked"),
      handoffAt,
      lastBotAt: Math.max(...bots.map((g) => g.last)),
      lastPersonAt: people.length ? Math.max(...people.map((g) => g.last)) : null,
    };
  }
  const events = (name: string) =>
    groups.filter((g) => g.kind === "system" && g.appointment === name).reduce((s, g) => s + g.n, 0);
  const appointments = { booked: events("booked"), attended: events("attended"), noShow: events("no_show") };
  if (appointments.booked + appointments.attended + appointments.noShow > 0) activity.appointments = appointments;
  const calls = sql
    .exec<CallRow>("SELECT outcome, answered_at, ended_at, screen_shared FROM calls ORDER BY requested_at")
    .toArray();
  if (calls.length > 0)
    activity.calls = {
      requested: calls.length,
      answered: calls.filter((c) => c.answered_at !== null).length,
      missed: calls.filter((c) => c.outcome === "missed").length,
      declined: calls.filter((c) => c.outcome === "declined").length,
      durations: calls
        .filter((c) => c.answered_at !== null && c.ended_at !== null)
        .map((c) => c.ended_at! - c.answered_at!),
      screenShared: calls.filter((c) => c.screen_shared === 1).length,
    };
  return activity;
}
