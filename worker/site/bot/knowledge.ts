/**
 * The knowledge base (`kb_entries`): entries with question variants, answer, tags and
 * language; admin CRUD, JSON and CSV import (all or nothing) and export, and the FAQ index
 * built once per version of the base and kept in memory while the Site is awake.
 */
import { FaqIndex, type FaqMatch } from "../../bot/match";
import { CsvError, kbFromCsv, kbToCsv } from "../../bot/csv";
import { randomHex } from "../../lib/crypto";
import { failure, fieldFailure, type Failure } from "../../lib/errors";
import { kbImport, MAX_KB_ENTRIES, type KbEntry, type KbEntryInput } from "../../protocol/bot";
import { describeIssues, issueFields } from "../../protocol/bodies";
import * as audit from "../audit";

type Row = { id: string; lang: string; questions: string; answer: string; tags: string; updated_at: number };

const indexes = new WeakMap<SqlStorage, FaqIndex>();

/** Every entry, oldest first. */
export function listEntries(sql: SqlStorage): KbEntry[] {
  return sql.exec<Row>("SELECT * FROM kb_entries ORDER BY updated_at, id").toArray().map(toEntry);
}

/** Creates (`id` null) or replaces an entry. */
export function saveEntry(
  sql: SqlStorage,
  actor: audit.Actor,
  id: string | null,
  input: KbEntryInput,
): KbEntry | Failure {
  if (id && !sql.exec("SELECT 1 FROM kb_entries WHERE id = ?", id).toArray().length)
    return failure(404, "not_found", "no such entry");
  if (!id && count(sql) >= MAX_KB_ENTRIES)
    return failure(409, "too_many_entries", `a knowledge base holds at most ${MAX_KB_ENTRIES} entries`);
  const entry = write(sql, id ?? newId(), input);
  audit.record(sql, actor, id ? "kb.update" : "kb.create", entry.id);
  return entry;
}

/** Deletes an entry. */
export function deleteEntry(sql: SqlStorage, actor: audit.Actor, id: string): { ok: true } | Failure {
  const { rowsWritten } = sql.exec("DELETE FROM kb_entries WHERE id = ?", id);
  if (!rowsWritten) return failure(404, "not_found", "no such entry");
  indexes.delete(sql);
  audit.record(sql, actor, "kb.delete", id);
  return { ok: true };
}

/**
 * Replaces the whole base with an import, in one transaction: JSON `{entries}` or CSV
 * text. A fault anywhere refuses all of it, naming the entry (JSON) or the row and column (CSV).
 */
export function importEntries(
  storage: DurableObjectStorage,
  actor: audit.Actor,
  format: "json" | "csv",
  body: unknown,
): { imported: number } | Failure {
  let entries: (KbEntryInput & { id?: string })[];
  if (format === "csv") {
    try {
      entries = kbFromCsv(String(body));
    } catch (err) {
      if (!(err instanceof CsvError)) throw err;
      return failure(400, "invalid_csv", err.message, {
        fields: { [`row ${err.row}`]: `column ${err.column}: ${err.message}` },
      });
    }
  } else {
    const parsed = kbImport.safeParse(body);
    if (!parsed.success)
      return failure(400, "invalid_import", describeIssues(parsed.error), { fields: issueFields(parsed.error) });
    entries = parsed.data.entries;
  }
  if (entries.length > MAX_KB_ENTRIES)
    return failure(400, "too_many_entries", `a knowledge base holds at most ${MAX_KB_ENTRIES} entries`);
  const ids = new Set<string>();
  for (const [i, e] of entries.entries()) {
    if (e.id && ids.has(e.id))
      return fieldFailure(400, "duplicate_id", `entries.${i}.id`, `entry ${i + 1}: id "${e.id}" appears twice`);
    if (e.id) ids.add(e.id);
  }
  const sql = storage.sql;
  storage.transactionSync(() => {
    sql.exec("DELETE FROM kb_entries");
    for (const e of entries) write(sql, e.id || newId(), e);
  });
  // Also when nothing was written (an empty import clears the base): the old entries' index goes.
  indexes.delete(sql);
  audit.record(sql, actor, "kb.import", format, { entries: entries.length });
  return { imported: entries.length };
}

/** The base as JSON `{entries}` or CSV text. */
export function exportEntries(sql: SqlStorage, format: "json" | "csv"): string {
  const entries = listEntries(sql);
  return format === "csv" ? kbToCsv(entries) : JSON.stringify({ entries }, null, 2);
}

/** The top matches with their scores (the admin's try-it box, and the bot). */
export function search(sql: SqlStorage, question: string, limit = 5): FaqMatch[] {
  return indexOf(sql).search(question, limit);
}

function indexOf(sql: SqlStorage): FaqIndex {
  let index = indexes.get(sql);
  if (!index) indexes.set(sql, (index = new FaqIndex(listEntries(sql))));
  return index;
}

function write(sql: SqlStorage, id: string, input: KbEntryInput): KbEntry {
  const entry: KbEntry = {
    id,
    lang: input.lang,
    questions: input.questions,
    answer: input.answer,
    tags: input.tags,
    updatedAt: Date.now(),
  };
  sql.exec(
    `INSERT INTO kb_entries (id, lang, questions, answer, tags, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET lang = excluded.lang, questions = excluded.questions, answer = excluded.answer,
       tags = excluded.tags, updated_at = excluded.updated_at`,
    id,
    entry.lang,
    JSON.stringify(entry.questions),
    entry.answer,
    JSON.stringify(entry.tags),
    entry.updatedAt,
  );
  indexes.delete(sql);
  return entry;
}

/** The entries were written behind this module's back (an import): the FAQ index is built again. */
export function knowledgeChanged(sql: SqlStorage): void {
  indexes.delete(sql);
}

function toEntry(r: Row): KbEntry {
  return {
    id: r.id,
    lang: r.lang as KbEntry["lang"],
    questions: JSON.parse(r.questions),
    answer: r.answer,
    tags: JSON.parse(r.tags),
    updatedAt: r.updated_at,
  };
}

function count(sql: SqlStorage): number {
  return sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM kb_entries").one().n;
}

function newId(): string {
  return `kb_${randomHex(6)}`;
}
