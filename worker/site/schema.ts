/** Storage of a Site object. Append steps; never edit one that has shipped. */
export const SITE_MIGRATIONS = [
  `CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE operators (
     id TEXT PRIMARY KEY,
     email TEXT NOT NULL UNIQUE COLLATE NOCASE,
     name TEXT NOT NULL,
     role TEXT NOT NULL,
     pw_hash TEXT NOT NULL,
     pw_salt TEXT NOT NULL,
     pw_iterations INTEGER NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE sessions (
     token_hash TEXT PRIMARY KEY,
     operator_id TEXT NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     last_seen INTEGER NOT NULL,
     user_agent TEXT,
     ip TEXT
   );
   CREATE TABLE login_failures (key TEXT PRIMARY KEY, count INTEGER NOT NULL, last_at INTEGER NOT NULL);
   CREATE TABLE contacts (
     visitor_id TEXT PRIMARY KEY,
     user_id TEXT UNIQUE,
     email TEXT,
     name TEXT,
     verified INTEGER NOT NULL DEFAULT 0,
     locale TEXT,
     timezone TEXT,
     trail TEXT,
     first_seen INTEGER NOT NULL,
     last_seen INTEGER NOT NULL
   );
   CREATE INDEX contacts_email ON contacts (email);
   CREATE TABLE inbox (
     id TEXT PRIMARY KEY,
     visitor_id TEXT NOT NULL,
     status TEXT NOT NULL,
     updated_at INTEGER NOT NULL,
     rev INTEGER NOT NULL,
     entry TEXT NOT NULL
   );
   CREATE INDEX inbox_visitor ON inbox (visitor_id, status);
   CREATE INDEX inbox_updated ON inbox (status, updated_at DESC);
   CREATE TABLE timers (
     kind TEXT NOT NULL,
     key TEXT NOT NULL DEFAULT '',
     due INTEGER NOT NULL,
     payload TEXT,
     attempts INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (kind, key)
   );`,
] as const;
