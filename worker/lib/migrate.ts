/**
 * Idempotent schema migrations for a Durable Object's SQLite storage, run on every wake.
 * A one-row `schema_version` table records how many steps have run; each step runs once.
 */
export function migrate(sql: SqlStorage, steps: readonly string[]): void {
  sql.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  const row = sql.exec<{ version: number }>("SELECT version FROM schema_version").toArray()[0];
  const current = row?.version ?? 0;
  if (!row) sql.exec("INSERT INTO schema_version (version) VALUES (0)");
  for (let i = current; i < steps.length; i++) {
    sql.exec(steps[i]!);
    sql.exec("UPDATE schema_version SET version = ?", i + 1);
  }
}
