/**
 * Inbox search by message text, visitor name or email. The Site indexes the last message
 * of each summary it receives (so messages sent in one quick burst may be indexed only
 * partly) and the visitor's name and email (row seq 0); a message an operator deletes is
 * taken out. Text is lowercased in JS so that
 * Cyrillic matches regardless of case, which SQLite's LIKE does not do.
 */
import type { InboxEntry } from "../../protocol";

/** Indexes what a summary brings: its last message and the visitor's name and email. */
export function indexEntry(sql: SqlStorage, entry: InboxEntry): void {
  if (entry.lastMessage) {
    sql.exec(
      "INSERT OR IGNORE INTO search_text (conversation_id, seq, text) VALUES (?, ?, ?)",
      entry.id,
      entry.lastMessage.seq,
      entry.lastMessage.text.toLowerCase(),
    );
  }
  const who = [entry.visitorName, entry.email].filter(Boolean).join(" ").toLowerCase();
  if (who) sql.exec("INSERT OR REPLACE INTO search_text (conversation_id, seq, text) VALUES (?, 0, ?)", entry.id, who);
}

/** Conversations whose text, visitor name or email contains `query`, newest first. */
export function searchInbox(sql: SqlStorage, query: string, limit = 50): InboxEntry[] {
  const needle = query.trim().toLowerCase();
  if (!needle) return [];
  // instr(), not LIKE: the runtime refuses LIKE patterns over 50 bytes, and nothing needs escaping.
  return sql
    .exec<{ entry: string }>(
      `SELECT entry FROM inbox WHERE id IN (SELECT conversation_id FROM search_text WHERE instr(text, ?) > 0)
       ORDER BY updated_at DESC LIMIT ?`,
      needle,
      limit,
    )
    .toArray()
    .map((r) => JSON.parse(r.entry) as InboxEntry);
}

/** An operator deleted a message: its text is no longer found (a card number sent by mistake). */
export function forgetMessageText(sql: SqlStorage, conversationId: string, seq: number): void {
  sql.exec("DELETE FROM search_text WHERE conversation_id = ? AND seq = ?", conversationId, seq);
}
