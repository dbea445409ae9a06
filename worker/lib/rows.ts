/**
 * Table rows as column → value objects, for copying rows between objects and versions (the
 * site archive): a row written here takes only the columns the table has, so a row from a
 * newer version with a column more still fits, and one from an older version takes the
 * columns' defaults for what it lacks.
 */
export type Row = Record<string, string | number | null>;

/** The column names of `table` in this object's SQLite. */
export function columnsOf(sql: SqlStorage, table: string): Set<string> {
  return new Set(
    sql
      .exec<{ name: string }>("SELECT name FROM pragma_table_info(?)", table)
      .toArray()
      .map((c) => c.name),
  );
}

/** Inserts `row` (with `extra` over it) into `table`, only the columns in `columns`; `or` e.g. "OR IGNORE". */
export function insertRow(
  sql: SqlStorage,
  table: string,
  columns: Set<string>,
  row: Row,
  extra: Row = {},
  or = "",
): number {
  const entries = Object.entries({ ...row, ...extra }).filter(([c]) => columns.has(c));
  return sql.exec(
    `INSERT ${or} INTO ${table} (${entries.map(([c]) => c).join(", ")}) VALUES (${entries.map(() => "?").join(", ")})`,
    ...entries.map(([, v]) => v),
  ).rowsWritten;
}
