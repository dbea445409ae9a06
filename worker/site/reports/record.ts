/**
 * The Site's record of report facts: one row per conversation (`report_facts`) kept from
 * the summaries its Conversation sends, and one aggregate row per local day (`report_days`).
 * A summary that changes no figure costs one read; one that does marks its day dirty, and
 * dirty days are counted again together by a timer (or before a report is read).
 */
import {
  aggregateDays,
  dayOf,
  factsDiffer,
  mergeFacts,
  pageKey,
  type ConversationFacts,
  type DayAggregate,
} from "../../reports";
import { scheduleSchema } from "../../autoreply";
import { formatDate, parseDate } from "../../autoreply/calendar";
import type { InboxEntry, Trail } from "../../protocol";
import { settingsInForce } from "../autoreply";
import { defer, type SiteHost } from "../host";
import { siteSettingsOf } from "../settings";
import { periodInstants } from "./conversion";
import { armDigest } from "./digest";

export const REPORTS_ROLLUP_TIMER = "reports.rollup";
/** How long changed days wait to be counted again, so that a busy minute is counted once. */
export const ROLLUP_DELAY_MS = 30_000;
/** Days counted again per run; the rest wait for the next run. */
const ROLLUP_DAYS_PER_RUN = 100;

/** The site's time zone and hours as reports use them. */
export function reportZone(sql: SqlStorage) {
  const timeZone = siteSettingsOf(sql)?.timezone ?? "UTC";
  // Without a site there are no hours: every wait counts nothing in business hours.
  const schedule = settingsInForce(sql)?.schedule ?? scheduleSchema.parse({ timezone: timeZone, week: {} });
  return { timeZone, schedule };
}

/** The stored facts of a conversation and the day they were counted in, or null. */
function storedFactsOf(sql: SqlStorage, id: string): { facts: ConversationFacts; day: string | null } | null {
  const row = sql
    .exec<{ facts: string; day: string | null }>("SELECT facts, day FROM report_facts WHERE id = ?", id)
    .toArray()[0];
  return row ? { facts: JSON.parse(row.facts) as ConversationFacts, day: row.day } : null;
}

/**
 * Stores facts (with the conversation's visitor) and marks the days they left (`before`, the
 * stored row, null for a new conversation) and joined as needing a new count.
 */
export function saveFacts(
  sql: SqlStorage,
  facts: ConversationFacts,
  visitorId: string,
  timeZone: string,
  before: { day: string | null } | null,
): void {
  const day = dayOf(facts, timeZone);
  sql.exec(
    `INSERT INTO report_facts (id, day, first_visitor_at, facts, visitor_id) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET day = excluded.day, first_visitor_at = excluded.first_visitor_at, facts = excluded.facts`,
    facts.id,
    day,
    facts.firstVisitorAt,
    JSON.stringify(facts),
    visitorId,
  );
  for (const d of new Set([before?.day, day]))
    if (d) sql.exec("INSERT OR IGNORE INTO report_dirty (day) VALUES (?)", d);
}

/** Takes a batch of stored summaries (InboxFeed calls this once per batch). */
export function recordSummaries(host: SiteHost, entries: InboxEntry[]): void {
  const { sql } = host;
  let changed = false;
  let timeZone: string | null = null;
  for (const entry of entries) {
    const stored = storedFactsOf(sql, entry.id);
    const prev = stored?.facts ?? null;
    const next = mergeFacts(prev, entry, prev ? null : startPageOf(sql, entry.visitorId));
    if (!factsDiffer(prev, next)) continue;
    timeZone ??= reportZone(sql).timeZone;
    saveFacts(sql, next, entry.visitorId, timeZone, stored);
    changed = true;
  }
  if (changed && !host.timers.get(REPORTS_ROLLUP_TIMER)) {
    defer(host, "reports rollup timer", host.timers.set(REPORTS_ROLLUP_TIMER, Date.now() + ROLLUP_DELAY_MS));
    defer(host, "weekly digest timer", armDigest(host));
  }
}

/** The page the visitor is on now, from the trail their browser uploaded (the last page seen, or the landing page). */
function startPageOf(sql: SqlStorage, visitorId: string): string | null {
  const row = sql
    .exec<{ trail: string | null }>("SELECT trail FROM contacts WHERE visitor_id = ?", visitorId)
    .toArray()[0];
  if (!row?.trail) return null;
  const trail = JSON.parse(row.trail) as Trail;
  return pageKey(trail.pages?.at(-1)?.url ?? trail.landing);
}

/**
 * After the site moved to another zone, the days counted in the old one are counted again in
 * the new one, with two days either side: a conversation's local date moves by up to two
 * days (UTC+14 to UTC−12), and the conversations of a day are found by their instants there.
 */
function recountMovedDays(sql: SqlStorage, timeZone: string): void {
  const moved = sql.exec<{ day: string }>("SELECT day FROM report_days WHERE zone != ?", timeZone).toArray();
  for (const { day } of moved) {
    const date = parseDate(day);
    if (date === null) continue;
    for (let d = date - 2; d <= date + 2; d++)
      sql.exec("INSERT OR IGNORE INTO report_dirty (day) VALUES (?)", formatDate(d));
  }
}

/** Counts dirty days again (all of them when `all`); re-arms the timer when some are left. */
export async function rollUp(host: SiteHost, all = false): Promise<void> {
  const { sql } = host;
  const { timeZone, schedule } = reportZone(sql);
  recountMovedDays(sql, timeZone);
  for (;;) {
    const days = sql
      .exec<{ day: string }>("SELECT day FROM report_dirty ORDER BY day LIMIT ?", ROLLUP_DAYS_PER_RUN)
      .toArray()
      .map((r) => r.day);
    if (days.length === 0) return;
    host.ctx.storage.transactionSync(() => {
      for (const day of days) {
        // By instants, not by the stored day: that may be a date in the zone the site left.
        const facts = factsBetween(sql, ...periodInstants(timeZone, day, day));
        const row = aggregateDays(facts, timeZone, schedule).find((r) => r.day === day);
        if (row)
          sql.exec(
            "INSERT OR REPLACE INTO report_days (day, zone, row) VALUES (?, ?, ?)",
            day,
            timeZone,
            JSON.stringify(row),
          );
        else sql.exec("DELETE FROM report_days WHERE day = ?", day);
        sql.exec("DELETE FROM report_dirty WHERE day = ?", day);
      }
    });
    if (!all) {
      if (days.length === ROLLUP_DAYS_PER_RUN) await host.timers.set(REPORTS_ROLLUP_TIMER, Date.now() + 1);
      return;
    }
  }
}

/** The day rows of local dates `from`–`to` in the site's zone. */
export function dayRows(sql: SqlStorage, from: string, to: string): DayAggregate[] {
  return sql
    .exec<{ row: string }>("SELECT row FROM report_days WHERE day BETWEEN ? AND ? ORDER BY day", from, to)
    .toArray()
    .map((r) => JSON.parse(r.row) as DayAggregate);
}

/** True when every stored day row was counted in `timeZone` (the site's zone may have changed). */
export function rowsAreIn(sql: SqlStorage, timeZone: string): boolean {
  return sql.exec("SELECT 1 FROM report_days WHERE zone != ? LIMIT 1", timeZone).toArray().length === 0;
}

/** Facts whose visitor first wrote between two instants. */
export function factsBetween(sql: SqlStorage, fromMs: number, toMs: number): ConversationFacts[] {
  return sql
    .exec<{ facts: string }>(
      "SELECT facts FROM report_facts WHERE first_visitor_at >= ? AND first_visitor_at < ?",
      fromMs,
      toMs,
    )
    .toArray()
    .map((r) => JSON.parse(r.facts) as ConversationFacts);
}
