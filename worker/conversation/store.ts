/** Reads and writes of one conversation's SQLite rows: its state and its messages. */
import type { Author, Channel, ConversationStatus, Message } from "../protocol";
import { activityChanged } from "./activity";

export type ConversationState = {
  site_key: string;
  visitor_id: string;
  status: ConversationStatus;
  channel: Channel;
  assignee: string | null;
  department: string | null;
  email: string | null;
  visitor_name: string | null;
  verified: number;
  ask_email: number;
  locale: string | null;
  timezone: string | null;
  created_at: number;
  first_visitor_at: number | null;
  first_operator_at: number | null;
  last_visitor_at: number | null;
  last_operator_at: number | null;
  waiting_since: number | null;
  resolved_at: number | null;
  visitor_read_seq: number;
  operator_read_seq: number;
  rev: number;
  /** The `waiting_since` of the wait an auto-reply was posted for. */
  autoreplied_wait: number | null;
  rating: number | null;
  rating_comment: string | null;
  rated_at: number | null;
  /** Highest operator message seq already sent to the visitor by email. */
  followup_seq: number;
  /** JSON array of the Message-IDs of emails sent in this conversation, oldest first. */
  email_thread: string | null;
  /** The newest message the stored row reflects; the ones after it are replayed on load. */
  state_seq: number;
};

type MessageRow = {
  seq: number;
  client_id: string | null;
  author_kind: Author["kind"];
  author_id: string | null;
  author_name: string | null;
  text: string;
  at: number;
  channel: Channel;
  meta: string | null;
  attachments: string | null;
};

/**
 * What a visitor may see, as SQL over `messages`: not an operators' note, not an email held
 * because another address sent it (an operator's accepted copy is a message of its own).
 */
const VISIBLE_TO_VISITOR =
  "COALESCE(json_extract(meta, '$.internal'), 0) = 0 AND COALESCE(json_extract(meta, '$.unverifiedSender'), 0) = 0";

/**
 * Not a message an operator deleted. Sockets get its empty row (every tab must learn it is
 * gone); an email has nothing to say of it.
 */
const NOT_DELETED = "COALESCE(json_extract(meta, '$.deleted'), 0) = 0";

/** A message about to be stored; `seq` is given by the store. */
export type NewMessage = Omit<Message, "seq">;

/** SQLite's refusal of a second row with a client id already stored. */
function isClientIdConflict(err: unknown): boolean {
  return err instanceof Error && err.message.includes("UNIQUE constraint failed: messages.client_id");
}

function toMessage(row: MessageRow): Message {
  const author: Author = { kind: row.author_kind };
  if (row.author_name) author.name = row.author_name;
  if (row.author_id && row.author_kind === "operator") author.id = row.author_id;
  const message: Message = { seq: row.seq, author, text: row.text, at: row.at };
  if (row.client_id) message.clientId = row.client_id;
  if (row.channel !== "chat") message.channel = row.channel;
  if (row.meta) message.meta = JSON.parse(row.meta);
  if (row.attachments) message.attachments = JSON.parse(row.attachments);
  return message;
}

/**
 * What a message changes in the conversation's state: a visitor's opens it and starts (or
 * continues) a wait; an operator's answer ends the wait (the first after the visitor's
 * first message is the first response); an email held for its sender only
 * reopens the conversation; notes, bot and system messages change nothing but `rev`.
 */
export function messageChanges(state: ConversationState, message: Message): Partial<ConversationState> {
  const at = message.at;
  if (message.meta?.unverifiedSender === true) return { status: "open", resolved_at: null };
  if (message.author.kind === "visitor") {
    return {
      status: "open",
      resolved_at: null,
      last_visitor_at: at,
      first_visitor_at: state.first_visitor_at ?? at,
      // The first response answers the visitor: an operator's line before they first wrote (a proactive message) is none.
      ...(state.first_visitor_at === null ? { first_operator_at: null } : {}),
      waiting_since: state.waiting_since ?? at,
      // A line in the widget shows they have the whole thread before them; a reply by email
      // only that they read an email, which may be older than the latest answers.
      ...(message.channel === "email" ? {} : { visitor_read_seq: message.seq }),
      ...(message.channel ? { channel: message.channel } : {}),
    };
  }
  if (message.author.kind === "operator" && message.meta?.internal !== true) {
    return {
      last_operator_at: at,
      first_operator_at: state.first_operator_at ?? at,
      waiting_since: null,
      operator_read_seq: message.seq,
    };
  }
  return {};
}

/** Client ids a store remembers while awake: the newest, enough for any client's retries. */
const REMEMBERED_CLIENT_IDS = 256;

/**
 * The state row and the highest seq are kept in memory after the first read, and so are the
 * client ids stored since the object woke: the message path then costs one INSERT, with no
 * reads. What a message changes in the state (`applyMessage`) is kept in memory and written
 * with the next `update` or `save` (once per summary); `state_seq` says which message the
 * stored row reflects, and a store that loads a row behind its messages (the object was
 * evicted or crashed before saving) replays the ones after it. An older client id sent
 * again is caught by the UNIQUE constraint.
 * What the inbox summary shows of the messages (the newest, the newest of a person, the
 * unread count) is kept too, so a summary reads nothing the store already knows. The store
 * is the one writer of `messages` (an archive restore calls `forget`), so memory stays true.
 */
export class ConversationStore {
  private cached: ConversationState | null = null;
  /** State columns messages changed since the row was last written ({} when only a stored message changed). */
  private unsaved: Partial<ConversationState> | null = null;
  private seq: number | undefined;
  private readonly clientIds = new Map<string, number>();
  /** Undefined: not known in memory, read it. */
  private newest: Message | null | undefined;
  private newestOfPerson: Message | null | undefined;
  private unread: { afterSeq: number; count: number } | undefined;

  /** `replayed`: the row was behind its messages, so their summary may not have left either. */
  constructor(
    private readonly sql: SqlStorage,
    private readonly replayed: () => void = () => {},
  ) {}

  /** The conversation's state, or null before the visitor first connected. */
  state(): ConversationState | null {
    if (this.cached) return this.cached;
    const row = this.sql.exec<ConversationState>("SELECT * FROM conversation WHERE id = 1").toArray()[0];
    if (!row) return null;
    this.cached = row;
    if (row.state_seq < this.lastSeq()) {
      for (const message of this.after(row.state_seq, Number.MAX_SAFE_INTEGER)) this.applyMessage(message);
      this.replayed();
    }
    return this.cached;
  }

  /** Applies what a stored message changes in the state, in memory until the next write. */
  applyMessage(message: Message): ConversationState {
    const state = this.state()!;
    const changes = messageChanges(state, message);
    this.unsaved = { ...this.unsaved, ...changes };
    this.cached = { ...state, ...changes, rev: state.rev + 1 };
    return this.cached;
  }

  /**
   * Writes what messages changed in the state since the last write (before a summary leaves).
   * Each of them already raised `rev` in memory, and previews went out with it; the row is
   * written at that `rev`, so the summary matches the preview that showed the same state.
   */
  save(): void {
    if (this.unsaved) this.write({}, 0);
  }

  /** Creates the state row on first contact. */
  create(
    init: Pick<ConversationState, "site_key" | "visitor_id" | "created_at"> & Partial<ConversationState>,
  ): ConversationState {
    const cols = Object.keys(init);
    this.sql.exec(
      `INSERT INTO conversation (id, ${cols.join(", ")}) VALUES (1, ${cols.map(() => "?").join(", ")})`,
      ...Object.values(init),
    );
    this.cached = null;
    return this.state()!;
  }

  /**
   * Updates state columns and bumps `rev` (the Site keeps only the newest summary); what
   * messages changed since the last write is written with them.
   */
  update(changes: Partial<ConversationState>): ConversationState {
    return this.write(changes, 1);
  }

  private write(changes: Partial<ConversationState>, revIncrease: 0 | 1): ConversationState {
    const state = this.state();
    if (!state) throw new Error("conversation state updated before it was created");
    const next = { ...state, ...changes, rev: state.rev + revIncrease, state_seq: this.lastSeq() };
    const write: Partial<ConversationState> = { ...this.unsaved, ...changes, rev: next.rev, state_seq: next.state_seq };
    const cols = Object.keys(write) as (keyof ConversationState)[];
    this.sql.exec(
      `UPDATE conversation SET ${cols.map((c) => `${c} = ?`).join(", ")} WHERE id = 1`,
      ...cols.map((c) => write[c] ?? null),
    );
    this.unsaved = null;
    this.cached = next;
    return next;
  }

  /** Forgets what is kept in memory (after the storage was wiped). */
  forget(): void {
    this.cached = null;
    this.unsaved = null;
    this.seq = undefined;
    this.clientIds.clear();
    this.forgetShown();
  }

  /** Messages changed other than by `append`: what is kept of them is read again. */
  private forgetShown(): void {
    activityChanged(this.sql);
    this.newest = undefined;
    this.newestOfPerson = undefined;
    this.unread = undefined;
  }

  /** Highest stored seq, 0 when there is none. */
  lastSeq(): number {
    this.seq ??= this.sql.exec<{ seq: number | null }>("SELECT MAX(seq) AS seq FROM messages").one().seq ?? 0;
    return this.seq;
  }

  /** The seq a client id was stored under, or null. */
  seqOfClientId(clientId: string): number | null {
    return (
      this.rememberedSeqOf(clientId) ??
      this.sql.exec<{ seq: number }>("SELECT seq FROM messages WHERE client_id = ?", clientId).toArray()[0]?.seq ??
      null
    );
  }

  /**
   * The seq a client id is remembered under since the object woke, or null: a null is no
   * proof it is new (see `append`, whose `duplicateOf` says so).
   */
  rememberedSeqOf(clientId: string): number | null {
    return this.clientIds.get(clientId) ?? null;
  }

  /**
   * Stores a message with the next seq. With `onDuplicate: "report"`, a client id that is
   * already stored stores nothing: the answer is `{ duplicateOf }` with the seq it was stored
   * under (the UNIQUE constraint decides, so the message path needs no read first). Without
   * it, callers have looked the client id up themselves, and SQLite's error is thrown.
   */
  append(m: NewMessage): Message;
  append(m: NewMessage, opts: { onDuplicate: "report" }): Message | { duplicateOf: number };
  append(m: NewMessage, opts?: { onDuplicate: "report" }): Message | { duplicateOf: number } {
    // Work that awaited another object (the bot booking a slot, a greeting) may post after the
    // conversation was erased meanwhile: nothing of it is written into the emptied object.
    if (!this.state()) throw new Error("this conversation was erased (or never made): nothing is posted in it");
    const seq = this.lastSeq() + 1;
    const attachments = m.attachments?.length ? JSON.stringify(m.attachments) : null;
    try {
      this.insert(seq, m, attachments);
    } catch (err) {
      const known = opts && m.clientId && isClientIdConflict(err) ? this.seqOfClientId(m.clientId) : null;
      if (known === null) throw err;
      this.remember(m.clientId!, known);
      return { duplicateOf: known };
    }
    this.seq = seq;
    if (m.clientId) this.remember(m.clientId, seq);
    const message = toMessage({
      seq,
      client_id: m.clientId ?? null,
      author_kind: m.author.kind,
      author_id: m.author.id ?? null,
      author_name: m.author.name ?? null,
      text: m.text,
      at: m.at,
      channel: m.channel ?? "chat",
      meta: m.meta ? JSON.stringify(m.meta) : null,
      attachments,
    });
    this.newest = message;
    if (m.author.kind === "visitor" || m.author.kind === "operator") this.newestOfPerson = message;
    if (m.author.kind === "visitor" && this.unread) this.unread.count++;
    return message;
  }

  private remember(clientId: string, seq: number): void {
    this.clientIds.set(clientId, seq);
    if (this.clientIds.size > REMEMBERED_CLIENT_IDS) this.clientIds.delete(this.clientIds.keys().next().value!);
  }

  private insert(seq: number, m: NewMessage, attachments: string | null): void {
    this.sql.exec(
      `INSERT INTO messages (seq, client_id, author_kind, author_id, author_name, text, at, channel, meta, attachments)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      seq,
      m.clientId ?? null,
      m.author.kind,
      m.author.id ?? null,
      m.author.name ?? null,
      m.text,
      m.at,
      m.channel ?? "chat",
      m.meta ? JSON.stringify(m.meta) : null,
      attachments,
    );
  }

  /** One message by seq, or null. */
  message(seq: number): Message | null {
    const row = this.sql.exec<MessageRow>("SELECT * FROM messages WHERE seq = ?", seq).toArray()[0];
    return row ? toMessage(row) : null;
  }

  /** Replaces a stored message's meta; returns the message as it is now. */
  setMeta(seq: number, meta: Record<string, unknown>): Message {
    this.sql.exec("UPDATE messages SET meta = ? WHERE seq = ?", JSON.stringify(meta), seq);
    this.messageChanged();
    return this.message(seq)!;
  }

  /**
   * Deletes what the message under `seq` said and carried, keeping a `meta.deleted` row in
   * its place: seqs are never reused, and every client learns the message is gone.
   */
  remove(seq: number): Message | null {
    this.sql.exec(
      `UPDATE messages SET text = '', attachments = NULL, meta = CASE WHEN json_extract(meta, '$.internal')
       THEN '{"deleted":true,"internal":true}' ELSE '{"deleted":true}' END WHERE seq = ?`,
      seq,
    );
    this.messageChanged();
    return this.message(seq);
  }

  /**
   * A stored message changed (its text deleted, its meta set): the preview may be another,
   * and the next summary must outrank the one the Site holds, which keeps only a newer `rev`.
   * So `rev` rises and the state row is due for a write with that summary, as after a message.
   */
  private messageChanged(): void {
    this.forgetShown();
    this.unsaved ??= {};
    const state = this.state();
    if (state) this.cached = { ...state, rev: state.rev + 1 };
  }

  /**
   * Messages with seq > afterSeq, oldest first, at most `limit`. A visitor's page leaves out
   * operators' internal notes (`meta.internal`) and emails held for their sender
   * (`meta.unverifiedSender`).
   */
  after(afterSeq: number, limit: number, audience: "operator" | "visitor" = "operator"): Message[] {
    const visible = audience === "visitor" ? ` AND ${VISIBLE_TO_VISITOR}` : "";
    return this.sql
      .exec<MessageRow>(`SELECT * FROM messages WHERE seq > ?${visible} ORDER BY seq LIMIT ?`, afterSeq, limit)
      .toArray()
      .map(toMessage);
  }

  /** The newest `limit` messages, oldest first. */
  latest(limit: number): Message[] {
    return this.sql
      .exec<MessageRow>("SELECT * FROM messages ORDER BY seq DESC LIMIT ?", limit)
      .toArray()
      .map(toMessage)
      .reverse();
  }

  /** The newest message, or null. */
  last(): Message | null {
    if (this.newest === undefined) this.newest = this.latest(1)[0] ?? null;
    return this.newest;
  }

  /**
   * What the inbox shows of a conversation: the newest message of a person (visitor or
   * operator, notes included, not one an operator deleted), else the newest at all; an
   * auto-reply after a visitor's question does not hide the question, and a deleted line
   * does not leave the row blank.
   */
  preview(): Message | null {
    if (this.newestOfPerson === undefined) {
      const row = this.sql
        .exec<MessageRow>(
          `SELECT * FROM messages WHERE author_kind IN ('visitor', 'operator')
           AND COALESCE(json_extract(meta, '$.deleted'), 0) = 0 ORDER BY seq DESC LIMIT 1`,
        )
        .toArray()[0];
      this.newestOfPerson = row ? toMessage(row) : null;
    }
    return this.newestOfPerson ?? this.last();
  }

  /** The visitor's messages (not deleted) in `after < seq <= upTo`: the newest `limit`, oldest first. */
  visitorMessagesBetween(after: number, upTo: number, limit: number): Message[] {
    return this.sql
      .exec<MessageRow>(
        `SELECT * FROM (SELECT * FROM messages WHERE seq > ? AND seq <= ? AND author_kind = 'visitor' AND ${NOT_DELETED}
         ORDER BY seq DESC LIMIT ?) ORDER BY seq`,
        after,
        upTo,
        limit,
      )
      .toArray()
      .map(toMessage);
  }

  /** Operator answers (not internal notes, not deleted) after `seq`, oldest first. */
  answersAfter(seq: number): Message[] {
    return this.sql
      .exec<MessageRow>(
        `SELECT * FROM messages WHERE seq > ? AND author_kind = 'operator'
         AND COALESCE(json_extract(meta, '$.internal'), 0) = 0 AND ${NOT_DELETED} ORDER BY seq`,
        seq,
      )
      .toArray()
      .map(toMessage);
  }

  /** The `limit` messages before `seq` a visitor may see, not deleted, oldest first (context for emails). */
  visibleBefore(seq: number, limit: number): Message[] {
    return this.sql
      .exec<MessageRow>(
        `SELECT * FROM messages WHERE seq < ? AND ${VISIBLE_TO_VISITOR} AND ${NOT_DELETED}
         ORDER BY seq DESC LIMIT ?`,
        seq,
        limit,
      )
      .toArray()
      .map(toMessage)
      .reverse();
  }

  /**
   * The texts of the visitor's newest `limit` messages (what their language is judged by);
   * not emails held for another sender, which are not the visitor's words.
   */
  visitorTexts(limit: number): string[] {
    return this.sql
      .exec<{ text: string }>(
        `SELECT text FROM messages WHERE author_kind = 'visitor'
         AND COALESCE(json_extract(meta, '$.unverifiedSender'), 0) = 0 ORDER BY seq DESC LIMIT ?`,
        limit,
      )
      .toArray()
      .map((r) => r.text);
  }

  /** Visitor messages operators have not read yet; one an operator deleted is nothing left to read. */
  unreadByOperators(): number {
    const readSeq = this.state()?.operator_read_seq ?? 0;
    if (this.unread?.afterSeq !== readSeq) {
      const count = this.sql
        .exec<{ n: number }>(
          `SELECT COUNT(*) AS n FROM messages WHERE seq > ? AND author_kind = 'visitor'
           AND COALESCE(json_extract(meta, '$.deleted'), 0) = 0`,
          readSeq,
        )
        .one().n;
      this.unread = { afterSeq: readSeq, count };
    }
    return this.unread.count;
  }
}
