/**
 * The inbox: one row per conversation, the summary its Conversation sent last (`inbox`
 * table, newer `rev` wins), the search index over it, and the fan-out of each change to
 * operators' admin sockets, routing and the operator notice.
 */
import type { InboxEntry } from "../../protocol";
import { defer, type SiteHost } from "../host";
import { notifyOperatorsOfNewChat } from "../mail/notices";
import { announcePresence, operatorsOnline, toOperators } from "../presence";
import { afterInboxChange } from "../routing";
import { indexEntry } from "./search";

export { searchInbox } from "./search";

/** Stores a Conversation's summary unless an older one; tells operators, routing and search. */
export function conversationChanged(host: SiteHost, entry: InboxEntry): void {
  const { sql } = host;
  const isNew = sql.exec("SELECT 1 FROM inbox WHERE id = ?", entry.id).toArray().length === 0;
  if (isNew && entry.lastMessage?.author === "visitor" && operatorsOnline(host) === 0) {
    defer(host, "operator notice", notifyOperatorsOfNewChat(host, entry));
  }
  const { rowsWritten } = sql.exec(
    `INSERT INTO inbox (id, visitor_id, status, updated_at, rev, entry) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at,
       rev = excluded.rev, entry = excluded.entry WHERE excluded.rev > inbox.rev`,
    entry.id, entry.visitorId, entry.status, entry.updatedAt, entry.rev, JSON.stringify(entry),
  );
  if (rowsWritten === 0) return;
  toOperators(host, { type: "conversation", conversation: entry });
  indexEntry(sql, entry);
  afterInboxChange(host, entry);
}

/** Inbox entries, newest activity first. */
export function listInbox(sql: SqlStorage, filter: { status?: "open" | "resolved"; limit?: number } = {}): InboxEntry[] {
  const limit = Math.min(filter.limit ?? 100, 500);
  const rows = filter.status
    ? sql.exec<{ entry: string }>("SELECT entry FROM inbox WHERE status = ? ORDER BY updated_at DESC LIMIT ?", filter.status, limit)
    : sql.exec<{ entry: string }>("SELECT entry FROM inbox ORDER BY updated_at DESC LIMIT ?", limit);
  return rows.toArray().map((r) => JSON.parse(r.entry) as InboxEntry);
}

/** True when the conversation is listed in this site's inbox. */
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
