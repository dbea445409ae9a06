/**
 * Idempotent schema migrations for a Durable Object's SQLite storage, run on every wake.
 * A one-row `schema_version` table records how many steps have run; each step runs once.
 * The steps still to run go to SQLite in one call with the new version: a fresh object
 * (every new conversation) pays for one statement batch, not one call per step.
 */
export function migrate(sql: SqlStorage, steps: readonly string[]): void {
  sql.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  const row = sql.exec<{ version: number }>("SELECT version FROM schema_version").toArray()[0];
  const current = row?.version ?? 0;
  if (current >= steps.length) {
    if (!row) sql.exec("INSERT INTO schema_version (version) VALUES (?)", current);
    return;
  }
  const version = steps.length;
  const record = row
    ? `UPDATE schema_version SET version = ${version}`
    : `INSERT INTO schema_version (version) VALUES (${version})`;
  const pending = steps.slice(current).map((step) => step.trim().replace(/;$/, ""));
  // Each on a line of its own: a step that ends in a comment cannot swallow the separator.
  sql.exec([...pending, record].join("\n;\n"));
}
