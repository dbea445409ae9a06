/**
 * Site Durable Object: one per site (`idFromName(siteKey)`). Owns settings, operators and
 * their sessions, contacts, the inbox index fed by conversation summaries, and operators'
 * live sockets (presence). Methods are called over RPC by the Worker and by Conversations.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { failure, type Failure } from "../lib/errors";
import { hmacSha256, fromHex, randomHex, sameBytes } from "../lib/crypto";
import { migrate } from "../lib/migrate";
import { Timers } from "../lib/timers";
import type { Identity, InboxEntry, SiteServerFrame, Trail } from "../protocol";
import * as auth from "./auth";
import { SITE_MIGRATIONS } from "./schema";
import type { AutoReplySettings } from "../autoreply";
import * as siteAutoReply from "./autoreply";
import * as siteEmail from "./email-settings";
import { newChatEmail } from "../email";
import { EMAIL_RETRY_TIMER, Mailer, type MailRequest, type OutboxEntry, type OutboxStatus } from "./outbox";
import { fieldFailure, type FieldFailure } from "./field-failure";
import { originAllowed, siteSettings, type SiteSettings, type WidgetConfig } from "./settings";
import type { Routing, VisitorClient } from "../protocol";
import type { AccountMailer } from "./account-mail";
import { SiteAdmin } from "./admin-app";
import * as adminSettings from "./admin-settings";
import * as audit from "./audit";
import * as canned from "./canned";
import * as departments from "./departments";
import * as invites from "./invites";
import * as passwordReset from "./password-reset";
import * as routing from "./routing";
import { searchInbox } from "./search";
import * as operatorSessions from "./sessions";
import * as team from "./team";
import { recordClient, visitorCard } from "./visitor-card";
import { SiteLifecycle, type SignedCall } from "./lifecycle";
import { orderEvents } from "./plugin-events";
import * as siteSecrets from "./secrets";
import { notLive, type NewSite } from "./signup";

export interface Contact {
  visitorId: string;
  userId: string | null;
  email: string | null;
  name: string | null;
  verified: boolean;
  locale: string | null;
  timezone: string | null;
  trail: Trail | null;
}

export interface SessionRequest {
  origin: string | null;
  /** From a valid visitor token, if the widget had one. */
  visitorId?: string;
  conversationId?: string;
  identity?: Identity;
  trail?: Trail;
  locale?: string;
  timezone?: string;
  /** Country and city from `request.cf`, and the User-Agent (for the visitor card). */
  client?: VisitorClient;
}

export interface SessionGrant {
  visitorId: string;
  conversationId: string;
  config: WidgetConfig;
}

export class Site extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  protected readonly timers: Timers;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    migrate(this.sql, SITE_MIGRATIONS);
    this.timers = new Timers(ctx.storage, {
      [EMAIL_RETRY_TIMER]: (job: { id: string }) => this.mailer.retry(job.id),
      ...this.lifecycle().timerHandlers(),
    });
    this.mailer = new Mailer(this.sql, env, this.timers, () => this.settings()?.name ?? "Edgechat");
  }

  /** Sends email for this site (invites, follow-ups, transcripts, notifications). */
  readonly mailer: Mailer;

  // ---- setup and settings ----

  /** Creates the site with its owner. Fails with 409 if the site exists already. */
  async create(input: {
    siteKey: string;
    settings: unknown;
    owner: { email: string; name: string; password: string };
  }): Promise<{ siteKey: string; identitySecret: string; owner: auth.Operator } | Failure> {
    if (this.settings()) return failure(409, "site_exists", `site ${input.siteKey} already exists`);
    const parsed = siteSettings.safeParse(input.settings);
    if (!parsed.success) return failure(400, "invalid_settings", parsed.error.issues[0]!.message);
    const owner = await auth.createOperator(this.sql, { ...input.owner, role: "owner" });
    if ("error" in owner) return owner;
    const identitySecret = randomHex(32);
    this.put("site_key", input.siteKey);
    this.put("identity_secret", identitySecret);
    this.put("settings", parsed.data);
    return { siteKey: input.siteKey, identitySecret, owner };
  }

  /** The site's settings, or null when the site does not exist. */
  settings(): SiteSettings | null {
    return this.get<SiteSettings>("settings");
  }

  private get<T>(key: string): T | null {
    const row = this.sql.exec<{ value: string }>("SELECT value FROM settings WHERE key = ?", key).toArray()[0];
    return row ? (JSON.parse(row.value) as T) : null;
  }

  private put(key: string, value: unknown): void {
    this.sql.exec(
      "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      key, JSON.stringify(value),
    );
  }

  // ---- visitors ----

  /**
   * Starts or resumes a visitor's session: checks the origin and the identity, picks the
   * visitor and their open conversation (or a new conversation id; the Conversation object
   * itself is only created when the visitor connects), and stores the trail if sent.
   */
  async startSession(req: SessionRequest): Promise<SessionGrant | Failure> {
    const settings = this.settings();
    if (!settings) return failure(404, "unknown_site", "no such site");
    const pending = notLive(this.sql);
    if (pending) return pending;
    if (!originAllowed(req.origin, settings.allowedOrigins)) {
      return failure(403, "origin_not_allowed",
        `origin ${req.origin ?? "(none)"} is not allowed for this site; add it to the site's allowed origins`);
    }
    let visitorId = req.visitorId;
    if (req.identity) {
      if (!(await this.identityValid(req.identity)) && !(await this.lifecycle().identityValidInGrace(req.identity))) {
        return failure(401, "bad_identity", "identity hash does not match HMAC-SHA256(identity secret, userId)");
      }
      visitorId = this.contactByUser(req.identity.userId)?.visitorId ?? visitorId;
    }
    visitorId ??= `v_${randomHex(12)}`;
    if (req.identity || req.trail) this.upsertContact(visitorId, req);
    if (req.client) recordClient(this.sql, visitorId, req.client);
    const conversationId = this.openConversationOf(visitorId, req.visitorId === visitorId ? req.conversationId : undefined);
    const contact = this.contactOf(visitorId);
    if (req.identity && contact && (await this.hasConversation(conversationId))) {
      // The conversation copied the visitor at first contact; an identity learnt later updates it.
      const conversation = this.env.CONVERSATION.get(this.env.CONVERSATION.idFromString(conversationId));
      this.ctx.waitUntil(conversation.updateVisitor({ email: contact.email, name: contact.name, verified: true }).catch(
        (err) => console.error("site: identity update failed", err),
      ));
    }
    return {
      visitorId,
      conversationId,
      config: {
        siteName: settings.name,
        locale: settings.locale,
        look: settings.look,
        operatorsOnline: this.ctx.getWebSockets("operator").length > 0,
        emailKnown: !!contact?.email,
      },
    };
  }

  private async identityValid(identity: Identity): Promise<boolean> {
    const secret = this.get<string>("identity_secret");
    const given = fromHex(identity.hash);
    return !!secret && !!given && sameBytes(given, await hmacSha256(secret, identity.userId));
  }

  /** The conversation a visitor should continue: the token's if still open, else their open one, else new. */
  private openConversationOf(visitorId: string, fromToken?: string): string {
    if (fromToken) {
      const row = this.sql.exec<{ status: string }>("SELECT status FROM inbox WHERE id = ?", fromToken).toArray()[0];
      if (!row || row.status === "open") return fromToken;
    }
    const open = this.sql.exec<{ id: string }>(
      "SELECT id FROM inbox WHERE visitor_id = ? AND status = 'open' ORDER BY updated_at DESC LIMIT 1", visitorId,
    ).toArray()[0];
    return open?.id ?? this.env.CONVERSATION.newUniqueId().toString();
  }

  private contactByUser(userId: string): Contact | null {
    const row = this.sql.exec<{ visitor_id: string }>("SELECT visitor_id FROM contacts WHERE user_id = ?", userId).toArray()[0];
    return row ? this.contactOf(row.visitor_id) : null;
  }

  private upsertContact(visitorId: string, req: SessionRequest): void {
    const now = Date.now();
    const id = req.identity;
    this.sql.exec(
      `INSERT INTO contacts (visitor_id, user_id, email, name, verified, locale, timezone, trail, first_seen, last_seen)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (visitor_id) DO UPDATE SET
         user_id = COALESCE(excluded.user_id, user_id), email = COALESCE(excluded.email, email),
         name = COALESCE(excluded.name, name), verified = MAX(verified, excluded.verified),
         locale = COALESCE(excluded.locale, locale), timezone = COALESCE(excluded.timezone, timezone),
         trail = COALESCE(excluded.trail, trail), last_seen = excluded.last_seen`,
      visitorId, id?.userId ?? null, id?.email ?? null, id?.name ?? null, id ? 1 : 0,
      req.locale ?? null, req.timezone ?? null, req.trail ? JSON.stringify(req.trail) : null, now, now,
    );
  }

  /** What the site knows of a visitor, or null for one who never wrote nor was identified. */
  contactOf(visitorId: string): Contact | null {
    const r = this.sql.exec<Record<string, any>>("SELECT * FROM contacts WHERE visitor_id = ?", visitorId).toArray()[0];
    if (!r) return null;
    return {
      visitorId, userId: r.user_id, email: r.email, name: r.name, verified: r.verified === 1,
      locale: r.locale, timezone: r.timezone, trail: r.trail ? JSON.parse(r.trail) : null,
    };
  }

  /** Records what a visitor told us (their email in the chat, for now). */
  async saveContact(visitorId: string, fields: { email?: string; name?: string }): Promise<void> {
    const now = Date.now();
    this.sql.exec(
      `INSERT INTO contacts (visitor_id, email, name, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (visitor_id) DO UPDATE SET email = COALESCE(excluded.email, email),
         name = COALESCE(excluded.name, name), last_seen = excluded.last_seen`,
      visitorId, fields.email ?? null, fields.name ?? null, now, now,
    );
  }

  // ---- inbox ----

  /** A Conversation's summary after a change; older summaries than the stored one are ignored. */
  async conversationChanged(entry: InboxEntry): Promise<void> {
    const isNew = this.sql.exec("SELECT 1 FROM inbox WHERE id = ?", entry.id).toArray().length === 0;
    if (isNew && entry.lastMessage?.author === "visitor" && this.ctx.getWebSockets("operator").length === 0) {
      this.ctx.waitUntil(this.notifyOperators(entry).catch((err) => console.error("site: notify failed", err)));
    }
    const { rowsWritten } = this.sql.exec(
      `INSERT INTO inbox (id, visitor_id, status, updated_at, rev, entry) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at,
         rev = excluded.rev, entry = excluded.entry WHERE excluded.rev > inbox.rev`,
      entry.id, entry.visitorId, entry.status, entry.updatedAt, entry.rev, JSON.stringify(entry),
    );
    if (rowsWritten > 0) this.toOperators({ type: "conversation", conversation: entry });
    if (rowsWritten > 0) this.adminApp().afterInboxChange(entry);
  }

  /** Inbox entries, newest activity first. */
  async inbox(filter: { status?: "open" | "resolved"; limit?: number } = {}): Promise<InboxEntry[]> {
    const limit = Math.min(filter.limit ?? 100, 500);
    const rows = filter.status
      ? this.sql.exec<{ entry: string }>("SELECT entry FROM inbox WHERE status = ? ORDER BY updated_at DESC LIMIT ?", filter.status, limit)
      : this.sql.exec<{ entry: string }>("SELECT entry FROM inbox ORDER BY updated_at DESC LIMIT ?", limit);
    return rows.toArray().map((r) => JSON.parse(r.entry) as InboxEntry);
  }

  /** True when the conversation is listed in this site's inbox. */
  async hasConversation(id: string): Promise<boolean> {
    return this.sql.exec("SELECT 1 FROM inbox WHERE id = ?", id).toArray().length > 0;
  }

  // ---- sites and data rights (issue 8) ----
  // RPC for worker/api/signup*.ts, plugin*.ts and admin-data.ts; the rules live in
  // ./lifecycle.ts and the modules it names.

  #lifecycle?: SiteLifecycle;
  private lifecycle(): SiteLifecycle {
    return (this.#lifecycle ??= new SiteLifecycle({
      storage: this.ctx.storage,
      env: this.env,
      timers: () => this.timers,
      mailer: () => this.mailer,
      siteKey: () => this.get<string>("site_key"),
    }));
  }

  async createSite(input: NewSite) { return this.lifecycle().createSite(input); }
  async confirmSite(token: string, linkBase: string) { return this.lifecycle().confirmSite(token, linkBase); }
  async signupEmails() { return this.lifecycle().signupEmails(); }
  async pluginStatus(call: SignedCall) { return this.lifecycle().pluginStatus(call); }
  async pluginEvent(call: SignedCall) { return this.lifecycle().pluginEvent(call); }
  async orderEvents(range?: { since?: number; until?: number; limit?: number }) { return orderEvents(this.sql, range); }
  async wooCustomer(visitorId: string) { return this.lifecycle().wooCustomer(visitorId); }
  async secretsInfo() { return siteSecrets.secretsInfo(this.sql); }
  async rotateSecret(actor: audit.Actor, name: siteSecrets.SecretName, graceHours?: number) {
    return siteSecrets.rotateSecret(this.sql, actor, name, graceHours);
  }
  async eraseContact(actor: audit.Actor, target: { visitorId: string; confirm: string } | { email: string; confirm: string }) {
    return this.lifecycle().eraseContact(actor, target);
  }
  async retentionMonths() { return this.lifecycle().retentionMonths(); }
  async saveRetention(actor: audit.Actor, months: number | null) { return this.lifecycle().saveRetention(actor, months); }

  // ---- email (issue 5) ----

  /** Queues and sends one email (a Conversation's follow-up or transcript). */
  async sendMail(req: MailRequest): Promise<{ id: string; status: OutboxStatus }> {
    return this.mailer.send(req);
  }

  /** The outbox, newest first: everything sent or being retried, with its state. */
  async outbox(limit?: number): Promise<OutboxEntry[]> {
    return this.mailer.list(limit);
  }

  /** Stops follow-ups to an address (the unsubscribe link and List-Unsubscribe). */
  async unsubscribe(email: string): Promise<void> {
    this.mailer.unsubscribe(email);
  }

  /** The site's email settings (follow-up delay, operator notifications). */
  async emailSettings(): Promise<siteEmail.EmailSettings> {
    return siteEmail.emailSettings.parse(this.get("email") ?? {});
  }

  /** Validates and saves email settings; a 400 names the field. */
  async saveEmailSettings(actor: audit.Actor, input: unknown): Promise<siteEmail.EmailSettings | FieldFailure> {
    const parsed = siteEmail.emailSettings.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.join(".") || "_";
      return fieldFailure(400, "invalid_settings", field, `${field}: ${issue.message}`);
    }
    const before = await this.emailSettings();
    this.put("email", parsed.data);
    audit.record(this.sql, actor, "email.update", null, audit.diff(before, parsed.data));
    return parsed.data;
  }

  /** Emails every operator that a conversation started while none of them was online. */
  private async notifyOperators(entry: InboxEntry): Promise<void> {
    const site = this.settings();
    if (!site || !(await this.emailSettings()).notifyOperators) return;
    const operators = this.sql.exec<{ email: string; name: string }>("SELECT email, name FROM operators").toArray();
    const adminUrl = `${(this.env.PUBLIC_URL ?? "http://localhost:8787").replace(/\/$/, "")}/admin/c/${entry.id}`;
    const mail = newChatEmail({
      site: site.name, locale: site.locale, visitor: entry.visitorName ?? entry.email ?? "Visitor",
      text: entry.lastMessage?.text ?? "", adminUrl,
    });
    for (const op of operators) await this.mailer.send({ kind: "notify", to: op.email, toName: op.name, ...mail });
  }

  /** What a Conversation needs to write a follow-up or transcript for this visitor. */
  async emailContext(visitorId: string): Promise<siteEmail.EmailContext | null> {
    const site = this.settings();
    if (!site) return null;
    return siteEmail.emailContext(this.env, site, await this.emailSettings(), this.contactOf(visitorId));
  }

  // ---- auto-replies (issue 4) ----

  /** The auto-reply settings in force (the defaults until the owner saves some). */
  async autoReplySettings(): Promise<AutoReplySettings | null> {
    const site = this.settings();
    return site ? siteAutoReply.effectiveSettings(this.get<AutoReplySettings>("autoreply"), site) : null;
  }

  /** Validates and saves auto-reply settings; a 400 names the field. */
  async saveAutoReplySettings(actor: audit.Actor, input: unknown): Promise<AutoReplySettings | FieldFailure> {
    const checked = siteAutoReply.validateAutoReplySettings(input);
    if (!checked.ok) return fieldFailure(400, "invalid_settings", checked.field, `${checked.field}: ${checked.message}`);
    const before = await this.autoReplySettings();
    this.put("autoreply", checked.value);
    audit.record(this.sql, actor, "autoreply.update", null, audit.diff(before ?? {}, checked.value));
    return checked.value;
  }

  /** What a Conversation needs to choose an auto-reply for this visitor. */
  async autoReplyContext(visitorId: string): Promise<siteAutoReply.AutoReplyContext | null> {
    const site = this.settings();
    if (!site) return null;
    const conversations = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM inbox WHERE visitor_id = ?", visitorId).one().n;
    const settings = siteAutoReply.effectiveSettings(this.get<AutoReplySettings>("autoreply"), site);
    return siteAutoReply.replyContext(settings, site, this.contactOf(visitorId), conversations);
  }

  // ---- admin app (issue 6) ----
  // RPC for worker/api/admin-*.ts. The route has checked the session and the role; the
  // modules named here keep the rules that need storage and write the audit log.

  #admin?: SiteAdmin;
  private adminApp(): SiteAdmin {
    return (this.#admin ??= new SiteAdmin({
      sql: this.sql, ctx: this.ctx, env: this.env,
      siteKey: () => this.get<string>("site_key"),
      settings: () => this.settings(),
      mailer: () => this.mailer,
    }));
  }

  async team() { return team.listTeam(this.sql, this.adminApp().online()); }
  async updateOperator(actor: audit.Actor, id: string, patch: { name?: string; role?: auth.Role; capacity?: number }) {
    const result = team.updateOperator(this.sql, actor, id, patch);
    if (!("error" in result) && patch.capacity !== undefined) this.ctx.waitUntil(this.adminApp().routeQueue());
    return result;
  }
  async removeOperator(actor: audit.Actor, id: string) {
    const result = team.removeOperator(this.sql, actor, id);
    if (!("error" in result)) this.adminApp().disconnect(id);
    return result;
  }
  async pendingInvites() { return invites.listInvites(this.sql); }
  async invite(actor: audit.Actor, input: { email: string; name?: string; role: "admin" | "operator" }, origin: string) {
    return this.adminApp().invite(actor, input, origin);
  }
  async revokeInvite(actor: audit.Actor, id: string) { return invites.revokeInvite(this.sql, actor, id); }
  async inviteInfo(token: string) { return this.adminApp().inviteInfo(token); }
  async acceptInvite(token: string, input: { name: string; password: string }, client: { ip?: string; userAgent?: string }) {
    return this.adminApp().acceptInvite(token, input, client);
  }
  async requestPasswordReset(email: string, origin: string) { return this.adminApp().requestPasswordReset(email, origin); }
  async resetPassword(token: string, password: string) { return passwordReset.completeReset(this.sql, token, password); }
  async sessionsOf(operatorId: string, currentToken: string) { return operatorSessions.listSessions(this.sql, operatorId, currentToken); }
  async endSessionOf(operatorId: string, id: string) { return operatorSessions.endSession(this.sql, operatorId, id); }
  async departments() { return departments.listDepartments(this.sql); }
  async saveDepartment(actor: audit.Actor, id: string | null, input: { name: string; operatorIds: string[] }) {
    return departments.saveDepartment(this.sql, actor, id, input);
  }
  async deleteDepartment(actor: audit.Actor, id: string) { return departments.deleteDepartment(this.sql, actor, id); }
  async routing() { return routing.readRouting(this.sql); }
  async saveRouting(actor: audit.Actor, input: Routing) {
    const result = routing.saveRouting(this.sql, actor, input);
    if (!("error" in result)) this.ctx.waitUntil(this.adminApp().routeQueue());
    return result;
  }
  async cannedResponses() { return canned.listCanned(this.sql); }
  async saveCanned(actor: audit.Actor, id: string | null, input: { shortcut: string; title: string; text: string }) {
    return canned.saveCanned(this.sql, actor, id, input);
  }
  async deleteCanned(actor: audit.Actor, id: string) { return canned.deleteCanned(this.sql, actor, id); }
  async updateSettings(actor: audit.Actor, patch: adminSettings.SettingsPatch) { return adminSettings.applySettingsPatch(this.sql, actor, patch); }
  /** The admin app's rotation: the same as rotateSecret("identity"), with the default grace period. */
  async rotateIdentitySecret(actor: audit.Actor) { return siteSecrets.rotateSecret(this.sql, actor, "identity").secret; }
  async auditLog(before?: number) { return audit.list(this.sql, { before }); }
  async searchInbox(query: string) { return searchInbox(this.sql, query); }
  async visitorCard(conversationId: string) { return visitorCard(this.sql, conversationId); }
  async assignTarget(input: { operatorId?: string | null; departmentId?: string | null }) { return this.adminApp().assignTarget(input); }
  async routeQueue() { return this.adminApp().routeQueue(); }

  // ---- operators ----

  async login(email: string, password: string, client: { ip?: string; userAgent?: string }) {
    if (!this.settings()) return failure(401, "invalid_login", "wrong email or password");
    return auth.login(this.sql, email, password, client);
  }

  async authenticate(token: string): Promise<auth.Operator | null> {
    return auth.authenticate(this.sql, token);
  }

  async logout(token: string): Promise<void> {
    return auth.logout(this.sql, token);
  }

  /** An operator's live socket for the inbox and presence (the Worker has checked the session). */
  override async fetch(request: Request): Promise<Response> {
    const operatorId = request.headers.get("X-Edgechat-Peer");
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket" || !operatorId) {
      return Response.json({ error: { code: "upgrade_required", message: "expected a WebSocket upgrade" } }, { status: 426 });
    }
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, ["operator"]);
    server.serializeAttachment({ edgechat: { role: "operator", id: operatorId } });
    server.send(JSON.stringify({ type: "inbox", conversations: await this.inbox({ limit: 200 }) } satisfies SiteServerFrame));
    this.toOperators({ type: "presence", operatorsOnline: this.ctx.getWebSockets("operator").length });
    this.ctx.waitUntil(this.adminApp().routeQueue());
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket): Promise<void> {
    // Operators' site sockets only listen; a ping keeps proxies from closing them.
    ws.send(JSON.stringify({ type: "presence", operatorsOnline: this.ctx.getWebSockets("operator").length }));
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "bye");
    } catch {
      // already closed
    }
    const left = this.ctx.getWebSockets("operator").filter((s) => s !== ws).length;
    this.toOperators({ type: "presence", operatorsOnline: left });
  }

  override async alarm(): Promise<void> {
    await this.timers.run(Date.now());
  }

  private toOperators(frame: SiteServerFrame): void {
    const text = JSON.stringify(frame);
    for (const ws of this.ctx.getWebSockets("operator")) {
      try {
        ws.send(text);
      } catch {
        // closing; its close event follows
      }
    }
  }
}
