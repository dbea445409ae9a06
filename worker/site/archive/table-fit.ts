/**
 * Whether an archive's row fits the Site table the commit writes it into: each column its
 * table needs is there, a whole number where the table stores one. Read from the tables
 * themselves (`pragma_table_info`), so a column a later migration adds is checked too.
 * Checked at staging, so a dry run finds it and the commit cannot stop half-way on it.
 */
import type { Row } from "../../lib/rows";
import type { RecordKind } from "./format";

/** The Site's table each kind of record is written into at the commit. */
const SITE_TABLE_OF: Partial<Record<RecordKind, string>> = {
  operator: "operators",
  department: "departments",
  canned: "canned",
  kb: "kb_entries",
  appointment: "appointments",
  contact: "contacts",
  lead: "leads",
  order: "order_events",
};

type TableColumn = { name: string; type: string; notnull: number; dflt_value: string | null; pk: number };

/** Columns of a Site table the commit sets itself, whatever the archive's row says. */
const SET_AT_COMMIT = new Set(["manage_hash", "pw_hash", "pw_salt", "pw_iterations"]);

export class TableFit {
  private readonly columns = new Map<string, TableColumn[]>();

  constructor(private readonly sql: SqlStorage) {}

  /** Why a row of `kind` would not go into its table ("email is missing"), or null. */
  faultOf(kind: RecordKind, row: Row): string | null {
    const table = SITE_TABLE_OF[kind];
    if (!table) return null;
    let columns = this.columns.get(table);
    if (!columns) {
      columns = this.sql
        .exec<TableColumn>('SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?)', table)
        .toArray();
      this.columns.set(table, columns);
    }
    for (const c of columns) {
      const value = row[c.name];
      if (value === undefined || value === null) {
        // A key too: the commit keeps or maps the archive's ids, so a row needs its own.
        if ((c.pk || (c.notnull && c.dflt_value === null)) && !SET_AT_COMMIT.has(c.name)) return `${c.name} is missing`;
        continue;
      }
      if (c.type === "INTEGER" && !(typeof value === "number" && Number.isSafeInteger(value)))
        return `${c.name} is not a whole number`;
      if (c.type === "REAL" && typeof value !== "number") return `${c.name} is not a number`;
    }
    return null;
  }
}
