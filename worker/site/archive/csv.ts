/**
 * Conversations and contacts as CSV for a spreadsheet, in pages like the archive (the
 * Worker streams them). Lines are made by the one CSV writer of the bot's imports and
 * exports (worker/bot/csv.ts: quoting, and no cell a spreadsheet would run as a formula);
 * leads have their CSV already (GET /bot/leads.csv).
 */
import { csvLine } from "../../bot/csv";
import type { InboxEntry } from "../../protocol";
import type { SiteHost } from "../host";

export const CSV_TABLES = ["conversations", "contacts"] as const;
export type CsvTable = (typeof CSV_TABLES)[number];

const ROWS_PER_PAGE = 1_000;
const iso = (t: number | null | undefined) => (t ? new Date(t).toISOString() : "");

const CONVERSATION_COLUMNS = [
  "id",
  "visitor_id",
  "status",
  "channel",
  "created_at",
  "first_visitor_at",
  "first_operator_at",
  "resolved_at",
  "updated_at",
  "assignee",
  "department",
  "visitor_name",
  "email",
  "messages",
  "rating",
];
const CONTACT_COLUMNS = [
  "visitor_id",
  "user_id",
  "email",
  "name",
  "phone",
  "verified",
  "locale",
  "timezone",
  "country",
  "city",
  "first_seen",
  "last_seen",
];

/** One page of a CSV table: the header comes with the first (`after` null). */
export function csvPage(host: SiteHost, table: CsvTable, after: string | null): { text: string; next: string | null } {
  const { sql } = host;
  const lines: string[] = [];
  let last: string | null = null;
  if (table === "conversations") {
    if (after === null) lines.push(csvLine(CONVERSATION_COLUMNS));
    const names = new Map(
      sql
        .exec<{ id: string; name: string }>("SELECT id, name FROM operators")
        .toArray()
        .map((o) => [o.id, o.name]),
    );
    const departments = new Map(
      sql
        .exec<{ id: string; name: string }>("SELECT id, name FROM departments")
        .toArray()
        .map((d) => [d.id, d.name]),
    );
    const rows = sql
      .exec<{ id: string; entry: string }>(
        "SELECT id, entry FROM inbox WHERE id > ? ORDER BY id LIMIT ?",
        after ?? "",
        ROWS_PER_PAGE,
      )
      .toArray();
    for (const row of rows) {
      const e = JSON.parse(row.entry) as InboxEntry;
      lines.push(
        csvLine([
          e.id,
          e.visitorId,
          e.status,
          e.channel,
          iso(e.createdAt),
          iso(e.firstVisitorAt),
          iso(e.firstOperatorAt),
          iso(e.resolvedAt),
          iso(e.updatedAt),
          e.assignee ? (names.get(e.assignee) ?? e.assignee) : "",
          e.department ? (departments.get(e.department) ?? e.department) : "",
          e.visitorName,
          e.email,
          e.lastSeq,
          e.rating ?? "",
        ]),
      );
    }
    last = rows.length === ROWS_PER_PAGE ? rows.at(-1)!.id : null;
  } else {
    if (after === null) lines.push(csvLine(CONTACT_COLUMNS));
    const rows = sql
      .exec<Record<string, string | number | null>>(
        "SELECT * FROM contacts WHERE visitor_id > ? ORDER BY visitor_id LIMIT ?",
        after ?? "",
        ROWS_PER_PAGE,
      )
      .toArray();
    for (const c of rows)
      lines.push(
        csvLine(
          CONTACT_COLUMNS.map((col) =>
            col === "first_seen" || col === "last_seen"
              ? iso(c[col] as number)
              : col === "verified"
                ? c[col]
                  ? "yes"
                  : "no"
                : c[col],
          ),
        ),
      );
    last = rows.length === ROWS_PER_PAGE ? String(rows.at(-1)!.visitor_id) : null;
  }
  return { text: lines.length ? `${lines.join("\r\n")}\r\n` : "", next: last };
}
