/**
 * The deployment's directory of operators: which sites an email signs in to, so the admin's
 * login needs no site key. Each Site sends its whole list of operator emails whenever its
 * team changes (worker/site/team/directory.ts); the directory keeps only that. It answers
 * nobody but the login route, which never tells a stranger what it holds.
 *
 * The keyless login also counts failures here, per email and client and per client, with
 * the rules of a site's own login (worker/site/team/auth.ts): an unknown email is slowed
 * down exactly like a known one, so the answers tell nothing.
 */
import { lockoutSeconds, recordFailure, FREE_FAILURES_PER_CLIENT } from "../site/team/auth";

export const DIRECTORY_MIGRATION = `CREATE TABLE operator_sites (
     email TEXT NOT NULL COLLATE NOCASE,
     site_key TEXT NOT NULL,
     PRIMARY KEY (site_key, email)
   );
   CREATE INDEX operator_sites_email ON operator_sites (email);
   CREATE TABLE login_failures (key TEXT PRIMARY KEY, count INTEGER NOT NULL, last_at INTEGER NOT NULL);`;
/**
 * The newest list each site sent. Calls made through different stubs may arrive in any
 * order, and each Site makes a stub per call: a list older than the one held is ignored.
 */
export const DIRECTORY_VERSIONS_MIGRATION = `CREATE TABLE operator_site_versions (
     site_key TEXT PRIMARY KEY,
     version INTEGER NOT NULL
   );`;

/**
 * Replaces the emails of a site's team (an empty list: the site is gone), unless a newer list
 * of it came first; answers whether it did.
 */
export function setSiteOperators(sql: SqlStorage, siteKey: string, emails: string[], version: number): boolean {
  const held = sql
    .exec<{ version: number }>("SELECT version FROM operator_site_versions WHERE site_key = ?", siteKey)
    .toArray()[0]?.version;
  if (held !== undefined && held >= version) return false;
  sql.exec(
    "INSERT INTO operator_site_versions (site_key, version) VALUES (?, ?) ON CONFLICT (site_key) DO UPDATE SET version = excluded.version",
    siteKey,
    version,
  );
  sql.exec("DELETE FROM operator_sites WHERE site_key = ?", siteKey);
  for (const email of new Set(emails.map((e) => e.toLowerCase())))
    sql.exec("INSERT OR IGNORE INTO operator_sites (email, site_key) VALUES (?, ?)", email, siteKey);
  return true;
}

/** The site keys an email signs in to, in a stable order. */
export function sitesOf(sql: SqlStorage, email: string): string[] {
  return sql
    .exec<{ site_key: string }>("SELECT site_key FROM operator_sites WHERE email = ? ORDER BY site_key", email)
    .toArray()
    .map((r) => r.site_key);
}

function keysOf(email: string, clientKey: string) {
  return { pair: `email:${email.toLowerCase()}|${clientKey}`, client: `client:${clientKey}` };
}

/**
 * A keyless login begins: the seconds this client must wait before trying `email` again, or
 * 0, and then the attempt is counted as failed already. The passwords are checked at the
 * sites, by calls during which other attempts come in: counted only once they failed,
 * attempts sent at once would all pass the limit before the first was counted.
 */
export function loginAttempt(sql: SqlStorage, email: string, clientKey: string, now = Date.now()): number {
  const k = keysOf(email, clientKey);
  const wait = Math.max(lockoutSeconds(sql, k.pair, now), lockoutSeconds(sql, k.client, now, FREE_FAILURES_PER_CLIENT));
  if (wait > 0) return wait;
  recordFailure(sql, k.pair, now);
  recordFailure(sql, k.client, now);
  return 0;
}

/** The attempt was right after all: the email's count for this client is cleared, the client's own taken back. */
export function loginSucceeded(sql: SqlStorage, email: string, clientKey: string): void {
  const k = keysOf(email, clientKey);
  sql.exec("DELETE FROM login_failures WHERE key = ?", k.pair);
  sql.exec("UPDATE login_failures SET count = MAX(count - 1, 0) WHERE key = ?", k.client);
}
