/**
 * The Site's side of an export: the archive in pages, each one RPC answer. The Worker pulls
 * page after page into the download (./stream.ts), so neither holds the whole site: one
 * page is the site's own records, then contacts, leads, orders, visitor counts and
 * conversations a bounded number at a time. Conversations are asked for here, not by the Worker, so that a Worker request
 * makes one subrequest per page, not one per conversation (a Worker request has a limit of
 * them; each call into this object starts a new count of its own).
 */
import { conversationStub } from "../../lib/jurisdiction";
import type { SiteHost } from "../host";
import { rollUp } from "../reports";
import { toBase64Url } from "../../lib/crypto";
import { readSetting, siteSettingsOf } from "../settings";
import { ARCHIVED_SETTINGS, settingOut } from "./settings";
import { ARCHIVE_FORMAT, ARCHIVE_VERSION, FILES_NOTE, fileSeal, line, type ArchiveRecord, type Row } from "./format";

/** Rows of contacts, leads, orders and visitor days per page. */
const ROWS_PER_PAGE = 500;
/** Conversations per page, and the messages (or characters) after which a page ends early. */
const CONVERSATIONS_PER_PAGE = 25;
const MESSAGES_PER_PAGE = 2_000;
const CHARS_PER_PAGE = 8_000_000;

/** The sections of table rows, in the archive's order: their table, key and record. */
const ROW_SECTIONS = {
  contacts: { table: "contacts", key: "visitor_id", next: "unsubscribed" },
  // Who asked for no more emails: a move must not start emailing them again.
  unsubscribed: { table: "unsubscribed", key: "email", next: "leads" },
  leads: { table: "leads", key: "id", next: "orders" },
  orders: { table: "order_events", key: "order_id", next: "visitorDays" },
  visitorDays: { table: "visitor_days", key: "day", next: "conversations" },
} as const;
type RowSection = keyof typeof ROW_SECTIONS;

/** Where the next page starts: a section and the last key written in it. */
export type ExportCursor =
  | { section: RowSection; after: string }
  | { section: "conversations"; after: string; afterSeq?: number };

export interface ExportPage {
  text: string;
  next: ExportCursor | null;
}

/** One page of the archive; `cursor` null for the first (the header and the site's own records). */
export async function exportPage(host: SiteHost, cursor: ExportCursor | null): Promise<ExportPage> {
  if (!cursor) return { text: await headPage(host), next: { section: "contacts", after: "" } };
  if (cursor.section === "conversations") return conversationsPage(host, cursor);
  const { table, key, next } = ROW_SECTIONS[cursor.section];
  const rows = host.sql
    .exec<Record<string, SqlStorageValue>>(
      `SELECT * FROM ${table} WHERE ${key} > ? ORDER BY ${key} LIMIT ?`,
      cursor.after,
      ROWS_PER_PAGE,
    )
    .toArray();
  const text = rows.map((row) => line(recordOf(cursor.section, row))).join("");
  if (rows.length === ROWS_PER_PAGE)
    return { text, next: { section: cursor.section, after: String(rows.at(-1)![key]) } };
  return { text, next: { section: next, after: "" } };
}

/** A row of a section as its archive record; a visitor day's sketch travels as base64. */
function recordOf(section: RowSection, row: Record<string, SqlStorageValue>): ArchiveRecord {
  switch (section) {
    case "contacts":
      return { kind: "contact", row: row as Row };
    case "unsubscribed":
      return { kind: "unsubscribed", row: row as Row };
    case "leads":
      return { kind: "lead", row: row as Row };
    case "orders":
      return { kind: "order", row: row as Row };
    case "visitorDays":
      return { kind: "visitorDay", day: String(row.day), sketch: toBase64Url(row.sketch as ArrayBuffer) };
  }
}

async function headPage(host: SiteHost): Promise<string> {
  const { sql } = host;
  await rollUp(host); // the day figures as they stand, not as the last timer left them
  const out = [
    line({
      kind: "header",
      format: ARCHIVE_FORMAT,
      version: ARCHIVE_VERSION,
      site: { key: host.siteKey() ?? "", name: siteSettingsOf(sql)?.name ?? null },
      exportedAt: Date.now(),
      files: FILES_NOTE,
    }),
  ];
  const add = (record: ArchiveRecord) => out.push(line(record));
  for (const key of ARCHIVED_SETTINGS) {
    const value = readSetting(sql, key);
    if (value !== null) add({ kind: "setting", key, value: settingOut(key, value) });
  }
  // Never a password's hash or salt, sessions or Telegram links: an operator is who they are and what they may do.
  for (const row of sql
    .exec<Row>("SELECT id, email, name, role, capacity, created_at FROM operators ORDER BY created_at, id")
    .toArray())
    add({ kind: "operator", row });
  const members = sql.exec<{ department_id: string; operator_id: string }>(
    "SELECT * FROM department_members ORDER BY operator_id",
  );
  const byDepartment = new Map<string, string[]>();
  for (const m of members)
    byDepartment.set(m.department_id, [...(byDepartment.get(m.department_id) ?? []), m.operator_id]);
  for (const row of sql.exec<Row>("SELECT * FROM departments ORDER BY created_at, id").toArray())
    add({ kind: "department", row, operatorIds: byDepartment.get(String(row.id)) ?? [] });
  for (const row of sql.exec<Row>("SELECT * FROM canned ORDER BY shortcut").toArray()) add({ kind: "canned", row });
  for (const row of sql.exec<Row>("SELECT * FROM kb_entries ORDER BY updated_at, id").toArray())
    add({ kind: "kb", row });
  // The manage token's hash stays: it is a credential of the visitor's email link, not data.
  for (const { manage_hash: _hash, ...row } of sql
    .exec<Row>("SELECT * FROM appointments ORDER BY starts_at, id")
    .toArray())
    add({ kind: "appointment", row });
  for (const row of sql.exec<Row>("SELECT * FROM report_days ORDER BY day").toArray()) add({ kind: "reportDay", row });
  return out.join("");
}

/** Conversations in id order, each with its messages and files' ledger; a long one spans pages. */
async function conversationsPage(host: SiteHost, cursor: { after: string; afterSeq?: number }): Promise<ExportPage> {
  const siteKey = host.siteKey() ?? "";
  // A conversation cut off by the last page comes first, continuing after its last message.
  const ids = cursor.afterSeq
    ? [cursor.after]
    : host.sql
        .exec<{ id: string }>(
          "SELECT id FROM inbox WHERE id > ? ORDER BY id LIMIT ?",
          cursor.after,
          CONVERSATIONS_PER_PAGE,
        )
        .toArray()
        .map((r) => r.id);
  if (!ids.length) return { text: "", next: null };
  const pages = await Promise.all(
    ids.map((id, i) => conversationStub(host.env, id)?.archivePage(siteKey, i === 0 ? (cursor.afterSeq ?? 0) : 0)),
  );
  const out: string[] = [];
  let messages = 0;
  let chars = 0;
  for (const [i, id] of ids.entries()) {
    const page = pages[i];
    if (!page || "error" in page) continue; // erased while the export ran: it is simply not in it
    if (page.state) {
      out.push(
        line({
          kind: "conversation",
          id,
          row: page.state,
          ...(page.botState ? { botState: page.botState } : {}),
          ...(page.calls?.length ? { calls: page.calls } : {}),
        }),
      );
      for (const row of page.files ?? [])
        out.push(
          line({
            kind: "file",
            conversation: id,
            row,
            path: `/api/v1/admin/conversations/${id}/files/${row.id}`,
            seal: await fileSeal(host.env.TOKEN_SECRET, siteKey, id, String(row.id)),
          }),
        );
    }
    for (const row of page.messages) {
      const record = line({ kind: "message", conversation: id, row });
      out.push(record);
      chars += record.length;
    }
    messages += page.messages.length;
    if (page.more)
      return {
        text: out.join(""),
        next: { section: "conversations", after: id, afterSeq: Number(page.messages.at(-1)!.seq) },
      };
    if (messages >= MESSAGES_PER_PAGE || chars >= CHARS_PER_PAGE)
      return { text: out.join(""), next: { section: "conversations", after: id } };
  }
  return { text: out.join(""), next: { section: "conversations", after: ids.at(-1)! } };
}
