import { TIMERS_TABLE } from "../lib/timers";

/** Storage of a Conversation object. Append steps; never edit one that has shipped. */
export const CONVERSATION_MIGRATIONS = [
  `CREATE TABLE conversation (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     site_key TEXT NOT NULL,
     visitor_id TEXT NOT NULL,
     status TEXT NOT NULL DEFAULT 'open',
     channel TEXT NOT NULL DEFAULT 'chat',
     assignee TEXT,
     department TEXT,
     email TEXT,
     visitor_name TEXT,
     verified INTEGER NOT NULL DEFAULT 0,
     ask_email INTEGER NOT NULL DEFAULT 0,
     locale TEXT,
     timezone TEXT,
     created_at INTEGER NOT NULL,
     first_visitor_at INTEGER,
     first_operator_at INTEGER,
     last_visitor_at INTEGER,
     last_operator_at INTEGER,
     waiting_since INTEGER,
     resolved_at INTEGER,
     visitor_read_seq INTEGER NOT NULL DEFAULT 0,
     operator_read_seq INTEGER NOT NULL DEFAULT 0,
     rev INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE messages (
     seq INTEGER PRIMARY KEY,
     client_id TEXT UNIQUE,
     author_kind TEXT NOT NULL,
     author_id TEXT,
     author_name TEXT,
     text TEXT NOT NULL,
     at INTEGER NOT NULL,
     channel TEXT NOT NULL DEFAULT 'chat',
     meta TEXT
   );
   ${TIMERS_TABLE}
   CREATE INDEX timers_due ON timers (due);`,
  // Auto-replies (once per wait) and email follow-ups (what was sent, and the thread's ids).
  `ALTER TABLE conversation ADD COLUMN autoreplied_wait INTEGER;
   ALTER TABLE conversation ADD COLUMN followup_seq INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE conversation ADD COLUMN email_thread TEXT;`,
  // Files sent in the conversation (worker/files/ledger.ts owns the table; R2 holds the bytes).
  `ALTER TABLE messages ADD COLUMN attachments TEXT;
   CREATE TABLE files (
     id TEXT PRIMARY KEY,
     seq INTEGER NOT NULL,
     name TEXT NOT NULL,
     type TEXT NOT NULL,
     size INTEGER NOT NULL,
     width INTEGER,
     height INTEGER,
     at INTEGER NOT NULL,
     author_kind TEXT NOT NULL
   );
   CREATE INDEX files_seq ON files (seq);`,
  // The bot: where the visitor is in a scenario, the answer awaiting "did this help?",
  // whether the conversation was greeted and when it was handed to people.
  `CREATE TABLE bot_state (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     step TEXT,
     feedback_seq INTEGER,
     feedback_entry TEXT,
     greeted INTEGER NOT NULL DEFAULT 0,
     handoff_at INTEGER
   );`,
  // Video calls (./calls.ts): the two sockets a call joins, its times and how it ended.
  `CREATE TABLE calls (
     id TEXT PRIMARY KEY,
     state TEXT NOT NULL,
     caller_role TEXT NOT NULL,
     caller_socket TEXT NOT NULL,
     callee_socket TEXT,
     callee_id TEXT,
     audio_only INTEGER NOT NULL DEFAULT 0,
     screen_shared INTEGER NOT NULL DEFAULT 0,
     requested_at INTEGER NOT NULL,
     answered_at INTEGER,
     ended_at INTEGER,
     outcome TEXT
   );
   CREATE INDEX calls_live ON calls (state) WHERE state IN ('ringing', 'active');`,
  // The visitor's rating after resolution (CSAT), given once.
  `ALTER TABLE conversation ADD COLUMN rating INTEGER;
   ALTER TABLE conversation ADD COLUMN rating_comment TEXT;
   ALTER TABLE conversation ADD COLUMN rated_at INTEGER;`,
  // The bot's outcomes for reports: answers rated and rated helpful, and a completed lead card.
  `ALTER TABLE bot_state ADD COLUMN feedback_given INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE bot_state ADD COLUMN feedback_helpful INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE bot_state ADD COLUMN lead_done INTEGER NOT NULL DEFAULT 0;`,
  // The newest message the stored state row reflects (./store.ts writes the row once per
  // summary, not per message, and replays the messages after it when the object wakes).
  `ALTER TABLE conversation ADD COLUMN state_seq INTEGER NOT NULL DEFAULT 0;
   UPDATE conversation SET state_seq = (SELECT COALESCE(MAX(seq), 0) FROM messages);`,
] as const;
