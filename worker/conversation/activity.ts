/**
 * The bot, call and appointment story of a conversation as its Site's reports count it
 * (docs/metrics.md). Read when a coalesced summary leaves for the Site, never per message:
 * one grouped read of the thread, the bot's row and the calls table.
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

export function activityOf(sql: SqlStorage): ConversationActivity {
  const botRow = sql
    .exec<BotRow>("SELECT handoff_at, feedback_given, feedback_helpful, lead_done FROM bot_state WHERE id = 1")
    .toArray()[0];
  const handoffAt = botRow?.handoff_at ?? null;
  // Notes are operators' own; the thread the visitor saw is what counts.
  const groups = sql
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
