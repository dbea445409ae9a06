import { TIMERS_TABLE } from "../lib/timers";

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
   ${TIMERS_TABLE}`,
  // Admin app: team, invites, password resets, departments and routing, canned
  // responses, the audit log, the inbox search index, and the visitor card's client data.
  `ALTER TABLE operators ADD COLUMN capacity INTEGER NOT NULL DEFAULT 5;
   ALTER TABLE contacts ADD COLUMN phone TEXT;
   ALTER TABLE contacts ADD COLUMN country TEXT;
   ALTER TABLE contacts ADD COLUMN city TEXT;
   ALTER TABLE contacts ADD COLUMN user_agent TEXT;
   CREATE TABLE invites (
     id TEXT PRIMARY KEY,
     token_hash TEXT NOT NULL UNIQUE,
     email TEXT NOT NULL UNIQUE COLLATE NOCASE,
     name TEXT,
     role TEXT NOT NULL,
     invited_by TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   );
   CREATE TABLE password_resets (
     token_hash TEXT PRIMARY KEY,
     operator_id TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   );
   CREATE INDEX password_resets_operator ON password_resets (operator_id, created_at);
   CREATE TABLE departments (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE, created_at INTEGER NOT NULL);
   CREATE TABLE department_members (
     department_id TEXT NOT NULL,
     operator_id TEXT NOT NULL,
     PRIMARY KEY (department_id, operator_id)
   );
   CREATE TABLE canned (
     id TEXT PRIMARY KEY,
     shortcut TEXT NOT NULL UNIQUE COLLATE NOCASE,
     title TEXT NOT NULL,
     text TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE audit (
     id INTEGER PRIMARY KEY,
     at INTEGER NOT NULL,
     actor_id TEXT NOT NULL,
     actor_name TEXT NOT NULL,
     action TEXT NOT NULL,
     target TEXT,
     details TEXT
   );
   CREATE TABLE route_pending (conversation_id TEXT PRIMARY KEY, operator_id TEXT NOT NULL, at INTEGER NOT NULL);
   CREATE TABLE search_text (
     conversation_id TEXT NOT NULL,
     seq INTEGER NOT NULL,
     text TEXT NOT NULL,
     PRIMARY KEY (conversation_id, seq)
   );`,
  // Outbound email: every message is a row (local mode: the outbox itself), with its state.
  `CREATE TABLE outbox (
     id TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     to_addr TEXT NOT NULL,
     subject TEXT NOT NULL,
     message TEXT NOT NULL,
     raw TEXT,
     conversation_id TEXT,
     status TEXT NOT NULL,
     provider TEXT NOT NULL,
     provider_id TEXT,
     attempts INTEGER NOT NULL DEFAULT 0,
     last_error TEXT,
     created_at INTEGER NOT NULL,
     sent_at INTEGER
   );
   CREATE INDEX outbox_created ON outbox (created_at DESC);
   CREATE INDEX outbox_conversation ON outbox (conversation_id, created_at);
   CREATE TABLE unsubscribed (email TEXT PRIMARY KEY COLLATE NOCASE, at INTEGER NOT NULL);`,
  // Sites and data rights: orders the plugin reports (for the reports), and the
  // signatures of plugin POSTs seen lately (a replay inside the ±300 s window is refused).
  `CREATE TABLE order_events (
     order_id TEXT PRIMARY KEY,
     visitor_id TEXT,
     user_id TEXT,
     total REAL NOT NULL,
     currency TEXT NOT NULL,
     at INTEGER NOT NULL,
     received_at INTEGER NOT NULL
   );
   CREATE INDEX order_events_at ON order_events (at);
   CREATE INDEX order_events_visitor ON order_events (visitor_id);
   CREATE TABLE plugin_nonces (signature TEXT PRIMARY KEY, at INTEGER NOT NULL);`,
  // Secrets in email: the stored copy is redacted; the full email is kept only until a real
  // provider took it (retries need it), or in local mode for its recipient. Older rows that
  // held account links lose them.
  `ALTER TABLE outbox ADD COLUMN secret_message TEXT;
   UPDATE outbox SET message = json_remove(json_set(message, '$.text', 'This email held a link for its recipient only; it is no longer shown.'), '$.html'), raw = NULL
     WHERE kind IN ('invite', 'password_reset', 'signup_confirm', 'site_welcome');`,
  // Conversation sockets of operators, by session, so that ending a session closes them.
  `CREATE TABLE operator_sockets (
     session_id TEXT NOT NULL,
     operator_id TEXT NOT NULL,
     conversation_id TEXT NOT NULL,
     opened_at INTEGER NOT NULL,
     PRIMARY KEY (session_id, conversation_id)
   );
   CREATE INDEX operator_sockets_operator ON operator_sockets (operator_id);`,
  // Abuse limits: hits of visitor clients (HMAC of the IP, or visitor id) in a sliding
  // window, and new-chat notices waiting for the operators' digest.
  `CREATE TABLE client_hits (key TEXT NOT NULL, at INTEGER NOT NULL);
   CREATE INDEX client_hits_key ON client_hits (key, at);
   CREATE TABLE notice_queue (conversation_id TEXT PRIMARY KEY, item TEXT NOT NULL, at INTEGER NOT NULL);`,
  // Operators reachable away from the admin: Web Push subscriptions per device, quiet hours,
  // the pending notifications of a batch, and the Telegram bot's links, codes and updates.
  `CREATE TABLE push_subscriptions (
     id TEXT PRIMARY KEY,
     operator_id TEXT NOT NULL,
     endpoint TEXT NOT NULL UNIQUE,
     p256dh TEXT NOT NULL,
     auth TEXT NOT NULL,
     user_agent TEXT,
     created_at INTEGER NOT NULL,
     last_sent_at INTEGER
   );
   CREATE INDEX push_subscriptions_operator ON push_subscriptions (operator_id);
   CREATE TABLE notify_prefs (operator_id TEXT PRIMARY KEY, quiet_hours TEXT);
   CREATE TABLE notify_pending (
     operator_id TEXT NOT NULL,
     conversation_id TEXT NOT NULL,
     is_new INTEGER NOT NULL,
     entry TEXT NOT NULL,
     at INTEGER NOT NULL,
     PRIMARY KEY (operator_id, conversation_id)
   );
   CREATE TABLE notify_seen (conversation_id TEXT PRIMARY KEY, seq INTEGER NOT NULL);
   CREATE TABLE telegram_links (
     operator_id TEXT PRIMARY KEY,
     user_id INTEGER NOT NULL UNIQUE,
     chat_id INTEGER NOT NULL,
     username TEXT,
     linked_at INTEGER NOT NULL
   );
   CREATE TABLE telegram_codes (code_hash TEXT PRIMARY KEY, operator_id TEXT NOT NULL, expires_at INTEGER NOT NULL);
   CREATE TABLE telegram_updates (update_id INTEGER PRIMARY KEY, at INTEGER NOT NULL);
   CREATE TABLE telegram_messages (
     chat_id INTEGER NOT NULL,
     message_id INTEGER NOT NULL,
     conversation_id TEXT NOT NULL,
     at INTEGER NOT NULL,
     PRIMARY KEY (chat_id, message_id)
   );`,
  // The bot: its knowledge base, what visitors said of its answers, lead cards, their
  // deliveries (webhook, email, CRM) and the Gravatar profiles fetched for them.
  `CREATE TABLE kb_entries (
     id TEXT PRIMARY KEY,
     lang TEXT NOT NULL,
     questions TEXT NOT NULL,
     answer TEXT NOT NULL,
     tags TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE bot_feedback (
     conversation_id TEXT NOT NULL,
     seq INTEGER NOT NULL,
     entry_id TEXT,
     value TEXT NOT NULL,
     at INTEGER NOT NULL,
     PRIMARY KEY (conversation_id, seq)
   );
   CREATE TABLE leads (
     id TEXT PRIMARY KEY,
     conversation_id TEXT NOT NULL UNIQUE,
     visitor_id TEXT NOT NULL,
     department TEXT,
     fields TEXT NOT NULL,
     enrichment TEXT,
     status TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     completed_at INTEGER
   );
   CREATE INDEX leads_created ON leads (created_at DESC);
   CREATE TABLE lead_deliveries (
     lead_id TEXT NOT NULL,
     target TEXT NOT NULL,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     last_error TEXT,
     at INTEGER NOT NULL,
     PRIMARY KEY (lead_id, target)
   );
   CREATE TABLE gravatar_cache (email_hash TEXT PRIMARY KEY, profile TEXT, fetched_at INTEGER NOT NULL);`,
  // Booked consultations (./appointments): at most one booking per slot start, enforced here.
  `CREATE TABLE appointments (
     id TEXT PRIMARY KEY,
     starts_at INTEGER NOT NULL,
     ends_at INTEGER NOT NULL,
     status TEXT NOT NULL,
     visitor_id TEXT NOT NULL,
     conversation_id TEXT,
     email TEXT NOT NULL,
     name TEXT,
     manage_hash TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     cancelled_at INTEGER
   );
   CREATE UNIQUE INDEX appointments_one_per_slot ON appointments (starts_at) WHERE status = 'booked';`,
  // Where the widget runs: origins seen (allowed) and refused, for the Install screen; bounded.
  `CREATE TABLE widget_origins (
     origin TEXT PRIMARY KEY,
     allowed INTEGER NOT NULL,
     last_at INTEGER NOT NULL,
     count INTEGER NOT NULL
   );`,
  // Reports: facts of each conversation from its summaries, one aggregate row per local day
  // (in the zone it was counted in), and the days waiting to be counted again.
  `CREATE TABLE report_facts (id TEXT PRIMARY KEY, day TEXT, first_visitor_at INTEGER, facts TEXT NOT NULL);
   CREATE INDEX report_facts_day ON report_facts (day);
   CREATE INDEX report_facts_first ON report_facts (first_visitor_at);
   CREATE TABLE report_days (day TEXT PRIMARY KEY, zone TEXT NOT NULL, row TEXT NOT NULL);
   CREATE TABLE report_dirty (day TEXT PRIMARY KEY);`,
  // Engaging visitors (./engage): who is on the site now (rows deleted when they expire), greeting
  // counters per local day, blocks; the address a contact last came from (keyed), for blocking.
  `CREATE TABLE visitors_online (
     visitor_id TEXT PRIMARY KEY,
     conversation_id TEXT NOT NULL,
     since INTEGER NOT NULL,
     seen_at INTEGER NOT NULL,
     entry TEXT NOT NULL,
     ip_key TEXT,
     offer TEXT
   );
   CREATE INDEX visitors_online_seen ON visitors_online (seen_at);
   CREATE TABLE engage_counts (day TEXT NOT NULL, id TEXT NOT NULL, event TEXT NOT NULL, count INTEGER NOT NULL,
     PRIMARY KEY (day, id, event));
   CREATE TABLE blocks (
     id TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     value TEXT NOT NULL,
     visitor_id TEXT NOT NULL,
     until INTEGER NOT NULL,
     reason TEXT NOT NULL,
     by TEXT NOT NULL,
     at INTEGER NOT NULL
   );
   CREATE INDEX blocks_value ON blocks (kind, value);
   ALTER TABLE contacts ADD COLUMN ip_key TEXT;
   ALTER TABLE contacts ADD COLUMN browser_language TEXT;`,
  // Bookings: the visitor's language and zone for their emails, the page for the join link,
  // the product asked about, a calendar SEQUENCE, and attended / no-show after the slot.
  `ALTER TABLE appointments ADD COLUMN lang TEXT;
   ALTER TABLE appointments ADD COLUMN zone TEXT;
   ALTER TABLE appointments ADD COLUMN page_url TEXT;
   ALTER TABLE appointments ADD COLUMN product TEXT;
   ALTER TABLE appointments ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE appointments ADD COLUMN outcome TEXT;`,
  // Per operator: which news they hear of, and whether the admin tab chimes and shows desktop notifications.
  `ALTER TABLE notify_prefs ADD COLUMN alerts TEXT;`,
  // Imports of site archives (./archive/import.ts): the import, its staged records and the ids
  // the archive's records take here (`done`: 1 once a conversation's restore began, 2 when it ended).
  `CREATE TABLE archive_imports (
     id TEXT PRIMARY KEY,
     state TEXT NOT NULL,
     dry INTEGER NOT NULL,
     report TEXT NOT NULL,
     actor TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE archive_staged (
     import_id TEXT NOT NULL,
     n INTEGER NOT NULL,
     kind TEXT NOT NULL,
     conversation TEXT,
     record TEXT NOT NULL,
     PRIMARY KEY (import_id, n)
   );
   CREATE INDEX archive_staged_kind ON archive_staged (import_id, kind, conversation, n);
   CREATE TABLE archive_ids (
     import_id TEXT NOT NULL,
     kind TEXT NOT NULL,
     source_id TEXT NOT NULL,
     target_id TEXT NOT NULL,
     done INTEGER NOT NULL DEFAULT 0,
     summary TEXT,
     PRIMARY KEY (import_id, kind, source_id)
   );
   CREATE INDEX archive_ids_pending ON archive_ids (import_id, kind, done);`,
  // Conversion (./reports/conversion.ts): the widget's visitors per site-local day as a sketch that
  // keeps no visitor, and each conversation's visitor beside its report facts, to meet their orders.
  `CREATE TABLE visitor_days (day TEXT PRIMARY KEY, sketch BLOB NOT NULL);
   ALTER TABLE report_facts ADD COLUMN visitor_id TEXT;
   UPDATE report_facts SET visitor_id = (SELECT visitor_id FROM inbox WHERE inbox.id = report_facts.id);
   CREATE INDEX report_facts_visitor ON report_facts (visitor_id, first_visitor_at);
   DROP INDEX order_events_visitor;
   CREATE INDEX order_events_visitor_at ON order_events (visitor_id, at);`,
  // What an email is about (`appointment:<id>`), so its sender can withdraw it while it waits
  // for a retry (./mail/outbox.ts).
  `ALTER TABLE outbox ADD COLUMN about TEXT;
   CREATE INDEX outbox_about ON outbox (about, status) WHERE about IS NOT NULL;`,
  // The archives this site has imported, by the site and moment of their export
  // (./archive/import.ts): the same archive again would list everything in it twice.
  `CREATE TABLE archives_imported (
     source_key TEXT NOT NULL,
     exported_at INTEGER NOT NULL,
     imported_at INTEGER NOT NULL,
     PRIMARY KEY (source_key, exported_at)
   );`,
  // The newest visitor line operators were already told of when news was queued
  // (./notify/index.ts): a Telegram message tells every line after it, not only the newest.
  `ALTER TABLE notify_pending ADD COLUMN after_seq INTEGER NOT NULL DEFAULT 0;`,
] as const;
