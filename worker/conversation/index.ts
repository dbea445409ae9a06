/**
 * Conversation Durable Object: one per conversation. Owns its messages, its state, its
 * timers and the hibernatable sockets of the visitor's tabs and of operators. The platform's
 * entry points (fetch, webSocketMessage, alarm) live here and hand work to small handlers.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { migrate } from "../lib/migrate";
import { Timers, type TimerHandler } from "../lib/timers";
import {
  CLIENT_FRAME_TYPES,
  WELCOME_PAGE,
  MAX_TEXT,
  clientFrame,
  describeIssues,
  type ClientFrame,
  type ConversationView,
  type InboxEntry,
  type Message,
} from "../protocol";
import { CONVERSATION_MIGRATIONS } from "./schema";
import { attachPeer, broadcast, peerOf, RateLimiter, send, sendError, type Peer } from "./sockets";
import { ConversationStore, type NewMessage } from "./store";
import * as autoreply from "./autoreply";
import * as followup from "./followup";
import { sha256Hex } from "../lib/crypto";
import type { ConversationHost } from "./host";
import { failure, type Failure } from "../lib/errors";
import { noteFrame, type NoteFrame } from "../protocol";
import { operatorChanges, type OperatorAction } from "./operator-actions";

/** Headers the Worker sets when it hands a verified socket to the object. */
export const PEER_HEADERS = {
  role: "X-Edgechat-Role",
  site: "X-Edgechat-Site",
  id: "X-Edgechat-Peer",
  name: "X-Edgechat-Name",
} as const;

/** Frames larger than this are refused before parsing (a 4,000-character text fits easily). */
const MAX_FRAME_BYTES = 32_768;

export class Conversation extends DurableObject<Env> {
  protected readonly store: ConversationStore;
  protected readonly timers: Timers;
  private readonly limiter = new RateLimiter();
  /** What feature modules see of this object. */
  protected readonly host: ConversationHost;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrate(ctx.storage.sql, CONVERSATION_MIGRATIONS);
    this.store = new ConversationStore(ctx.storage.sql);
    this.timers = new Timers(ctx.storage, this.timerHandlers());
    this.host = {
      id: ctx.id.toString(),
      env,
      store: this.store,
      timers: this.timers,
      site: () => this.env.SITE.get(this.env.SITE.idFromName(this.store.state()!.site_key)),
      post: (message) => this.append(message),
      toVisitors: (frame) => broadcast(this.ctx.getWebSockets("visitor"), frame),
    };
  }

  /** Timer kinds this object runs; the bot's steps will add theirs here. */
  protected timerHandlers(): Record<string, TimerHandler> {
    return {
      "site-sync": () => this.syncSite(),
      [autoreply.AUTOREPLY_TIMER]: (job) => autoreply.runAutoReply(this.host, job),
      [followup.FOLLOWUP_TIMER]: (job) => followup.runFollowup(this.host, job),
    };
  }

  /** Runs follow-up work off the message path; a failure is logged, never thrown at a client. */
  protected defer(work: Promise<unknown>): void {
    this.ctx.waitUntil(work.catch((err) => console.error("conversation: deferred work failed", err)));
  }

  // ---- entry points ----

  /** Accepts a socket the Worker has already authenticated (see PEER_HEADERS). */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return Response.json({ error: { code: "upgrade_required", message: "expected a WebSocket upgrade" } }, { status: 426 });
    }
    const role = request.headers.get(PEER_HEADERS.role);
    const siteKey = request.headers.get(PEER_HEADERS.site) ?? "";
    const id = request.headers.get(PEER_HEADERS.id) ?? "";
    if ((role !== "visitor" && role !== "operator") || !siteKey || !id) {
      return Response.json({ error: { code: "bad_request", message: "missing peer headers" } }, { status: 400 });
    }
    const refusal = role === "visitor" ? await this.admitVisitor(siteKey, id) : this.admitOperator(siteKey);
    if (refusal) return refusal;
    const name = request.headers.get(PEER_HEADERS.name);
    const peer: Peer = { role, id, ...(name ? { name: decodeURIComponent(name) } : {}) };
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [role]);
    attachPeer(server, peer);
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const peer = peerOf(ws);
    if (!peer) return ws.close(1008, "unknown socket");
    if (peer.role === "operator" && this.onOperatorFrame(ws, peer, data)) return;
    const frame = this.parseFrame(ws, data);
    if (!frame) return;
    switch (frame.type) {
      case "hello":
        return this.onHello(ws, peer, frame.lastSeq);
      case "message":
        return this.onMessage(ws, peer, frame.clientId, frame.text);
      case "typing":
        return this.onTyping(ws, peer);
      case "read":
        return this.onRead(ws, peer, frame.seq);
      case "contact":
        return this.onContact(ws, peer, frame.email);
      case "transcript":
        return this.onTranscript(ws, peer);
    }
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    // Complete the closing handshake; 1005/1006 carry no code we may echo.
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "bye");
    } catch {
      // already closed
    }
  }

  override async alarm(): Promise<void> {
    await this.timers.run(Date.now());
  }

  // ---- RPC for the Worker, the Site and tests ----

  /** The inbox summary of this conversation, or null if no visitor has connected yet. */
  async summary(): Promise<InboxEntry | null> {
    return this.store.state() ? this.buildSummary() : null;
  }

  // ---- data rights (issue 8) ----

  /**
   * Deletes this conversation for good (a contact's erasure, the site's retention): closes
   * every socket, clears the alarm and all storage. The object may wake again (a visitor with
   * an old token): the schema is put back and the state forgotten, so it starts empty.
   */
  async erase(siteKey: string): Promise<{ erased: boolean } | Failure> {
    const state = this.store.state();
    if (state && state.site_key !== siteKey) return failure(403, "forbidden", "this conversation belongs to another site");
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.close(1000, "conversation erased");
      } catch {
        // already closing
      }
    }
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    migrate(this.ctx.storage.sql, CONVERSATION_MIGRATIONS);
    this.store.update({}); // no row to update: it only drops the store's cached state
    return { erased: !!state };
  }

  // ---- email (issue 5) ----

  /**
   * A visitor's reply by email (the Worker's email() handler verified the signed address).
   * Stored once per Message-ID as a visitor message with channel "email".
   */
  async receiveEmail(email: {
    messageId?: string; from: { address: string; name?: string }; subject: string; text: string; quoted?: string;
    attachments: Array<{ filename: string; mimeType: string; size: number }>;
  }): Promise<{ seq: number; duplicate: boolean } | { ignored: "empty" } | Failure> {
    const state = this.store.state();
    if (!state) return failure(404, "not_found", "unknown conversation");
    const key = email.messageId ?? `${email.from.address}\n${email.subject}\n${email.text}`;
    const clientId = `email-${(await sha256Hex(key)).slice(0, 40)}`;
    const known = this.store.seqOfClientId(clientId);
    if (known !== null) return { seq: known, duplicate: true };
    const names = email.attachments.map((a) => a.filename).join(", ");
    let text = email.text.trim() || (names ? `(${names})` : "");
    if (!text) return { ignored: "empty" };
    if (text.length > MAX_TEXT) text = `${text.slice(0, MAX_TEXT - 1)}…`;
    const message = this.append({
      clientId,
      author: { kind: "visitor", ...(state.visitor_name ? { name: state.visitor_name } : {}) },
      text,
      at: Date.now(),
      channel: "email",
      meta: { from: email.from.address, subject: email.subject.slice(0, 300), attachments: email.attachments.slice(0, 20), ...(email.quoted ? { quoted: email.quoted } : {}) },
    });
    return { seq: message.seq, duplicate: false };
  }

  /** What the Site learnt of the visitor later (an identity from the shop). */
  async updateVisitor(fields: { email: string | null; name: string | null; verified: boolean }): Promise<void> {
    const state = this.store.state();
    if (!state) return;
    this.store.update({
      email: fields.email ?? state.email,
      visitor_name: fields.name ?? state.visitor_name,
      verified: fields.verified ? 1 : state.verified,
      ...(fields.email ? { ask_email: 0 } : {}),
    });
    if (fields.email) broadcast(this.ctx.getWebSockets("visitor"), { type: "contact", emailKnown: true, askEmail: false });
    this.notifySite();
  }

  /** Emails the conversation (an operator's request from the admin). */
  async emailTranscript(siteKey: string, to?: string): Promise<{ id: string; status: string } | Failure> {
    const state = this.store.state();
    if (!state) return failure(404, "not_found", "no such conversation");
    if (state.site_key !== siteKey) return failure(403, "forbidden", "this conversation belongs to another site");
    const address = to ?? state.email;
    if (!address) return failure(400, "no_email", "the visitor left no email; give one");
    return followup.sendTranscript(this.host, address);
  }

  // ---- operator actions (issue 6) ----

  /** Whether this conversation is `siteKey`'s: "yes", "other" (another site's) or "none" (no visitor ever connected). */
  async belongsTo(siteKey: string): Promise<"yes" | "other" | "none"> {
    const state = this.store.state();
    return !state ? "none" : state.site_key === siteKey ? "yes" : "other";
  }

  /** Resolve, reopen or assign, asked by an operator of `siteKey`; returns the new summary. */
  async operatorAction(siteKey: string, action: OperatorAction): Promise<InboxEntry | Failure> {
    const owner = await this.belongsTo(siteKey);
    if (owner === "none") return failure(404, "not_found", "no such conversation");
    if (owner === "other") return failure(403, "forbidden", "this conversation belongs to another site");
    this.store.update(operatorChanges(action, Date.now()));
    this.notifySite();
    return this.buildSummary();
  }

  /** Operator-only frames outside the shared client frames (internal notes). True when handled here. */
  private onOperatorFrame(ws: WebSocket, peer: Peer, data: string | ArrayBuffer): boolean {
    if (typeof data !== "string" || data.length > MAX_FRAME_BYTES) return false;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return false;
    }
    if ((json as { type?: unknown } | null)?.type !== "note") return false;
    const parsed = noteFrame.safeParse(json);
    if (parsed.success) {
      this.addNote(ws, peer, parsed.data);
    } else {
      const textIssue = parsed.error.issues.find((i) => i.path[0] === "text");
      if (textIssue?.code === "too_small") sendError(ws, "empty_text", "note text is empty");
      else if (textIssue?.code === "too_big") sendError(ws, "text_too_long", textIssue.message);
      else sendError(ws, "bad_frame", `note: ${describeIssues(parsed.error)}`);
    }
    return true;
  }

  /**
   * Stores an internal note (`meta.internal`) and shows it to operators only: it does not
   * count as an answer (no waiting or first-response change) and visitors' welcomes skip it.
   */
  private addNote(ws: WebSocket, peer: Peer, note: NoteFrame): void {
    const known = this.store.seqOfClientId(note.clientId);
    if (known !== null) return send(ws, { type: "ack", clientId: note.clientId, seq: known });
    const now = Date.now();
    const waitMs = this.limiter.hit(ws, now);
    if (waitMs > 0) return sendError(ws, "rate_limited", `too many messages; try again in ${Math.ceil(waitMs / 1000)} s`);
    const author = { kind: "operator" as const, id: peer.id, ...(peer.name ? { name: peer.name } : {}) };
    const message = this.store.append({ clientId: note.clientId, author, text: note.text, at: now, meta: { internal: true } });
    this.store.update({});
    broadcast(this.ctx.getWebSockets("operator"), { type: "message", message }, ws);
    send(ws, { type: "ack", clientId: note.clientId, seq: message.seq });
    this.notifySite();
  }

  // ---- admission ----

  private async admitVisitor(siteKey: string, visitorId: string): Promise<Response | null> {
    const state = this.store.state();
    if (state) {
      if (state.site_key === siteKey && state.visitor_id === visitorId) return null;
      return Response.json({ error: { code: "forbidden", message: "this conversation belongs to another visitor" } }, { status: 403 });
    }
    // First contact: take what the site knows of the visitor, once.
    const contact = await this.env.SITE.get(this.env.SITE.idFromName(siteKey)).contactOf(visitorId);
    this.store.create({
      site_key: siteKey,
      visitor_id: visitorId,
      created_at: Date.now(),
      email: contact?.email ?? null,
      visitor_name: contact?.name ?? null,
      verified: contact?.verified ? 1 : 0,
      locale: contact?.locale ?? null,
      timezone: contact?.timezone ?? null,
    });
    return null;
  }

  private admitOperator(siteKey: string): Response | null {
    const state = this.store.state();
    if (!state) return Response.json({ error: { code: "not_found", message: "no such conversation" } }, { status: 404 });
    if (state.site_key !== siteKey) {
      return Response.json({ error: { code: "forbidden", message: "this conversation belongs to another site" } }, { status: 403 });
    }
    return null;
  }

  // ---- frames ----

  private parseFrame(ws: WebSocket, data: string | ArrayBuffer): ClientFrame | null {
    if (typeof data !== "string") return sendError(ws, "bad_frame", "frames are JSON text, not binary"), null;
    if (data.length > MAX_FRAME_BYTES) return sendError(ws, "bad_frame", `frame is larger than ${MAX_FRAME_BYTES} bytes`), null;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return sendError(ws, "bad_json", "frame is not valid JSON"), null;
    }
    const type = (json as { type?: unknown } | null)?.type;
    if (typeof type !== "string" || !CLIENT_FRAME_TYPES.includes(type as ClientFrame["type"])) {
      sendError(ws, "bad_frame", `unknown frame type ${JSON.stringify(type ?? null)}; expected one of ${CLIENT_FRAME_TYPES.join(", ")}`);
      return null;
    }
    const parsed = clientFrame.safeParse(json);
    if (parsed.success) return parsed.data;
    const clientId = (json as { clientId?: unknown }).clientId;
    const textIssue = parsed.error.issues.find((i) => i.path[0] === "text");
    if (textIssue?.code === "too_small") sendError(ws, "empty_text", "message text is empty", clientId);
    else if (textIssue?.code === "too_big") sendError(ws, "text_too_long", textIssue.message, clientId);
    else sendError(ws, "bad_frame", `${type}: ${describeIssues(parsed.error)}`, clientId);
    return null;
  }

  private onHello(ws: WebSocket, peer: Peer, lastSeq: number): void {
    const page = this.store.after(lastSeq, WELCOME_PAGE + 1, peer.role);
    const more = page.length > WELCOME_PAGE;
    send(ws, { type: "welcome", conversation: this.view(), messages: more ? page.slice(0, WELCOME_PAGE) : page, more });
  }

  private onMessage(ws: WebSocket, peer: Peer, clientId: string, text: string): void {
    const known = this.store.seqOfClientId(clientId);
    if (known !== null) return send(ws, { type: "ack", clientId, seq: known });
    const now = Date.now();
    const waitMs = this.limiter.hit(ws, now);
    if (waitMs > 0) {
      return sendError(ws, "rate_limited", `at most 20 messages in 10 seconds; try again in ${Math.ceil(waitMs / 1000)} s`, clientId);
    }
    const author = peer.role === "operator"
      ? { kind: "operator" as const, id: peer.id, ...(peer.name ? { name: peer.name } : {}) }
      : { kind: "visitor" as const, ...(this.store.state()?.visitor_name ? { name: this.store.state()!.visitor_name! } : {}) };
    const message = this.append({ clientId, author, text, at: now }, ws);
    send(ws, { type: "ack", clientId, seq: message.seq });
  }

  private onTyping(ws: WebSocket, peer: Peer): void {
    const author = peer.role === "operator"
      ? { kind: "operator" as const, ...(peer.name ? { name: peer.name } : {}) }
      : { kind: "visitor" as const };
    // A visitor's own tabs do not need to see the visitor typing.
    const targets = peer.role === "visitor" ? this.ctx.getWebSockets("operator") : this.ctx.getWebSockets();
    broadcast(targets, { type: "typing", author }, ws);
  }

  private onRead(ws: WebSocket, peer: Peer, seq: number): void {
    const state = this.store.state()!;
    const column = peer.role === "visitor" ? "visitor_read_seq" : "operator_read_seq";
    const upTo = Math.min(seq, this.store.lastSeq());
    if (upTo <= state[column]) return;
    this.store.update({ [column]: upTo });
    broadcast(this.ctx.getWebSockets(), { type: "read", seq: upTo, by: peer.role }, ws);
    if (peer.role === "operator") this.notifySite();
  }

  private onContact(ws: WebSocket, peer: Peer, email: string): void {
    if (peer.role !== "visitor") return sendError(ws, "forbidden", "only the visitor can leave their contact");
    this.store.update({ email, ask_email: 0 });
    broadcast(this.ctx.getWebSockets("visitor"), { type: "contact", emailKnown: true, askEmail: false });
    const state = this.store.state()!;
    this.ctx.waitUntil(
      this.env.SITE.get(this.env.SITE.idFromName(state.site_key)).saveContact(state.visitor_id, { email }),
    );
    this.defer(followup.answerPosted(this.host, Date.now()));
    this.notifySite();
  }

  private onTranscript(ws: WebSocket, peer: Peer): void {
    const email = this.store.state()!.email;
    if (peer.role !== "visitor") return sendError(ws, "forbidden", "operators send transcripts from the admin");
    if (!email) return sendError(ws, "no_email", "leave your email first, then ask for the transcript");
    this.defer(
      followup.sendTranscript(this.host, email).then(
        (sent) => sent.status === "outbox" || sent.status === "sent" || sent.status === "retrying"
          ? send(ws, { type: "transcript", sentTo: email })
          : sendError(ws, "not_sent", `the transcript was not sent (${sent.status})`),
        () => sendError(ws, "not_sent", "the transcript could not be sent; try again later"),
      ),
    );
  }

  // ---- the one way a message enters the conversation ----

  /**
   * Stores a message, updates the state a report needs, tells every socket but `origin`,
   * and tells the Site. Visitor, operator, bot, system and email messages all come here.
   */
  protected append(input: NewMessage, origin?: WebSocket): Message {
    const message = this.store.append(input);
    const state = this.store.state()!;
    const at = input.at;
    if (input.author.kind === "visitor") {
      if (state.waiting_since === null && (input.channel ?? "chat") === "chat") {
        this.defer(autoreply.startWait(this.host, at));
      }
      this.store.update({
        status: "open",
        resolved_at: null,
        last_visitor_at: at,
        first_visitor_at: state.first_visitor_at ?? at,
        waiting_since: state.waiting_since ?? at,
        visitor_read_seq: message.seq,
        ...(input.channel ? { channel: input.channel } : {}),
      });
    } else if (input.author.kind === "operator") {
      this.defer(autoreply.endWait(this.host));
      this.defer(followup.answerPosted(this.host, at));
      this.store.update({
        last_operator_at: at,
        first_operator_at: state.first_operator_at ?? at,
        waiting_since: null,
        operator_read_seq: message.seq,
      });
    } else {
      this.store.update({});
    }
    broadcast(this.ctx.getWebSockets(), { type: "message", message }, origin);
    this.notifySite();
    return message;
  }

  // ---- the Site's copy ----

  private view(): ConversationView {
    const state = this.store.state()!;
    return {
      id: this.ctx.id.toString(),
      status: state.status,
      lastSeq: this.store.lastSeq(),
      readSeq: { visitor: state.visitor_read_seq, operator: state.operator_read_seq },
      emailKnown: !!state.email,
      askEmail: !state.email && state.ask_email === 1,
    };
  }

  private buildSummary(): InboxEntry {
    const s = this.store.state()!;
    const last = this.store.last();
    const shown = this.store.preview();
    return {
      id: this.ctx.id.toString(),
      visitorId: s.visitor_id,
      status: s.status,
      channel: s.channel,
      assignee: s.assignee,
      department: s.department,
      email: s.email,
      visitorName: s.visitor_name,
      verified: s.verified === 1,
      lastMessage: shown ? { seq: shown.seq, text: shown.text.slice(0, 200), author: shown.author.kind, at: shown.at } : null,
      lastSeq: last?.seq ?? 0,
      unread: this.store.unreadByOperators(),
      waitingSince: s.waiting_since,
      createdAt: s.created_at,
      updatedAt: last?.at ?? s.created_at,
      firstVisitorAt: s.first_visitor_at,
      firstOperatorAt: s.first_operator_at,
      resolvedAt: s.resolved_at,
      rev: s.rev,
    };
  }

  /** Sends the summary to the Site off the message path; a failure is retried by a timer. */
  protected notifySite(): void {
    this.ctx.waitUntil(
      this.syncSite().catch(async (err) => {
        console.error("conversation: site sync failed, retrying", err);
        await this.timers.set("site-sync", Date.now() + 5_000);
      }),
    );
  }

  private async syncSite(): Promise<void> {
    const state = this.store.state();
    if (!state || !this.store.lastSeq()) return; // nothing to list until the first message
    await this.env.SITE.get(this.env.SITE.idFromName(state.site_key)).conversationChanged(this.buildSummary());
  }
}
