/**
 * Site Durable Object: one per site (`siteStub(env, siteKey)`). The class owns the
 * platform's entry points (the admin socket, alarm) and one-line RPC methods grouped by
 * caller; every capability is a module named for what it owns (its tables and rules),
 * reaching the object through `SiteHost` (./host.ts).
 */
import type { Env } from "../env";
import { failure } from "../lib/errors";
import { PREVIEW_SOCKET_PATH, type Preview } from "../lib/inbox-preview";
import { migrate } from "../lib/migrate";
import { SocketObject } from "../lib/socket-object";
import { Timers } from "../lib/timers";
import type {
  GreetingRule,
  InboxEntry,
  KbEntryInput,
  NotificationPrefsBody,
  PushSubscriptionBody,
  Routing,
} from "../protocol";
import type * as audit from "./audit";
import * as auditLog from "./audit";
import * as autoReply from "./autoreply";
import * as bot from "./bot";
import * as canned from "./canned";
import * as contacts from "./contacts";
import * as dataRights from "./data-rights";
import * as departments from "./departments";
import * as engage from "./engage";
import type { SiteHost } from "./host";
import * as inbox from "./inbox";
import * as install from "./install";
import * as notices from "./mail/notices";
import * as mailSettings from "./mail/settings";
import { EMAIL_RETRY_TIMER, Mailer, type MailRequest } from "./mail/outbox";
import * as plugin from "./plugin";
import * as presence from "./presence";
import * as reports from "./reports";
import * as routing from "./routing";
import type { ReportTable } from "../reports";
import { SITE_MIGRATIONS } from "./schema";
import * as secrets from "./secrets";
import * as settings from "./settings";
import * as appointments from "./appointments";
import * as archive from "./archive";
import type { ArchiveHeader, ArchiveRecord } from "./archive/format";
import * as signup from "./signup";
import * as socketSessions from "./socket-sessions";
import * as team from "./team";
import * as auth from "./team/auth";
import * as invites from "./team/invites";
import * as notify from "./notify";
import * as notifySettings from "./notify/settings";
import * as pushDelivery from "./push/deliver";
import * as pushSubscriptions from "./push/subscriptions";
import * as telegram from "./telegram";
import * as telegramNotify from "./telegram/notify";
import * as directory from "./team/directory";
import * as members from "./team/members";
import * as passwordReset from "./team/password-reset";
import * as sessions from "./team/sessions";
import * as visitors from "./visitors";

export type { Contact } from "./contacts";
export type { SessionGrant, SessionRequest } from "./visitors";

export class Site extends SocketObject {
  private readonly host: SiteHost;
  protected readonly timers: Timers;
  private readonly feed: inbox.InboxFeed;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    migrate(sql, SITE_MIGRATIONS);
    const timers = (this.timers = new Timers(ctx.storage, {
      [EMAIL_RETRY_TIMER]: (job: { id: string }) => this.host.mailer.retry(job.id),
      [signup.SIGNUP_EXPIRY_TIMER]: () => {
        const key = this.host.siteKey();
        if (signup.expireUnconfirmed(sql) && key) directory.unpublishSite(this.host, key);
      },
      [dataRights.RETENTION_TIMER]: () => dataRights.runRetention(this.host),
      [notices.NOTICE_DIGEST_TIMER]: () => notices.sendDigest(this.host),
      [notify.NOTIFY_TIMER]: () => notify.sendBatch(this.host),
      [pushDelivery.PUSH_RETRY_TIMER]: (job) => notify.retryPush(this.host, job),
      [telegramNotify.TELEGRAM_RETRY_TIMER]: (job) => notify.retryTelegram(this.host, job),
      [bot.LEAD_DELIVERY_TIMER]: (job) => bot.runDelivery(this.host, job),
      [appointments.APPOINTMENT_REMINDER_TIMER]: (job) => appointments.sendReminder(this.host, job),
      [appointments.APPOINTMENT_OUTCOME_TIMER]: (job) => appointments.decideOutcome(this.host, job),
      [reports.REPORTS_ROLLUP_TIMER]: () => reports.rollUp(this.host),
      [engage.ONLINE_SWEEP_TIMER]: () => engage.sweep(this.host),
      [reports.REPORTS_DIGEST_TIMER]: () => reports.sendDigest(this.host),
    }));
    const mailer = new Mailer(sql, env, timers, () => settings.siteSettingsOf(sql)?.name ?? "Edgechat");
    this.host = {
      sql,
      ctx,
      env,
      timers,
      mailer,
      siteKey: () => settings.readSetting<string>(sql, "site_key"),
      conversationsErased: (ids) => this.feed.erased(ids),
    };
    this.feed = new inbox.InboxFeed(this.host);
  }

  // ---- entry points ----

  /**
   * An operator's live socket for the inbox and presence (the Worker has checked the
   * session), or a busy Conversation's socket for its previews.
   */
  override async fetch(request: Request): Promise<Response> {
    const upgrade = request.headers.get("Upgrade")?.toLowerCase() === "websocket";
    // Only objects ask for this path: the Worker hands operators' sockets over as /ws.
    if (upgrade && new URL(request.url).pathname === PREVIEW_SOCKET_PATH) return inbox.acceptPreviewSocket(this.host);
    const operatorId = request.headers.get("X-Edgechat-Peer");
    const sessionId = request.headers.get("X-Edgechat-Session") ?? "";
    if (!upgrade || !operatorId) {
      return Response.json(
        { error: { code: "upgrade_required", message: "expected a WebSocket upgrade" } },
        { status: 426 },
      );
    }
    const { client, server } = presence.acceptOperator(this.host, operatorId, sessionId);
    this.feed.greet(server);
    this.ctx.waitUntil(routing.routeQueue(this.host));
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (inbox.isPreviewSocket(this.host, ws)) return this.feed.previewOverSocket(ws, message);
    // Operators' site sockets only listen; a ping keeps proxies from closing them.
    if (!socketSessions.checkSiteSocket(this.host, ws)) return;
    presence.heard(ws);
    ws.send(JSON.stringify(presence.presenceFrame(this.host)));
  }

  protected override socketGone(ws: WebSocket): void {
    if (inbox.isPreviewSocket(this.host, ws)) return;
    presence.announcePresence(this.host, ws);
  }

  // ---- for the widget's session route ----

  async startSession(req: visitors.SessionRequest) {
    return visitors.startSession(this.host, req);
  }
  /** What the widget did with an offer beside the launcher (counters), if the origin is allowed. */
  async engageEvent(origin: string | null, visitorId: string, id: string, event: "shown" | "replied" | "dismissed") {
    const s = settings.siteSettingsOf(this.host.sql);
    if (!s || !settings.originAllowed(origin, s.allowedOrigins))
      return failure(403, "origin_not_allowed", "origin not allowed");
    return engage.recordWidgetEvent(this.host.sql, visitorId, id, event);
  }

  // ---- engaging visitors (./engage): Online now, proactive messages, greetings, blocks ----

  async onlineVisitors() {
    return engage.onlineVisitors(this.host);
  }
  async startChat(operator: audit.Actor, visitorId: string, text: string) {
    return engage.startChat(this.host, operator, visitorId, text);
  }
  async greetingRules() {
    return engage.greetingRules(this.host.sql);
  }
  async saveGreetingRules(actor: audit.Actor, rules: GreetingRule[]) {
    return engage.saveGreetingRules(this.host.sql, actor, rules);
  }
  async engageCounts(from: string, to: string) {
    return engage.engageCounts(this.host.sql, from, to);
  }
  async blockVisitor(
    actor: audit.Actor,
    conversationId: string,
    options: { hours: number; ip: boolean; reason: string },
  ) {
    return engage.blockVisitorOf(this.host, actor, conversationId, options);
  }
  async blocks() {
    return engage.blocks(this.host.sql);
  }
  async unblock(actor: audit.Actor, id: string) {
    return engage.unblockById(this.host, actor, id);
  }
  /** The site's settings, or null when the site does not exist. */
  async settings() {
    return settings.siteSettingsOf(this.host.sql);
  }
  /** Per-file and per-conversation limits of uploads (worker/files/upload.ts). */
  async fileSettings() {
    return settings.fileSettingsOf(this.host.sql);
  }
  /** Whether video calls are on for this site. */
  async videoSettings() {
    return settings.videoSettingsOf(this.host.sql);
  }

  // ---- appointments (./appointments): the widget, the bot's booking step, the admin ----

  async freeSlots() {
    return appointments.freeSlots(this.host.sql);
  }
  async bookAppointment(who: { visitorId: string; conversationId: string | null }, body: appointments.BookingBody) {
    // A booking that lands while the visitor is being erased, or just after (the bot's slot
    // click was on its way), would outlive the erasure, with its confirmation email: refused.
    if (dataRights.isErasedOrErasing(this.host, who.visitorId))
      return failure(
        409,
        "visitor_erased",
        "this visitor's data is being erased or was just erased; nothing was booked",
      );
    return appointments.book(this.host, who, body);
  }
  async cancelAppointment(id: string, token: string) {
    return appointments.cancel(this.host, id, token);
  }
  async moveAppointment(id: string, token: string, start: number) {
    return appointments.move(this.host, id, token, start);
  }
  async appointmentForLink(id: string, token: string) {
    return appointments.forLink(this.host.sql, id, token);
  }
  async cancelAppointmentAsOperator(actor: audit.Actor, id: string) {
    return appointments.cancelByOperator(this.host, actor, id);
  }
  async upcomingAppointments() {
    return appointments.upcoming(this.host.sql);
  }
  async appointmentSettings() {
    return appointments.readAppointmentSettings(this.host.sql);
  }
  async saveAppointmentSettings(actor: audit.Actor, input: unknown) {
    return appointments.saveAppointmentSettings(this.host.sql, actor, input);
  }

  // ---- for Conversations ----

  async contactOf(visitorId: string) {
    return dataRights.isErasedOrErasing(this.host, visitorId) ? null : contacts.contactOf(this.host.sql, visitorId);
  }
  async saveContact(visitorId: string, fields: { email?: string; name?: string }) {
    contacts.saveContact(this.host.sql, visitorId, fields);
  }
  /** A conversation's newest state between its summaries, for operators' lists only. */
  async conversationPreview(preview: Preview) {
    return this.feed.preview(preview);
  }
  async conversationChanged(entry: InboxEntry) {
    return this.feed.received(entry);
  }
  /** A visitor calls: every operator at the admin hears it, wherever they are in the app. */
  async callRinging(conversationId: string, callId: string, audioOnly: boolean) {
    presence.toOperators(this.host, { type: "ringing", conversationId, callId, audioOnly });
    this.ctx.waitUntil(notify.pushCall(this.host, conversationId, audioOnly));
  }
  async sendMail(req: MailRequest) {
    return this.host.mailer.send(req);
  }
  async emailContext(visitorId: string) {
    return mailSettings.emailContextOf(this.host, visitorId);
  }
  async autoReplyContext(visitorId: string) {
    return autoReply.contextOf(this.host.sql, visitorId, presence.operatorsOnline(this.host) > 0);
  }

  // ---- for Conversations: the bot ----

  /** What a Conversation needs to know of the bot and auto-replies to skip them when they are off. */
  async automations() {
    return { ...bot.botOn(this.host.sql), autoReplies: autoReply.hasRules(this.host.sql) };
  }
  async botAnswer(question: string) {
    return bot.answerFor(this.host.sql, question);
  }
  async botFeedback(conversationId: string, seq: number, entryId: string | null, value: string) {
    bot.recordFeedback(this.host.sql, conversationId, seq, entryId, value);
  }
  async botGreeting(visitorId: string) {
    return bot.greetingFor(this.host.sql, visitorId);
  }
  async botLeadField(who: bot.leads.LeadSubject, key: string, value: string) {
    return bot.leadField(this.host.sql, who, key, value);
  }
  async botFinishLead(who: bot.leads.LeadSubject) {
    return bot.finishLead(this.host, who);
  }
  async botHandoff(who: bot.HandoffRequest) {
    return bot.handoff(this.host, who);
  }

  // ---- for the admin API: inbox and conversations ----

  async inbox(filter?: { status?: "open" | "resolved"; limit?: number }) {
    return inbox.listInbox(this.host.sql, filter);
  }
  async hasConversation(id: string) {
    return inbox.isListed(this.host.sql, id);
  }
  async forgetMessageText(conversationId: string, seq: number) {
    inbox.forgetMessageText(this.host.sql, conversationId, seq);
  }
  async searchInbox(query: string) {
    return inbox.searchInbox(this.host.sql, query);
  }
  async visitorCard(conversationId: string) {
    return engage.withBlock(this.host.sql, contacts.visitorCard(this.host.sql, conversationId));
  }
  async assignTarget(input: { operatorId?: string | null; departmentId?: string | null }) {
    return routing.assignTarget(this.host, input);
  }
  async routeQueue() {
    return routing.routeQueue(this.host);
  }

  // ---- for the admin API: reports ----

  async report(query: reports.ReportQuery) {
    return reports.report(this.host, query);
  }
  async reportCsv(query: reports.ReportQuery, table: ReportTable) {
    return reports.reportCsv(this.host, query, table);
  }
  async digestSubscribed(operatorId: string) {
    return reports.digestSubscribed(this.host.sql, operatorId);
  }
  async setDigestSubscribed(operatorId: string, on: boolean) {
    reports.setDigestSubscribed(this.host.sql, operatorId, on);
  }

  // ---- for the admin API: operators and their sessions ----

  async login(email: string, password: string, client: { ip?: string; userAgent?: string }) {
    if (!settings.siteSettingsOf(this.host.sql)) return failure(401, "invalid_login", "wrong email or password");
    directory.publishTeamIfBehind(this.host);
    return auth.login(this.host.sql, email, password, client);
  }
  /** For the keyless login: whether the password is right here, with the site's name; no session. */
  async checkLogin(email: string, password: string) {
    const site = settings.siteSettingsOf(this.host.sql);
    return (await auth.checkPassword(this.host.sql, email, password)) && site ? { name: site.name } : null;
  }
  async authenticate(token: string) {
    directory.publishTeamIfBehind(this.host);
    return auth.authenticate(this.host.sql, token);
  }
  async logout(token: string) {
    await auth.logout(this.host.sql, token);
    socketSessions.endSessionSockets(this.host, await socketSessions.sessionIdOf(token));
  }
  async openSocket(token: string, conversationId?: string) {
    return socketSessions.openSocket(this.host, token, conversationId);
  }
  async sessionsOf(operatorId: string, currentToken: string) {
    return sessions.listSessions(this.host.sql, operatorId, currentToken);
  }
  async endSessionOf(operatorId: string, id: string) {
    const ended = sessions.endSession(this.host.sql, operatorId, id);
    if (ended) socketSessions.endSessionSockets(this.host, id);
    return ended;
  }
  async team() {
    return members.listTeam(this.host.sql, presence.onlineOperators(this.host));
  }
  async updateOperator(actor: audit.Actor, id: string, patch: { name?: string; role?: auth.Role; capacity?: number }) {
    const before = members.operatorRow(this.host.sql, id)?.role;
    const result = members.updateOperator(this.host.sql, actor, id, patch);
    if (!("error" in result) && patch.capacity !== undefined) this.ctx.waitUntil(routing.routeQueue(this.host));
    if (!("error" in result) && result.role !== before) {
      socketSessions.endOperatorSockets(this.host, id, "your role changed; log in again");
      notify.forgetOperatorDevices(this.host.sql, id);
    }
    return result;
  }
  async removeOperator(actor: audit.Actor, id: string) {
    const result = members.removeOperator(this.host.sql, actor, id);
    if (!("error" in result)) {
      team.removed(this.host, id);
      notify.forgetOperatorDevices(this.host.sql, id);
      directory.publishTeam(this.host);
    }
    return result;
  }
  async pendingInvites() {
    return invites.listInvites(this.host.sql);
  }
  async invite(
    actor: audit.Actor,
    input: { email: string; name?: string; role: "admin" | "operator" },
    origin: string,
  ) {
    return team.invite(this.host, actor, input, origin);
  }
  async revokeInvite(actor: audit.Actor, id: string) {
    return invites.revokeInvite(this.host.sql, actor, id);
  }
  async inviteInfo(token: string) {
    return team.inviteInfo(this.host, token);
  }
  async acceptInvite(
    token: string,
    input: { name: string; password: string },
    client: { ip?: string; userAgent?: string },
  ) {
    const result = await team.acceptInvite(this.host, token, input, client);
    if (!("error" in result)) directory.publishTeam(this.host);
    return result;
  }
  async requestPasswordReset(email: string, origin: string) {
    return team.requestPasswordReset(this.host, email, origin);
  }
  async resetPassword(token: string, password: string) {
    const result = await passwordReset.completeReset(this.host.sql, token, password);
    if (!("error" in result)) {
      socketSessions.endOperatorSockets(this.host, result.id, "your password changed; log in again");
      notify.forgetOperatorDevices(this.host.sql, result.id);
    }
    return result;
  }

  // ---- for the admin API: settings ----

  async updateSettings(actor: audit.Actor, patch: settings.SettingsPatch) {
    return settings.applySettingsPatch(this.host.sql, actor, patch);
  }
  async installReport() {
    return install.installReport(this.host.sql);
  }
  async allowOrigin(actor: audit.Actor, origin: string) {
    return install.allowOrigin(this.host.sql, actor, origin);
  }
  async departments() {
    return departments.listDepartments(this.host.sql);
  }
  async saveDepartment(actor: audit.Actor, id: string | null, input: { name: string; operatorIds: string[] }) {
    const result = departments.saveDepartment(this.host.sql, actor, id, input);
    // A member added may have room for the department's waiting conversations.
    if (!("error" in result)) this.ctx.waitUntil(routing.routeQueue(this.host));
    return result;
  }
  async deleteDepartment(actor: audit.Actor, id: string) {
    const result = departments.deleteDepartment(this.host.sql, actor, id);
    if (!("error" in result)) {
      routing.forgetDepartment(this.host.sql, actor, id);
      // Its waiting conversations may go to the rest of the team now.
      this.ctx.waitUntil(routing.routeQueue(this.host));
    }
    return result;
  }
  async routing() {
    return routing.readRouting(this.host.sql);
  }
  async saveRouting(actor: audit.Actor, input: Routing) {
    const result = routing.saveRouting(this.host.sql, actor, input);
    if (!("error" in result)) this.ctx.waitUntil(routing.routeQueue(this.host));
    return result;
  }
  async cannedResponses() {
    return canned.listCanned(this.host.sql);
  }
  async saveCanned(actor: audit.Actor, id: string | null, input: { shortcut: string; title: string; text: string }) {
    return canned.saveCanned(this.host.sql, actor, id, input);
  }
  async deleteCanned(actor: audit.Actor, id: string) {
    return canned.deleteCanned(this.host.sql, actor, id);
  }
  async autoReplySettings() {
    return autoReply.settingsInForce(this.host.sql);
  }
  async saveAutoReplySettings(actor: audit.Actor, input: unknown) {
    return autoReply.saveSettings(this.host.sql, actor, input);
  }
  async emailSettings() {
    return mailSettings.readEmailSettings(this.host.sql);
  }
  async saveEmailSettings(actor: audit.Actor, input: unknown) {
    return mailSettings.saveEmailSettings(this.host.sql, actor, input);
  }
  async outbox(limit?: number, viewer?: string) {
    return this.host.mailer.list(limit, viewer);
  }
  async auditLog(before?: number) {
    return auditLog.list(this.host.sql, { before });
  }
  async secretsInfo() {
    return secrets.secretsInfo(this.host.sql);
  }
  async rotateSecret(actor: audit.Actor, name: secrets.SecretName, graceHours?: number) {
    return secrets.rotateSecret(this.host.sql, actor, name, graceHours);
  }

  // ---- for the admin API: notifications away from the admin (Web Push, Telegram) ----

  async notificationSettings(operatorId: string, endpoint?: string) {
    return notifySettings.notificationSettings(this.host, operatorId, endpoint);
  }
  async savePushSubscription(operatorId: string, sub: PushSubscriptionBody, userAgent: string | null) {
    return (
      (await pushSubscriptions.keyRefusal(sub.keys.p256dh)) ??
      pushSubscriptions.saveSubscription(this.host.sql, this.env, operatorId, sub, userAgent)
    );
  }
  async removePushSubscription(operatorId: string, endpoint: string) {
    return pushSubscriptions.removeSubscription(this.host.sql, operatorId, endpoint);
  }
  async saveNotificationPrefs(operatorId: string, patch: NotificationPrefsBody) {
    return notify.savePrefs(this.host.sql, operatorId, patch);
  }
  async connectTelegram(actor: audit.Actor, token: string, publicUrl: string) {
    return telegram.connectBot(this.host, actor, token, publicUrl);
  }
  async disconnectTelegram(actor: audit.Actor) {
    return telegram.disconnectBot(this.host, actor);
  }
  async telegramLinkCode(operatorId: string) {
    return telegram.newLinkCode(this.host.sql, operatorId);
  }
  async telegramGroupCode() {
    return telegram.newGroupCode(this.host.sql);
  }
  async unlinkTelegramGroup() {
    return telegram.unlinkGroup(this.host.sql);
  }
  async unlinkTelegram(operatorId: string) {
    return telegram.unlink(this.host.sql, operatorId);
  }

  // ---- for the Telegram webhook ----

  async telegramUpdate(secret: string, update: { update_id: number }) {
    return telegram.handleUpdate(this.host, secret, update);
  }
  // ---- for the admin API: the bot ----

  async botSettings() {
    return bot.config.readBotSettings(this.host.sql);
  }
  async saveBotSettings(actor: audit.Actor, input: unknown) {
    return bot.config.saveBotSettings(this.host.sql, actor, input);
  }
  async botScenario() {
    return bot.config.readScenario(this.host.sql);
  }
  async saveBotScenario(actor: audit.Actor, input: unknown) {
    return bot.config.saveScenario(this.host.sql, actor, input);
  }
  async kbEntries() {
    return bot.knowledge.listEntries(this.host.sql);
  }
  async saveKbEntry(actor: audit.Actor, id: string | null, input: KbEntryInput) {
    return bot.knowledge.saveEntry(this.host.sql, actor, id, input);
  }
  async deleteKbEntry(actor: audit.Actor, id: string) {
    return bot.knowledge.deleteEntry(this.host.sql, actor, id);
  }
  async importKb(actor: audit.Actor, format: "json" | "csv", body: unknown) {
    return bot.knowledge.importEntries(this.ctx.storage, actor, format, body);
  }
  async exportKb(format: "json" | "csv") {
    return bot.knowledge.exportEntries(this.host.sql, format);
  }
  async tryKb(question: string) {
    return bot.knowledge.search(this.host.sql, question, 5);
  }
  async leads(limit?: number) {
    return bot.leads.listLeads(this.host.sql, limit);
  }
  async leadsCsv() {
    return bot.leads.leadsCsv(this.host.sql);
  }
  async leadDeliveries() {
    return bot.listDeliveries(this.host.sql);
  }
  async botFeedbackReport() {
    return bot.feedbackReport(this.host.sql);
  }

  // ---- for the admin API: the site archive and CSV (./archive) ----

  async exportPage(cursor: archive.ExportCursor | null) {
    return archive.exportPage(this.host, cursor);
  }
  async csvPage(table: archive.CsvTable, after: string | null) {
    return archive.csvPage(this.host, table, after);
  }
  async beginImport(actor: audit.Actor, header: ArchiveHeader, dryRun: boolean) {
    return archive.beginImport(this.host, actor, header, dryRun);
  }
  async stageImport(importId: string, records: ArchiveRecord[]) {
    return archive.stageImport(this.host, importId, records);
  }
  async importStaged(importId: string) {
    return archive.importStaged(this.host, importId);
  }
  async importStep(importId: string) {
    return archive.importStep(this.host, importId);
  }
  async discardImport(importId: string) {
    return archive.discardImport(this.host, importId);
  }

  // ---- for the admin API: data rights ----

  async eraseContact(
    actor: audit.Actor,
    target: { visitorId: string; confirm: string } | { email: string; confirm: string },
  ) {
    return dataRights.eraseContact(this.host, actor, target);
  }
  async retentionMonths() {
    return dataRights.retentionMonths(this.host.sql);
  }
  async saveRetention(actor: audit.Actor, months: number | null) {
    return dataRights.saveRetention(this.host, actor, months);
  }

  // ---- for the signup routes ----

  async createSite(input: signup.NewSite) {
    const created = await signup.createSite(this.host, input);
    if (!("error" in created)) directory.publishTeam(this.host);
    return created;
  }
  async confirmSite(token: string, linkBase: string) {
    return signup.confirmSite(this.host, token, linkBase);
  }
  async signupEmails() {
    return signup.signupEmails(this.host);
  }

  // ---- for the plugin routes ----

  async pluginStatus(call: plugin.SignedCall) {
    return plugin.pluginStatus(this.host.sql, call);
  }
  async pluginEvent(call: plugin.SignedCall) {
    return plugin.pluginEvent(this.host.sql, call);
  }
  async orderEvents(range?: { since?: number; until?: number; limit?: number }) {
    return plugin.orderEvents(this.host.sql, range);
  }
  async wooCustomer(visitorId: string) {
    return plugin.wooCustomer(this.host.sql, visitorId);
  }

  // ---- for the unsubscribe link ----

  async unsubscribe(email: string) {
    this.host.mailer.unsubscribe(email);
  }
}
