/**
 * The admin app's work inside a Site object, for the parts that need more than one module:
 * invites and password resets (they send email), routing (it asks Conversations to assign),
 * the inbox hook (search index + routing) and ending a removed operator's sockets. The Site
 * class forwards its RPC methods here (see "admin app (issue 6)" in ./index.ts).
 */
import type { Env } from "../env";
import { failure, type Failure } from "../lib/errors";
import type { InboxEntry, PendingInvite } from "../protocol";
import { inviteMail, resetMail, type AccountMailer } from "./account-mail";
import type { Actor } from "./audit";
import * as auth from "./auth";
import { department } from "./departments";
import * as invites from "./invites";
import * as passwordReset from "./password-reset";
import * as routing from "./routing";
import { indexEntry } from "./search";
import type { SiteSettings } from "./settings";
import { operatorRow } from "./team";

/** What the admin logic needs from its Site. */
export interface SiteAdminHost {
  sql: SqlStorage;
  ctx: DurableObjectState;
  env: Env;
  siteKey(): string | null;
  settings(): SiteSettings | null;
  /** The site's mailer (worker/site/outbox.ts), or null while it is not wired. */
  mailer(): AccountMailer | null;
}

const NO_MAIL = failure(503, "email_unavailable", "email cannot be sent from this deployment right now; try again later");

export class SiteAdmin {
  constructor(private readonly host: SiteAdminHost) {}

  /** Ids of operators with the admin open (their site sockets). */
  online(): Set<string> {
    const ids = new Set<string>();
    for (const ws of this.host.ctx.getWebSockets("operator")) {
      const id = (ws.deserializeAttachment() as { edgechat?: { id?: unknown } } | null)?.edgechat?.id;
      if (typeof id === "string") ids.add(id);
    }
    return ids;
  }

  /** Creates an invite and emails its link (built on `origin`, the admin app's origin). */
  async invite(actor: Actor, input: { email: string; name?: string; role: "admin" | "operator" }, origin: string): Promise<PendingInvite | Failure> {
    const mailer = this.host.mailer();
    const settings = this.host.settings();
    if (!mailer || !settings) return NO_MAIL;
    const made = await invites.createInvite(this.host.sql, actor, input);
    if ("error" in made) return made;
    const link = `${origin}/admin/accept-invite?site=${encodeURIComponent(this.host.siteKey() ?? "")}&token=${made.token}`;
    const mail = inviteMail(settings.locale, { siteName: settings.name, inviter: actor.name, role: input.role, link });
    try {
      await mailer.send({ to: input.email, ...(input.name ? { toName: input.name } : {}), ...mail, kind: "invite" });
    } catch (err) {
      console.error("invite email failed", err);
      this.host.sql.exec("DELETE FROM invites WHERE id = ?", made.invite.id);
      return NO_MAIL;
    }
    return made.invite;
  }

  /** What the accept-invite page shows before the invitee picks a password. */
  async inviteInfo(token: string): Promise<{ email: string; role: string; siteName: string } | Failure> {
    const invite = await invites.findInvite(this.host.sql, token);
    if (!invite) return failure(404, "invalid_invite", "this invite link is not valid or has expired; ask for a new one");
    return { email: invite.email, role: invite.role, siteName: this.host.settings()?.name ?? "" };
  }

  /** Accepts an invite and opens the new operator's first session. */
  async acceptInvite(token: string, input: { name: string; password: string }, client: { ip?: string; userAgent?: string }) {
    const operator = await invites.acceptInvite(this.host.sql, token, input);
    if ("error" in operator) return operator;
    return auth.login(this.host.sql, operator.email, input.password, client);
  }

  /** Emails a reset link when the email belongs to an operator; silent otherwise. */
  async requestPasswordReset(email: string, origin: string): Promise<void> {
    const settings = this.host.settings();
    const mailer = this.host.mailer();
    if (!settings || !mailer) return;
    const made = await passwordReset.createReset(this.host.sql, email);
    if (!made) return;
    const link = `${origin}/admin/reset-password?site=${encodeURIComponent(this.host.siteKey() ?? "")}&token=${made.token}`;
    const mail = resetMail(settings.locale, { siteName: settings.name, link });
    await mailer.send({ to: made.operator.email, toName: made.operator.name, ...mail, kind: "password_reset" })
      .catch((err) => console.error("password reset email failed", err));
  }

  /** Closes the site sockets of an operator who was removed. */
  disconnect(operatorId: string): void {
    for (const ws of this.host.ctx.getWebSockets("operator")) {
      const id = (ws.deserializeAttachment() as { edgechat?: { id?: unknown } } | null)?.edgechat?.id;
      if (id === operatorId) ws.close(4001, "removed from the team");
    }
  }

  // ---- routing ----

  /** After each stored summary: index it for search and place it if routing is on. */
  afterInboxChange(entry: InboxEntry): void {
    const sql = this.host.sql;
    indexEntry(sql, entry);
    routing.settlePending(sql, entry);
    if (!routing.readRouting(sql).auto) return;
    if (routing.needsRouting(sql, entry)) this.host.ctx.waitUntil(this.route(entry));
    else if (entry.status === "resolved") this.host.ctx.waitUntil(this.routeQueue());
  }

  /** Hands out queued conversations while someone has room (operator online, capacity freed). */
  async routeQueue(): Promise<void> {
    if (!routing.readRouting(this.host.sql).auto) return;
    for (const entry of routing.queue(this.host.sql)) await this.route(entry);
  }

  /**
   * The assignee and department an assign request means: with only a department, the next
   * operator of it by round-robin (null when nobody has room: the conversation waits).
   */
  assignTarget(input: { operatorId?: string | null; departmentId?: string | null }): { assignee: string | null; department: string | null } | Failure {
    const dep = input.departmentId ?? null;
    if (dep && !department(this.host.sql, dep)) return failure(404, "unknown_department", "no such department");
    if (input.operatorId) {
      if (!operatorRow(this.host.sql, input.operatorId)) return failure(404, "unknown_operator", "no such operator");
      return { assignee: input.operatorId, department: dep };
    }
    if (input.operatorId === undefined && dep) {
      return { assignee: routing.chooseOperator(this.host.sql, dep, this.online()), department: dep };
    }
    return { assignee: null, department: dep };
  }

  private async route(entry: InboxEntry): Promise<void> {
    const sql = this.host.sql;
    const dep = entry.department ?? routing.readRouting(sql).defaultDepartmentId;
    const picked = routing.chooseOperator(sql, dep, this.online());
    const siteKey = this.host.siteKey();
    if (!picked || !siteKey) return;
    routing.markPending(sql, entry.id, picked);
    const ns = this.host.env.CONVERSATION;
    try {
      const result = await ns.get(ns.idFromString(entry.id)).operatorAction(siteKey, { type: "assign", assignee: picked, department: dep });
      if ("error" in result) throw new Error(result.error.message);
    } catch (err) {
      console.error("routing: assignment failed", err);
      sql.exec("DELETE FROM route_pending WHERE conversation_id = ?", entry.id);
    }
  }
}
