/**
 * A conversation in and out of a site archive (worker/site/archive/): its state row, its
 * messages in pages, and its files' ledger, as column → value rows; and the restore of those
 * rows into a fresh object on import. A restored conversation does not report to its Site:
 * the Site lists it itself when the whole import commits, so nothing of an import that fails
 * half-way shows in the inbox.
 */
import { failure, type Failure } from "../lib/errors";
import { migrate } from "../lib/migrate";
import { columnsOf, insertRow, type Row } from "../lib/rows";
import { conversationPrefix, fileKey } from "../files/storage";
import type { InboxEntry } from "../protocol";
import type { ConversationHost } from "./host";
import { CONVERSATION_MIGRATIONS } from "./schema";
import { activityChanged, activityOf } from "./activity";
import { buildSummary } from "./summary";

/** Messages per page of an export: small enough for one RPC answer, large enough to be few. */
export const ARCHIVE_MESSAGES_PER_PAGE = 500;
/**
 * And the characters of their text, meta and files after which a page ends early: the Site
 * asks 25 conversations at once, so 500 long emails each would be 100 MB in its memory.
 */
export const ARCHIVE_CHARS_PER_PAGE = 1_000_000;

export interface ArchivePage {
  /** The state row (without the site key), with the first page only. */
  state?: Row;
  /** The files' ledger, with the first page only. */
  files?: Row[];
  /** What the Site's reports count besides the thread, with the first page only: the bot's row and the calls. */
  botState?: Row | null;
  calls?: Row[];
  messages: Row[];
  more: boolean;
}

/** One page of the conversation for an export: messages after `afterSeq`, oldest first. */
export function archivePage(
  host: ConversationHost,
  siteKey: string,
  afterSeq: number,
  limit = ARCHIVE_MESSAGES_PER_PAGE,
): ArchivePage | Failure {
  const state = host.store.state();
  if (!state) return failure(404, "not_found", "no such conversation");
  if (state.site_key !== siteKey) return failure(403, "forbidden", "this conversation belongs to another site");
  const messages: Row[] = [];
  let more = false;
  let chars = 0;
  // Read row by row: a page ends at `limit` messages or at the characters' bound, whichever
  // comes first, with at least one message (one is at most ~4,000 characters and its meta).
  const rows = host.sql.exec<Row>("SELECT * FROM messages WHERE seq > ? ORDER BY seq LIMIT ?", afterSeq, limit + 1);
  for (const row of rows) {
    if (messages.length === limit || (messages.length && chars >= ARCHIVE_CHARS_PER_PAGE)) {
      more = true;
      break;
    }
    messages.push(row);
    chars += [row.text, row.meta, row.attachments].reduce<number>(
      (n, v) => n + (typeof v === "string" ? v.length : 0),
      0,
    );
  }
  if (afterSeq > 0) return { messages, more };
  // The row as it is in memory; which message it reflects is this object's own bookkeeping.
  host.store.save();
  const {
    site_key: _site,
    id: _one,
    state_seq: _saved,
    ...row
  } = host.sql.exec<Row>("SELECT * FROM conversation WHERE id = 1").one();
  const files = host.sql.exec<Row>("SELECT * FROM files ORDER BY seq, id").toArray();
  const botState = host.sql.exec<Row>("SELECT * FROM bot_state WHERE id = 1").toArray()[0] ?? null;
  // Ended calls only: one ringing or under way now has sockets that mean nothing elsewhere.
  const calls = host.sql
    .exec<Row>("SELECT * FROM calls WHERE state NOT IN ('ringing', 'active') ORDER BY requested_at")
    .toArray();
  return { state: row, files, botState, calls, messages, more };
}

export interface RestoreChunk {
  /** The state row, with the first chunk: storage is emptied first, so a retried step starts over. */
  state?: Row;
  messages: Row[];
  files: Row[];
  /** With the first chunk: the bot's row and the ended calls, which the reports count. */
  botState?: Row | null;
  calls?: Row[];
  /**
   * Where the files' bytes were, when they are in this deployment's bucket, and the files
   * whose bytes to copy from there (those whose archive record's seal the Site checked).
   */
  filesFrom?: { siteKey: string; conversationId: string; fileIds: string[] };
}

/**
 * Writes one chunk of an imported conversation into this (new) object and answers its
 * inbox summary. Only the Site that minted this object's id for the import calls it, so a
 * state row already here is an earlier attempt of the same step, and is replaced.
 */
export async function restore(
  host: ConversationHost,
  ctx: DurableObjectState,
  siteKey: string,
  chunk: RestoreChunk,
): Promise<InboxEntry | Failure> {
  const existing = host.store.state();
  if (existing && existing.site_key !== siteKey)
    return failure(403, "forbidden", "this conversation belongs to another site");
  const { sql } = host;
  if (chunk.state) {
    if (existing) {
      await ctx.storage.deleteAll();
      migrate(sql, CONVERSATION_MIGRATIONS);
    }
    host.store.forget();
    ctx.storage.transactionSync(() =>
      insertRow(sql, "conversation", columnsOf(sql, "conversation"), chunk.state!, { id: 1, site_key: siteKey }),
    );
    host.store.forget();
  } else if (!existing) {
    return failure(409, "not_started", "the conversation's first chunk has not been restored");
  }
  const messageColumns = columnsOf(sql, "messages");
  const fileColumns = columnsOf(sql, "files");
  ctx.storage.transactionSync(() => {
    for (const m of chunk.messages) {
      // A client id twice (only a hand-made archive has that) stays on the first message;
      // the second still goes in, as the id only spots a tab sending the same line again.
      const taken =
        m.client_id !== null &&
        m.client_id !== undefined &&
        sql.exec("SELECT 1 FROM messages WHERE client_id = ?", m.client_id).toArray().length > 0;
      insertRow(sql, "messages", messageColumns, m, taken ? { client_id: null } : {});
    }
    for (const f of chunk.files) insertRow(sql, "files", fileColumns, f, {}, "OR IGNORE");
    if (chunk.botState)
      insertRow(sql, "bot_state", columnsOf(sql, "bot_state"), chunk.botState, { id: 1 }, "OR REPLACE");
    const callColumns = columnsOf(sql, "calls");
    for (const c of chunk.calls ?? []) insertRow(sql, "calls", callColumns, c, {}, "OR IGNORE");
    // The archived state already reflects its messages: nothing to replay.
    sql.exec("UPDATE conversation SET state_seq = (SELECT COALESCE(MAX(seq), 0) FROM messages)");
  });
  host.store.forget();
  if (chunk.filesFrom) await copyFiles(host, siteKey, chunk.filesFrom);
  // The summary carries the bot's, the calls' and the bookings' story, as a live one does, so
  // the Site's reports count imported history the same.
  activityChanged(sql);
  return { ...buildSummary(host.id, host.store), activity: activityOf(sql) };
}

/** Copies the bytes of files from where the exporting site kept them, when they are in this bucket. */
async function copyFiles(
  host: ConversationHost,
  siteKey: string,
  from: { siteKey: string; conversationId: string; fileIds: string[] },
): Promise<void> {
  if (conversationPrefix(from.siteKey, from.conversationId) === conversationPrefix(siteKey, host.id)) return;
  for (const fileId of from.fileIds) {
    const source = await host.env.FILES.get(fileKey({ ...from, fileId }));
    if (!source) continue;
    await host.env.FILES.put(fileKey({ siteKey, conversationId: host.id, fileId }), source.body, {
      httpMetadata: source.httpMetadata,
      customMetadata: source.customMetadata,
    });
  }
}
