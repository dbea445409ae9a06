/**
 * The inbox: one row per conversation, the summary its Conversation sent last (`inbox`
 * table, newer `rev` wins), the search index over it, and the fan-out of each change to
 * operators' admin sockets, routing and the operator notice — in batches (InboxFeed).
 */
import type { InboxEntry } from "../../protocol";
import { defer, type SiteHost } from "../host";
import { notifyOperatorsOfNewChat } from "../mail/notices";
import { announcePresence, operatorsOnline, toOperators } from "../presence";
import { inboxChanged as notifyAway } from "../notify";
import { recordSummaries } from "../reports";
import { afterInboxChange, readRouting } from "../routing";
import { indexEntry } from "./search";

export { searchInbox } from "./search";

/** How long summaries gather before they are stored and fanned out together. */
export const INBOX_BATCH_MS = 10;
/** Summaries a second the Site asks its conversations to stay under, together. */
export const SUMMARY_BUDGET_PER_S = 50;
/**
 * The shortest gap it asks for: a quarter second is news soon enough for a person reading
 * the inbox, and folds a visitor's burst of messages into one summary.
 */
export const MIN_SUMMARY_GAP_MS = 250;
/**
 * The longest gap a busy site asks of a conversation between two of its summaries: from 500
 * active conversations on, the budget gives way to this. An operator in a conversation sees
 * its messages at once on the conversation's own socket; the list's previews may trail by it.
 */
export const MAX_SUMMARY_GAP_MS = 10_000;
const ACTIVE_MS = 5_000;

/**
 * The Site's intake of summaries. Every conversation of a site reports here, so under load
 * a summary apiece would keep the one Site object busy with a write and a fan-out per
 * message. Summaries that arrive within INBOX_BATCH_MS are stored in one transaction (the
 * newest `rev` of each conversation wins) and then sent to operators, the search index and
 * routing; each caller's promise settles once its summary is stored, with the gap the
 * conversation should leave before its next one: the more conversations are active, the
 * longer the gap, so that together they stay within SUMMARY_BUDGET_PER_S.
 */
export class InboxFeed {
  private readonly queued = new Map<string, InboxEntry>();
  private batch: Promise<void> | null = null;
  /** When each recently active conversation last reported. */
  private readonly active = new Map<string, number>();
  /** When `active` was last rid of the quiet ones (a scan of all of them: not per summary). */
  private prunedAt = 0;

  constructor(private readonly host: SiteHost) {}

  /** Takes a Conversation's summary; resolves once stored with the gap to leave before the next. */
  async received(entry: InboxEntry): Promise<{ nextInMs: number }> {
    const known = this.queued.get(entry.id);
    if (!known || entry.rev > known.rev) this.queued.set(entry.id, entry);
    this.active.set(entry.id, Date.now());
    this.batch ??= new Promise<void>((resolve) => setTimeout(resolve, INBOX_BATCH_MS)).then(() => {
      this.batch = null;
      this.store();
    });
    await this.batch;
    return { nextInMs: this.gap() };
  }

  /** The gap between summaries that keeps the active conversations within the budget. */
  private gap(now = Date.now()): number {
    if (now - this.prunedAt >= 1000) {
      this.prunedAt = now;
      for (const [id, at] of this.active) if (now - at > ACTIVE_MS) this.active.delete(id);
    }
    const spread = Math.round((this.active.size / SUMMARY_BUDGET_PER_S) * 1000);
    return Math.min(MAX_SUMMARY_GAP_MS, Math.max(MIN_SUMMARY_GAP_MS, spread));
  }

  private store(): void {
    const entries = [...this.queued.values()];
    this.queued.clear();
    const { sql } = this.host;
    const stored = this.host.ctx.storage.transactionSync(() =>
      entries.flatMap((entry) => {
        const isNew = !isListed(sql, entry.id);
        return storeEntry(sql, entry) ? [{ entry, isNew }] : [];
      }),
    );
    recordSummaries(
      this.host,
      stored.map((s) => s.entry),
    );
    const nobodyOnline = operatorsOnline(this.host) === 0;
    const routing = readRouting(sql);
    for (const { entry, isNew } of stored) {
      toOperators(this.host, { type: "conversation", conversation: listed(entry) });
      afterInboxChange(this.host, entry, routing);
      if (isNew && nobodyOnline && entry.lastMessage?.author === "visitor") {
        defer(this.host, "operator notice", notifyOperatorsOfNewChat(this.host, entry));
      }
    }
    notifyAway(
      this.host,
      stored.map((s) => s.entry),
    );
  }
}

/** The entry as the inbox keeps and shows it: the activity is for reports only. */
function listed(entry: InboxEntry): InboxEntry {
  const { activity: _reportsOnly, ...rest } = entry;
  return rest;
}

/** Inbox entries, newest activity first. */
export function listInbox(
  sql: SqlStorage,
  filter: { status?: "open" | "resolved"; limit?: number } = {},
): InboxEntry[] {
  const limit = Math.min(filter.limit ?? 100, 500);
  const rows = filter.status
    ? sql.exec<{ entry: string }>(
        "SELECT entry FROM inbox WHERE status = ? ORDER BY updated_at DESC LIMIT ?",
        filter.status,
        limit,
      )
    : sql.exec<{ entry: string }>("SELECT entry FROM inbox ORDER BY updated_at DESC LIMIT ?", limit);
  return rows.toArray().map((r) => JSON.parse(r.entry) as InboxEntry);
}

/** True when the conversation is listed in this site's inbox. */
/**
 * Lists a summary, or updates the listed one when it is newer (a summary that arrives late
 * never overwrites a newer one), and indexes its text for search. False when it was older.
 */
export function storeEntry(sql: SqlStorage, entry: InboxEntry): boolean {
  const { rowsWritten } = sql.exec(
    `INSERT INTO inbox (id, visitor_id, status, updated_at, rev, entry) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at,
       rev = excluded.rev, entry = excluded.entry WHERE excluded.rev > inbox.rev`,
    entry.id,
    entry.visitorId,
    entry.status,
    entry.updatedAt,
    entry.rev,
    JSON.stringify(listed(entry)),
  );
  if (rowsWritten === 0) return false;
  indexEntry(sql, entry);
  return true;
}

export function isListed(sql: SqlStorage, id: string): boolean {
  return sql.exec("SELECT 1 FROM inbox WHERE id = ?", id).toArray().length > 0;
}

/** Conversations a visitor had on this site. */
export function conversationsOf(sql: SqlStorage, visitorId: string): number {
  return sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM inbox WHERE visitor_id = ?", visitorId).one().n;
}

/** The first frames of a new admin socket: the inbox, and presence for everyone. */
export function greetOperator(host: SiteHost, ws: WebSocket): void {
  ws.send(JSON.stringify({ type: "inbox", conversations: listInbox(host.sql, { limit: 200 }) }));
  announcePresence(host);
}
