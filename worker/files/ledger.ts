/**
 * The `files` table of a Conversation object: which files the conversation holds, with the
 * message each came with. It answers the per-conversation limit, the admin's gallery, and
 * which R2 objects go when a message is deleted. Only this module reads or writes it.
 */
import type { Attachment, AuthorKind, ConversationFile, FileType } from "../protocol";

type FileRow = {
  id: string;
  seq: number;
  name: string;
  type: FileType;
  size: number;
  width: number | null;
  height: number | null;
  at: number;
  author_kind: AuthorKind;
};

/** Why a file is refused when the conversation's files would pass its limit. */
export const OVER_CONVERSATION_LIMIT = "the conversation's files are over its limit";

/** Bytes the conversation's files take. */
export function usedBytes(sql: SqlStorage): number {
  return sql.exec<{ n: number | null }>("SELECT SUM(size) AS n FROM files").one().n ?? 0;
}

/** Records the files of a stored message. */
export function recordFiles(sql: SqlStorage, seq: number, author: AuthorKind, at: number, files: Attachment[]): void {
  for (const f of files) {
    sql.exec(
      "INSERT OR IGNORE INTO files (id, seq, name, type, size, width, height, at, author_kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      f.id,
      seq,
      f.name,
      f.type,
      f.size,
      f.width ?? null,
      f.height ?? null,
      at,
      author,
    );
  }
}

/** Every file of the conversation, newest first. */
export function listFiles(sql: SqlStorage): ConversationFile[] {
  return sql
    .exec<FileRow>("SELECT * FROM files ORDER BY seq DESC, id")
    .toArray()
    .map((r) => ({
      id: r.id,
      name: r.name,
      type: r.type,
      size: r.size,
      ...(r.width ? { width: r.width } : {}),
      ...(r.height ? { height: r.height } : {}),
      seq: r.seq,
      at: r.at,
      author: r.author_kind,
    }));
}

/** True when the conversation holds the file. */
export function hasFile(sql: SqlStorage, id: string): boolean {
  return sql.exec("SELECT 1 FROM files WHERE id = ?", id).toArray().length > 0;
}

/**
 * Gives the files of message `from` to message `to` (an accepted email's copy): they are
 * the copy's now, deleted with it, and no longer with the held original.
 */
export function moveFiles(sql: SqlStorage, from: number, to: number, author: AuthorKind): void {
  sql.exec("UPDATE files SET seq = ?, author_kind = ? WHERE seq = ?", to, author, from);
}

/** Forgets the files of message `seq`; returns their ids (for R2). */
export function forgetFilesOf(sql: SqlStorage, seq: number): string[] {
  const ids = sql
    .exec<{ id: string }>("SELECT id FROM files WHERE seq = ?", seq)
    .toArray()
    .map((r) => r.id);
  sql.exec("DELETE FROM files WHERE seq = ?", seq);
  return ids;
}
