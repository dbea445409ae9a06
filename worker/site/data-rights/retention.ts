/**
 * Retention: a site may keep conversations for N months after their last activity. A daily
 * job of the Site's timers (one alarm) erases older conversations through their objects,
 * in batches, then the Site's own rows for them, contacts last seen before the cutoff who
 * have no conversation left, and emails and orders older than the cutoff. Off (null) keeps
 * everything; the per-site export of the Reports issue is the backup path.
 */
import { readSetting, writeSetting } from "../settings";
import * as audit from "../audit";
import { removeConversationRows } from "./erasure";

export const RETENTION_TIMER = "retention";
/** Conversations erased per run; a full batch runs again a minute later. */
export const RETENTION_BATCH = 50;
export const RETENTION_INTERVAL_MS = 24 * 3600_000;
export const MAX_RETENTION_MONTHS = 120;

/** The actor of the audit entries the daily job writes. */
export const RETENTION_ACTOR: audit.Actor = { id: "system", name: "Retention", role: "owner" };

/** Months to keep conversations, or null (keep them). */
export function retentionMonths(sql: SqlStorage): number | null {
  return readSetting<{ months: number | null }>(sql, "retention")?.months ?? null;
}

/** Saves the setting and audits the change. */
export function saveRetention(sql: SqlStorage, actor: audit.Actor, months: number | null): void {
  const before = retentionMonths(sql);
  writeSetting(sql, "retention", { months });
  if (before !== months) audit.record(sql, actor, "retention.update", null, { months: { from: before, to: months } });
}

/** The instant N calendar months before `now` (UTC). */
export function cutoff(now: number, months: number): number {
  const d = new Date(now);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.getTime();
}

/** Conversations whose last activity is before `before`, oldest first. */
export function dueConversations(sql: SqlStorage, before: number, limit = RETENTION_BATCH): string[] {
  return sql
    .exec<{ id: string }>("SELECT id FROM inbox WHERE updated_at < ? ORDER BY updated_at LIMIT ?", before, limit)
    .toArray()
    .map((r) => r.id);
}

/** After the objects of `erased` deleted themselves: the Site's rows and what else is older than the cutoff. */
export function sweepSiteRows(
  sql: SqlStorage,
  erased: string[],
  before: number,
  now = Date.now(),
): { conversations: number; contacts: number } {
  removeConversationRows(sql, erased);
  const { rowsWritten: contacts } = sql.exec(
    "DELETE FROM contacts WHERE last_seen < ? AND NOT EXISTS (SELECT 1 FROM inbox WHERE inbox.visitor_id = contacts.visitor_id)",
    before,
  );
  sql.exec("DELETE FROM outbox WHERE created_at < ?", before);
  sql.exec("DELETE FROM order_events WHERE at < ?", before);
  sql.exec("DELETE FROM appointments WHERE ends_at < ?", before);
  sql.exec("DELETE FROM gravatar_cache WHERE fetched_at < ?", before);
  if (erased.length || contacts) {
    audit.record(sql, RETENTION_ACTOR, "retention.sweep", null, { conversations: erased.length, contacts }, now);
  }
  return { conversations: erased.length, contacts };
}
