/**
 * Conversation Durable Object: one per conversation. Owns its messages, its state, its
 * timers and the hibernatable sockets of the visitor's tabs and of operators. The platform's
 * entry points live here (guarded: a failure is logged and answered with an error frame)
 * and hand each frame, after the one parser (./frames.ts), to its handler in a table.
 */
import type { Env } from "../env";
import * as files from "../files/conversation";
import { recordFiles } from "../files/ledger";
import { failure, isFailure, type Failure } from "../lib/errors";
import { conversationFrame, listed } from "../lib/inbox-preview";
import { siteStub } from "../lib/jurisdiction";
import { migrate } from "../lib/migrate";
import { attachPeer, broadcast, closeAll, peerOf, send, sendError, type Peer } from "../lib/peers";
import { SocketObject } from "../lib/socket-object";
import { Timers, type TimerHandler } from "../lib/timers";
import {
  CONVERSATION_GONE,
  WELCOME_PAGE,
  type AppointmentEvent,
  type Attachment,
  type ConversationView,
  type ErrorCode,
  type InboxEntry,
  type Message,
  type OperatorFrame,
  type RateFrame,
  type ServerFrame,
} from "../protocol";
import * as archive from "./archive";
import * as autoreply from "./autoreply";
import * as calls from "./calls";
import * as csat from "./csat";
import * as csatEmail from "./csat-email";
import { acceptHeldEmail, discardHeldEmail, receiveEmail, type InboundEmail } from "./email-in";
import * as bot from "./bot";
import * as followup from "./followup";
import { parseFrame } from "./frames";
import type { ConversationHost } from "./host";
import { operatorChanges, type OperatorAction } from "./operator-actions";
import { PreviewLink } from "./preview-link";
import { closeOperatorSockets, sessionOver, socketTags } from "./operator-sessions";
import { postOperatorReply, type OperatorReply } from "./operator-reply";
import { RateLimiter } from "./rate-limit";
import { CONVERSATION_MIGRATIONS } from "./schema";
import { SITE_SYNC_TIMER, SiteReport, type SummaryAnswer } from "./site-report";
import { ConversationStore, type ConversationState, type NewMessage } from "./store";
import { activityChanged, activityOf } from "./activity";
import { buildSummary } from "./summary";

/** Storage key: until when the Site blocked this conversation's visitor. */
const BLOCKED_KEY = "blockedUntil";
/** The heartbeat's answer: a server frame, so clients read it like any other. */
const PONG = JSON.stringify({ type: "pong" } satisfies ServerFrame);

/** Headers the Worker sets when it hands a verified socket to the object. */
export const PEER_HEADERS = {
  role: "X-Edgechat-Role",
  site: "X-Edgechat-Site",
  id: "X-Edgechat-Peer",
  name: "X-Edgechat-Name",
} as const;

type Handlers = {
  [T in OperatorFrame["type"]]: (ws: WebSocket, peer: Peer, frame: Extract<OperatorFrame, { type: T }>) => void;
};

export class Conversation extends SocketObject {
  protected readonly store: ConversationStore;
  protected readonly timers: Timers;
  private readonly limiter = new RateLimiter();
  private readonly report: SiteReport;
  private readonly previews: PreviewLink;
  /** The state row being created for the first socket (see admitVisitor). */
  private creating: Promise<void> | null = null;
  /** What feature modules see of this object. */
  protected readonly host: ConversationHost;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrate(ctx.storage.sql, CONVERSATION_MIGRATIONS);
    // The widget's and the admin's heartbeat (widget/heartbeat.ts): answered by the runtime,
    // so a ping neither wakes this object nor keeps it in memory.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", PONG));
    // A state row behind its messages (evicted or crashed before the summary): report again.
    this.store = new ConversationStore(ctx.storage.sql, () => queueMicrotask(() => this.report.changed()));
    this.timers = new Timers(ctx.storage, this.timerHandlers());
    this.report = new SiteReport(
      ctx,
      this.timers,
      () => this.syncSite(),
      () => this.previewToSite(),
    );
    this.previews = new PreviewLink(
      () => this.host.site(),
      () => this.report.previewsRefused(),
    );
    this.host = {
      id: ctx.id.toString(),
      env,
      sql: ctx.storage.sql,
      kv: ctx.storage.kv,
      store: this.store,
      timers: this.timers,
      site: () => siteStub(this.env, this.store.state()!.site_key),
      post: (message) => this.append(message),
      toVisitors: (frame) => broadcast(this.ctx.getWebSockets("visitor"), frame),
      toAll: (frame, side) => broadcast(this.ctx.getWebSockets(side), frame),
      changed: () => this.report.changed(),
      sockets: (tag) => this.ctx.getWebSockets(tag),
      socketTag: (ws) => this.ctx.getTags(ws).find((t) => t.startsWith("socket:")) ?? null,
    };
  }

  /** Timer kinds this object runs; the bot's steps will add theirs here. */
  protected timerHandlers(): Record<string, TimerHandler> {
    return {
      [SITE_SYNC_TIMER]: async () => void (await this.syncSite()),
      [autoreply.AUTOREPLY_TIMER]: (job) => autoreply.runAutoReply(this.host, job),
      [followup.FOLLOWUP_TIMER]: (job) => followup.runFollowup(this.host, job),
      [calls.CALL_RING_TIMER]: (_job, timer) => calls.ringOver(this.host, timer.key),
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
      return Response.json(
        { error: { code: "upgrade_required", message: "expected a WebSocket upgrade" } },
        { status: 426 },
      );
    }
    const role = request.headers.get(PEER_HEADERS.role);
    const siteKey = request.headers.get(PEER_HEADERS.site) ?? "";
    const id = request.headers.get(PEER_HEADERS.id) ?? "";
    if ((role !== "visitor" && role !== "operator") || !siteKey || !id) {
      return Response.json({ error: { code: "bad_request", message: "missing peer headers" } }, { status: 400 });
    }
    const refusal = role === "visitor" ? await this.admitVisitor(siteKey, id) : this.admitOperator(siteKey);
    if (refusal?.error.code === "not_found" && role === "operator") return goneSocket();
    if (refusal) return Response.json({ error: refusal.error }, { status: refusal.error.status });
    const name = request.headers.get(PEER_HEADERS.name);
    const { 0: client, 1: server } = new WebSocketPair();
    // Each socket gets a tag of its own: a call joins two sockets, not two people's tabs.
    this.ctx.acceptWebSocket(server, [...socketTags(request, role, id), `socket:${crypto.randomUUID()}`]);
    attachPeer(server, { role, id, ...(name ? { name: decodeURIComponent(name) } : {}) });
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const peer = peerOf(ws);
    if (!peer) return ws.close(1008, "unknown socket");
    if (peer.role === "operator" && sessionOver(this.ctx, ws)) return;
    const parsed = parseFrame(peer.role, data);
    if ("refused" in parsed) return sendError(ws, parsed.refused.code, parsed.refused.message, parsed.refused.clientId);
    try {
      (this.handlers[parsed.frame.type] as (ws: WebSocket, peer: Peer, frame: OperatorFrame) => void)(
        ws,
        peer,
        parsed.frame,
      );
    } catch (err) {
      console.error(`conversation: ${parsed.frame.type} frame failed`, err);
      const clientId = "clientId" in parsed.frame ? parsed.frame.clientId : undefined;
      sendError(ws, "internal", "this frame could not be handled; try again", clientId);
    }
  }

  private readonly handlers: Handlers = {
    hello: (ws, peer, f) => {
      this.onHello(ws, peer, f.lastSeq);
      if (peer.role === "visitor") this.defer(bot.greet(this.host));
    },
    message: (ws, peer, f) => this.onPost(ws, peer, f.clientId, f.text, false),
    note: (ws, peer, f) => this.onPost(ws, peer, f.clientId, f.text, true),
    typing: (ws, peer) => this.onTyping(ws, peer),
    read: (ws, peer, f) => this.onRead(ws, peer, f.seq),
    contact: (ws, peer, f) => this.onContact(ws, peer, f.email),
    transcript: (ws, peer) => this.onTranscript(ws, peer),
    acceptEmail: (ws, peer, f) => this.onAcceptEmail(ws, peer, f.seq),
    discardEmail: (ws, peer, f) => this.onDiscardEmail(ws, peer, f.seq),
    bot: (ws, peer, f) => {
      if (peer.role !== "visitor") return sendError(ws, "forbidden", "only the visitor answers the bot");
      this.defer(
        bot.onBotFrame(this.host, f).then((refused) => refused && sendError(ws, refused.code, refused.message)),
      );
    },
    call: (ws, peer, f) => this.defer(calls.onCallFrame(this.host, ws, peer, f)),
    rate: (ws, peer, f) => this.onRate(ws, peer, f),
  };

  /** A party's socket going away ends its call. */
  protected override socketGone(ws: WebSocket): void {
    calls.socketGone(this.host, ws);
  }

  // ---- RPC for the Worker, the Site and tests ----

  /**
   * Deletes this conversation for good (a contact's erasure, the site's retention): closes
   * every socket, clears the alarm and all storage. The object may wake again (a visitor with
   * an old token): the schema is put back and the state forgotten, so it starts empty.
   */
  async erase(siteKey: string): Promise<{ erased: boolean } | Failure> {
    const state = this.store.state();
    if (state && state.site_key !== siteKey)
      return failure(403, "forbidden", "this conversation belongs to another site");
    closeAll(this.ctx.getWebSockets(), CONVERSATION_GONE, "conversation erased");
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    migrate(this.ctx.storage.sql, CONVERSATION_MIGRATIONS);
    this.store.forget();
    // R2 last, once the conversation is gone: an upload that posts its file while R2 is
    // listed or deleting here (its bytes stored after the listing) finds no conversation and
    // deletes its own file, rather than being posted and left behind in R2.
    await files.eraseFiles(this.host, siteKey);
    return { erased: !!state };
  }

  /** Closes the operator sockets of an ended session or of an operator whose access changed. */
  async closeOperators(who: { session?: string; operator?: string }) {
    return closeOperatorSockets(this.ctx, who);
  }

  // ---- files (worker/files/conversation.ts) ----

  async admitFile(party: files.FileParty, clientId: string, size: number, limitBytes: number) {
    return files.admitFile(this.host, party, clientId, size, limitBytes);
  }
  async postFile(party: files.FileParty, clientId: string, file: Attachment, limitBytes: number) {
    return files.postFile(this.host, party, clientId, file, limitBytes);
  }
  async files(siteKey: string) {
    return files.filesFor(this.host, siteKey);
  }
  async roomForEmail(limitBytes: number) {
    return files.roomForEmail(this.host, limitBytes);
  }
  async deleteMessage(siteKey: string, seq: number) {
    return files.deleteMessage(this.host, siteKey, seq);
  }

  // ---- the site archive (./archive.ts) ----

  async archivePage(siteKey: string, afterSeq: number) {
    return archive.archivePage(this.host, siteKey, afterSeq);
  }
  async restore(siteKey: string, chunk: archive.RestoreChunk) {
    return archive.restore(this.host, this.ctx, siteKey, chunk);
  }

  /** A visitor's reply by email (the Worker's email() handler verified the signed address). */
  async receiveEmail(email: InboundEmail) {
    return receiveEmail(this.host, email);
  }

  /** What the Site learnt of the visitor later (an identity from the shop). */
  async updateVisitor(fields: { email: string | null; name: string | null; verified: boolean }): Promise<void> {
    const state = this.store.state();
    if (!state) return;
    const newEmail = fields.email && fields.email !== state.email;
    this.store.update({
      email: fields.email ?? state.email,
      visitor_name: fields.name ?? state.visitor_name,
      verified: fields.verified ? 1 : newEmail ? 0 : state.verified,
      ...(fields.email ? { ask_email: 0 } : {}),
    });
    if (fields.email)
      broadcast(this.ctx.getWebSockets("visitor"), { type: "contact", emailKnown: true, askEmail: false });
    this.report.changed();
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

  /** A booking of this conversation's visitor changed: a system message with `meta.appointment`. */
  async noteAppointment(siteKey: string, event: AppointmentEvent, text: string): Promise<void> {
    if (this.store.state()?.site_key !== siteKey) return;
    this.host.post({ author: { kind: "system" }, text, at: Date.now(), meta: { appointment: event } });
  }

  /** Calls answered in this conversation between two instants (a booked slot's window). */
  async answeredCallsBetween(siteKey: string, from: number, to: number): Promise<number> {
    if (this.store.state()?.site_key !== siteKey) return 0;
    return calls.answeredBetween(this.host, from, to);
  }

  /**
   * The visitor's lines in `after < seq <= upTo` (at most 20), for a notification read away
   * from the admin: the inbox summary carries only the newest line, cut at 200 characters.
   */
  async visitorLinesBetween(siteKey: string, after: number, upTo: number): Promise<string[]> {
    if (this.store.state()?.site_key !== siteKey) return [];
    return this.store
      .visitorMessagesBetween(after, upTo, 20)
      .map((m) => m.text)
      .filter(Boolean);
  }

  /** The visitor's rating from the rating email's page: the same rules as the widget's rate frame. */
  async rateByEmail(siteKey: string, rating: number, comment: string | undefined): Promise<Failure | null> {
    const state = this.store.state();
    if (!state || state.site_key !== siteKey) return failure(404, "not_found", "no such conversation");
    const id = this.ctx.id.toString();
    const refusal = csat.refusal("visitor", id, state, { conversationId: id });
    if (refusal) return failure(409, refusal.code, refusal.message);
    this.recordRating(rating, comment, "email");
    return null;
  }

  /** Whether this conversation is `siteKey`'s: "yes", "other" (another site's) or "none" (no visitor ever connected). */
  async belongsTo(siteKey: string): Promise<"yes" | "other" | "none"> {
    const state = this.store.state();
    return !state ? "none" : state.site_key === siteKey ? "yes" : "other";
  }

  /** Resolve, reopen or assign, asked by an operator of `siteKey`; returns the new summary. */
  async operatorAction(siteKey: string, action: OperatorAction): Promise<InboxEntry | Failure> {
    const refusal = this.operatorRefusal(siteKey);
    if (refusal) return refusal;
    const before = this.store.state()!.status;
    const after = this.store.update(operatorChanges(action, Date.now()));
    if (after.status !== before) this.statusChanged(after);
    this.report.changed();
    return buildSummary(this.host.id, this.store);
  }

  /** An operator's answer from outside the admin (Telegram), posted as one from the admin socket is. */
  async postOperatorReply(siteKey: string, reply: OperatorReply) {
    return this.operatorRefusal(siteKey) ?? postOperatorReply(this.host, reply);
  }

  /** An operator's first words to a visitor on the site (Online now): creates the conversation if needed. */
  async startByOperator(siteKey: string, visitorId: string, reply: OperatorReply) {
    return (await this.admitVisitor(siteKey, visitorId)) ?? postOperatorReply(this.host, reply);
  }

  /** The Site blocked (or, with 0, unblocked) this conversation's visitor: their sockets close now. */
  async blockVisitor(siteKey: string, until: number): Promise<void> {
    if (this.store.state()?.site_key !== siteKey) return;
    if (until > Date.now()) {
      await this.ctx.storage.put(BLOCKED_KEY, until);
      closeAll(this.ctx.getWebSockets("visitor"), 4003, "visitor blocked");
    } else await this.ctx.storage.delete(BLOCKED_KEY);
  }

  /**
   * Tells the visitor's tabs that the conversation was resolved or reopened; a resolved one
   * nobody rated and no tab is showing asks for the rating by email instead.
   */
  private statusChanged(state: ConversationState): void {
    const tabs = this.ctx.getWebSockets("visitor");
    broadcast(tabs, { type: "status", status: state.status });
    if (state.status === "resolved" && tabs.length === 0 && state.rating === null && state.email)
      this.defer(csatEmail.askByEmail(this.host, state));
  }

  // ---- admission ----

  private async admitVisitor(siteKey: string, visitorId: string): Promise<Failure | null> {
    if (!this.store.state()) {
      // The tabs of a new conversation may connect at once (and an operator may write first):
      // the first creates it while the others wait for it, rather than create it again.
      this.creating ??= this.create(siteKey, visitorId).finally(() => {
        this.creating = null;
      });
      await this.creating;
    }
    const state = this.store.state()!;
    if (state.site_key !== siteKey || state.visitor_id !== visitorId)
      return failure(403, "forbidden", "this conversation belongs to another visitor");
    const until = await this.ctx.storage.get<number>(BLOCKED_KEY);
    return until && until > Date.now() ? failure(403, "visitor_blocked", "chat is unavailable for this visitor") : null;
  }

  /** First contact: the state row, with what the site knows of the visitor, taken once. */
  private async create(siteKey: string, visitorId: string): Promise<void> {
    const contact = await siteStub(this.env, siteKey).contactOf(visitorId);
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
  }

  private admitOperator(siteKey: string): Failure | null {
    return this.operatorRefusal(siteKey);
  }

  private operatorRefusal(siteKey: string): Failure | null {
    const state = this.store.state();
    if (!state) return failure(404, "not_found", "no such conversation");
    if (state.site_key !== siteKey) return failure(403, "forbidden", "this conversation belongs to another site");
    return null;
  }

  // ---- frame handlers ----

  private onHello(ws: WebSocket, peer: Peer, lastSeq: number): void {
    const page = this.store.after(lastSeq, WELCOME_PAGE + 1, peer.role);
    const more = page.length > WELCOME_PAGE;
    const messages = more ? page.slice(0, WELCOME_PAGE) : page;
    const entry = peer.role === "operator" ? { entry: listed(buildSummary(this.host.id, this.store)) } : {};
    send(ws, { type: "welcome", conversation: this.view(), messages, more, ...entry });
    calls.greet(this.host, ws, peer);
  }

  /** A message, or an operator's internal note; a clientId already stored is acknowledged again. */
  private onPost(ws: WebSocket, peer: Peer, clientId: string, text: string, note: boolean): void {
    const known = this.store.rememberedSeqOf(clientId);
    if (known !== null) return send(ws, { type: "ack", clientId, seq: known });
    const now = Date.now();
    const waitMs = this.limiter.hit(`${peer.role}:${peer.id}`, now);
    if (waitMs > 0) {
      return sendError(
        ws,
        "rate_limited",
        `at most 20 messages in 10 seconds; try again in ${Math.ceil(waitMs / 1000)} s`,
        clientId,
      );
    }
    const state = this.store.state()!;
    const author =
      peer.role === "operator"
        ? { kind: "operator" as const, id: peer.id, ...(peer.name ? { name: peer.name } : {}) }
        : { kind: "visitor" as const, ...(state.visitor_name ? { name: state.visitor_name } : {}) };
    const input = { clientId, author, text, at: now, ...(note ? { meta: { internal: true } } : {}) };
    // An older message sent again (after a reconnect) is found by the store, not by a read first.
    const stored = this.store.append(input, { onDuplicate: "report" });
    if ("duplicateOf" in stored) return send(ws, { type: "ack", clientId, seq: stored.duplicateOf });
    send(ws, { type: "ack", clientId, seq: this.announce(input, stored, ws).seq });
  }

  private onTyping(ws: WebSocket, peer: Peer): void {
    const author =
      peer.role === "operator"
        ? { kind: "operator" as const, ...(peer.name ? { name: peer.name } : {}) }
        : { kind: "visitor" as const };
    // A visitor's own tabs do not need to see the visitor typing, nor an operator's other
    // windows that operator ("Anna is typing…" on her phone while she types on her laptop).
    const targets =
      peer.role === "visitor"
        ? this.ctx.getWebSockets("operator")
        : this.ctx.getWebSockets().filter((s) => {
            const other = peerOf(s);
            return !(other?.role === "operator" && other.id === peer.id);
          });
    broadcast(targets, { type: "typing", author }, ws);
  }

  private onRead(ws: WebSocket, peer: Peer, seq: number): void {
    const state = this.store.state()!;
    const column = peer.role === "visitor" ? "visitor_read_seq" : "operator_read_seq";
    const upTo = Math.min(seq, this.store.lastSeq());
    if (upTo <= state[column]) return;
    this.store.update({ [column]: upTo });
    broadcast(this.ctx.getWebSockets(), { type: "read", seq: upTo, by: peer.role }, ws);
    if (peer.role === "operator") this.report.changed();
  }

  private onContact(ws: WebSocket, peer: Peer, email: string): void {
    if (peer.role !== "visitor") return sendError(ws, "forbidden", "only the visitor can leave their contact");
    const state = this.store.update({ email, ask_email: 0, verified: 0 });
    broadcast(this.ctx.getWebSockets("visitor"), { type: "contact", emailKnown: true, askEmail: false });
    this.defer(siteStub(this.env, state.site_key).saveContact(state.visitor_id, { email }));
    this.defer(followup.answerPosted(this.host, Date.now()));
    this.report.changed();
  }

  /** The visitor's rating of a resolved conversation: once, and only of this one. */
  private onRate(ws: WebSocket, peer: Peer, f: RateFrame): void {
    const refusal = csat.refusal(peer.role, this.ctx.id.toString(), this.store.state()!, f);
    if (refusal) return sendError(ws, refusal.code, refusal.message);
    this.recordRating(f.rating, f.comment, "chat");
  }

  private recordRating(rating: number, comment: string | undefined, via: "chat" | "email"): void {
    const at = Date.now();
    this.store.update({ rating, rating_comment: comment || null, rated_at: at });
    this.append({
      author: { kind: "system" },
      text: csat.ratingText(rating, comment),
      at,
      meta: { rating, ...(comment ? { comment } : {}), ...(via === "email" ? { ratedBy: "email" } : {}) },
    });
    broadcast(this.ctx.getWebSockets("visitor"), { type: "rated", rating });
  }

  private onTranscript(ws: WebSocket, peer: Peer): void {
    const email = this.store.state()!.email;
    if (peer.role !== "visitor") return sendError(ws, "forbidden", "operators send transcripts from the admin");
    if (!email) return sendError(ws, "no_email", "leave your email first, then ask for the transcript");
    this.defer(
      followup.sendTranscript(this.host, email).then(
        (sent) =>
          sent.status === "outbox" || sent.status === "sent" || sent.status === "retrying"
            ? send(ws, { type: "transcript", sentTo: email })
            : sendError(ws, "not_sent", `the transcript was not sent (${sent.status})`),
        () => sendError(ws, "not_sent", "the transcript could not be sent; try again later"),
      ),
    );
  }

  /** An operator vouches for an email held for its sender: its copy becomes the visitor's message. */
  private onAcceptEmail(ws: WebSocket, peer: Peer, seq: number): void {
    const result = acceptHeldEmail(this.host, seq, peer.id);
    if (isFailure(result)) return sendError(ws, result.error.code as ErrorCode, result.error.message);
    broadcast(this.ctx.getWebSockets("operator"), { type: "message", message: result.held });
  }

  private onDiscardEmail(ws: WebSocket, peer: Peer, seq: number): void {
    const result = discardHeldEmail(this.host, seq, peer.id);
    if (isFailure(result)) return sendError(ws, result.error.code as ErrorCode, result.error.message);
    broadcast(this.ctx.getWebSockets("operator"), { type: "message", message: result });
    this.report.changed();
  }

  // ---- the one way a message enters the conversation ----

  /**
   * Stores a message (one INSERT; the state it changes is written with the next summary), tells every
   * socket that may see it but `origin`, and marks the Site's summary due. Visitor, operator,
   * bot, system, email messages and internal notes all come here. A note is shown to
   * operators only and is no answer: it changes no wait, no first response. An email held
   * for its sender (`meta.unverifiedSender`) is shown to operators only too, and only
   * reopens the conversation: it is nobody's words until an operator accepts it.
   */
  protected append(input: NewMessage, origin?: WebSocket): Message {
    return this.announce(input, this.store.append(input), origin);
  }

  /** What follows a message's INSERT: the state it changes, the sockets, the Site's summary. */
  private announce(input: NewMessage, message: Message, origin?: WebSocket): Message {
    if (input.attachments?.length)
      recordFiles(this.ctx.storage.sql, message.seq, input.author.kind, input.at, input.attachments);
    if (input.author.kind === "bot" || input.author.kind === "system") activityChanged(this.ctx.storage.sql);
    const before = this.store.state()!;
    const note = input.meta?.internal === true;
    const held = input.meta?.unverifiedSender === true;
    // What the message changes in the state is the store's rule (messageChanges): it is
    // written with the next summary, and replayed from the messages after a crash.
    this.store.applyMessage(message);
    const after = this.store.state()!;
    // A visitor's line (or a held email) reopens a resolved conversation: the tabs hear it as
    // from an operator's reopen, so a rating prompt still shown goes away.
    if (before.status === "resolved" && after.status !== "resolved") this.statusChanged(after);
    if (held) {
      // nobody's words yet: no wait starts or ends
    } else if (input.author.kind === "visitor") {
      if (before.waiting_since === null && (input.channel ?? "chat") === "chat")
        this.defer(autoreply.startWait(this.host, input.at));
      if (bot.mayAnswer(this.host, message)) this.defer(bot.afterVisitorMessage(this.host, message));
    } else if (input.author.kind === "operator" && !note) {
      if (before.waiting_since !== null) this.defer(autoreply.endWait(this.host));
      this.defer(followup.answerPosted(this.host, input.at));
    }
    broadcast(this.ctx.getWebSockets(note || held ? "operator" : undefined), { type: "message", message }, origin);
    this.report.changed();
    return message;
  }

  // ---- views ----

  private view(): ConversationView {
    const state = this.store.state()!;
    return {
      id: this.ctx.id.toString(),
      status: state.status,
      lastSeq: this.store.lastSeq(),
      readSeq: { visitor: state.visitor_read_seq, operator: state.operator_read_seq },
      emailKnown: !!state.email,
      askEmail: !state.email && state.ask_email === 1,
      rating: state.rating,
    };
  }

  /**
   * Sends the newest summary, unsaved, for operators' lists (SiteReport decides when); the
   * Site answers whether it wants more. Its `rev` is the one the next saved summary will
   * carry, so the Site can tell them apart.
   */
  private previewToSite(): Promise<boolean> | undefined {
    if (!this.store.state() || !this.store.lastSeq()) return;
    const summary = buildSummary(this.host.id, this.store);
    return this.previews.send({
      id: summary.id,
      rev: summary.rev,
      lastSeq: summary.lastSeq,
      frame: conversationFrame(summary),
    });
  }

  /** Sends the newest summary to the Site (SiteReport decides when). */
  private async syncSite(): Promise<SummaryAnswer | null> {
    const state = this.store.state();
    if (!state || !this.store.lastSeq()) return null; // nothing to list until the first message
    this.store.save();
    const summary = { ...buildSummary(this.host.id, this.store), activity: activityOf(this.ctx.storage.sql) };
    return siteStub(this.env, state.site_key).conversationChanged(summary);
  }
}

/**
 * An operator's socket to a conversation with nothing stored (erased while their tab was
 * away, or a link to one that never began), closed at once with CONVERSATION_GONE: a
 * refused upgrade looks to a browser like a network error, and its tab would try again
 * for ever over what it showed before.
 */
function goneSocket(): Response {
  const { 0: client, 1: server } = new WebSocketPair();
  server.accept();
  server.close(CONVERSATION_GONE, "no such conversation: it was erased");
  return new Response(null, { status: 101, webSocket: client });
}
