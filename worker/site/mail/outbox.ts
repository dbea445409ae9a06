/**
 * The Site's mailer. Every outbound email is a row of the `outbox` table first; then the
 * configured provider sends it. In local mode the provider is the outbox itself: the row is
 * the delivery, listed in the admin and at GET /api/v1/admin/outbox. A provider error is
 * retried with backoff through the Site's timers and shown on the row; nothing is dropped
 * silently. Follow-ups respect per-conversation and per-site limits and unsubscribes. An
 * email tagged with what it is about can be withdrawn while it waits for a retry, when what
 * it says no longer holds.
 */
import type { Env } from "../../env";
import { isLocal } from "../../env";
import {
  cloudflareProvider,
  EmailSendError,
  mailchannelsProvider,
  newMessageId,
  outboxProvider,
  type EmailAttachment,
  type EmailProvider,
  type OutboundEmail,
} from "../../email";
import { randomHex } from "../../lib/crypto";
import type { Timers } from "../../lib/timers";
import type { EmailKind, OutboxEntry, OutboxStatus } from "../../protocol";
import { announceLocally, redact, revealTo } from "./secrets";

export type { EmailKind, OutboxEntry, OutboxStatus } from "../../protocol";

/** One email to send; `from` and `messageId` are filled in here when not given. */
export interface MailRequest {
  kind: EmailKind;
  to: string;
  toName?: string;
  subject: string;
  text: string;
  html?: string;
  conversationId?: string;
  replyTo?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  listUnsubscribe?: { url: string; mailto?: string };
  headers?: Record<string, string>;
  /** Files sent with it (an appointment's `.ics`). */
  attachments?: EmailAttachment[];
  /**
   * Tokens in the email that only its recipient may read (reset, invite, confirmation and
   * unsubscribe links). The stored copy shows them as REDACTED; see ./secrets.ts.
   */
  secrets?: string[];
  /**
   * What the email is about, as its sender names it (`appointment:<id>`): the sender can
   * later withdraw the emails about it that have not gone out yet (see `withdraw`).
   */
  about?: string;
}

export const EMAIL_RETRY_TIMER = "email-retry";
export const MAX_SEND_ATTEMPTS = 6;
/** Limits that keep a loop or an abuser from turning a site into a spam source. */
export const SEND_LIMITS = { perConversationPerDay: 20, perSitePerDay: 2000, reservedForVisitors: 500 } as const;
/** Kinds that go to visitors and so obey the limits and unsubscribes. */
const TO_VISITORS = new Set<EmailKind>(["followup", "transcript", "rating"]);

/** Parses EMAIL_FROM ("Name <a@b>" or "a@b"). */
export function senderOf(env: Env, siteName: string): { address: string; name?: string } {
  const from = env.EMAIL_FROM?.trim() || "noreply@edgechat.localhost";
  const m = from.match(/^(.*)<([^<>]+)>$/);
  const address = (m ? m[2]! : from).trim();
  const name = (m ? m[1]!.trim().replace(/^"|"$/g, "") : "") || siteName;
  return { address, name };
}

export class Mailer {
  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
    private readonly timers: Timers,
    private readonly siteName: () => string,
  ) {}

  /** The provider EMAIL_PROVIDER names; the outbox when unset in local mode. */
  provider(): EmailProvider {
    const name = this.env.EMAIL_PROVIDER || (isLocal(this.env) ? "outbox" : "");
    if (name === "outbox") return outboxProvider(async (_msg, raw) => raw);
    if (name === "mailchannels" && this.env.MAILCHANNELS_API_KEY) {
      return mailchannelsProvider({
        apiKey: this.env.MAILCHANNELS_API_KEY,
        dkimDomain: this.env.DKIM_DOMAIN,
        dkimSelector: this.env.DKIM_SELECTOR,
        dkimPrivateKey: this.env.DKIM_PRIVATE_KEY,
      });
    }
    if (name === "cloudflare" && this.env.SEND_EMAIL) return cloudflareProvider(this.env.SEND_EMAIL);
    throw new EmailSendError(`email is not configured (EMAIL_PROVIDER=${name || "unset"}); see README "Deploy"`, {
      retryable: false,
    });
  }

  /** Queues and sends one email; returns its outbox id and state. */
  async send(req: MailRequest): Promise<{ id: string; status: OutboxStatus }> {
    const id = `m_${randomHex(10)}`;
    const from = senderOf(this.env, this.siteName());
    const message: OutboundEmail = {
      from,
      to: { address: req.to, ...(req.toName ? { name: req.toName } : {}) },
      ...(req.replyTo ? { replyTo: { address: req.replyTo } } : {}),
      subject: req.subject,
      text: req.text,
      ...(req.html ? { html: req.html } : {}),
      messageId: req.messageId ?? newMessageId(from.address.split("@")[1] ?? "edgechat.localhost"),
      ...(req.inReplyTo ? { inReplyTo: req.inReplyTo } : {}),
      ...(req.references?.length ? { references: req.references } : {}),
      ...(req.listUnsubscribe ? { listUnsubscribe: req.listUnsubscribe } : {}),
      ...(req.headers ? { headers: req.headers } : {}),
      ...(req.attachments?.length ? { attachments: req.attachments } : {}),
    };
    const held = this.held(req);
    const stored = redact(message, req.secrets ?? []);
    this.sql.exec(
      `INSERT INTO outbox (id, kind, to_addr, subject, message, secret_message, conversation_id, status, provider, created_at, about)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      req.kind,
      req.to,
      stored.subject,
      JSON.stringify(stored),
      stored === message ? null : JSON.stringify(message),
      req.conversationId ?? null,
      held?.status ?? "retrying",
      this.env.EMAIL_PROVIDER || "outbox",
      Date.now(),
      req.about ?? null,
    );
    if (held) {
      this.sql.exec("UPDATE outbox SET last_error = ? WHERE id = ?", held.reason, id);
      return { id, status: held.status };
    }
    return { id, status: await this.attempt(id, message) };
  }

  /** Why a visitor email must not go out now, or null. */
  private held(req: MailRequest): { status: OutboxStatus; reason: string } | null {
    if (req.kind === "notify") return this.overNoticeBudget();
    if (!TO_VISITORS.has(req.kind)) return null;
    if (this.isUnsubscribed(req.to)) return { status: "suppressed", reason: `${req.to} unsubscribed` };
    if (this.usedToday() >= SEND_LIMITS.perSitePerDay)
      return { status: "limited", reason: `site limit of ${SEND_LIMITS.perSitePerDay} emails a day reached` };
    if (req.conversationId && this.usedToday(req.conversationId) >= SEND_LIMITS.perConversationPerDay) {
      return {
        status: "limited",
        reason: `conversation limit of ${SEND_LIMITS.perConversationPerDay} emails a day reached`,
      };
    }
    return null;
  }

  /**
   * Notices to operators may use the day's budget except a reserve kept for visitors'
   * follow-ups and transcripts, so a flood of new chats cannot stop real answers.
   */
  private overNoticeBudget(): { status: OutboxStatus; reason: string } | null {
    const budget = SEND_LIMITS.perSitePerDay - SEND_LIMITS.reservedForVisitors;
    return this.usedToday() >= budget
      ? { status: "limited", reason: `operator notices stop at ${budget} emails a day; the rest is kept for visitors` }
      : null;
  }

  /**
   * The emails of the last 24 hours that use the day's budget (of the site, or of one
   * conversation): every one that went or may still go to the provider. Those held back by a
   * limit or an unsubscribe, those withdrawn before they went out, and those the provider
   * refused for good reached nobody: a provider that fails for a day must not use the
   * shop's budget up for when it works again.
   */
  private usedToday(conversationId?: string): number {
    const since = Date.now() - 86_400_000;
    const counted = "created_at > ? AND status NOT IN ('limited','suppressed','withdrawn','failed')";
    return conversationId
      ? this.sql
          .exec<{ n: number }>(
            `SELECT COUNT(*) AS n FROM outbox WHERE conversation_id = ? AND ${counted}`,
            conversationId,
            since,
          )
          .one().n
      : this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM outbox WHERE ${counted}`, since).one().n;
  }

  /** One try with the provider; schedules the next on a retryable error. */
  private async attempt(id: string, message: OutboundEmail): Promise<OutboxStatus> {
    try {
      const provider = this.provider();
      const local = provider.name === "outbox";
      // The local outbox is readable by admins: it "delivers" the redacted copy, and the
      // secret links go to the server's console, which only the person running it sees.
      const stored = JSON.parse(
        this.sql.exec<{ message: string }>("SELECT message FROM outbox WHERE id = ?", id).one().message,
      ) as OutboundEmail;
      if (local && stored.text !== message.text && this.env.ENVIRONMENT === "local") announceLocally(message);
      const result = await provider.send(local ? stored : message);
      // The outbox provider hands back the MIME text it "delivered"; real providers their id.
      const status: OutboxStatus = local ? "outbox" : "sent";
      this.sql.exec(
        `UPDATE outbox SET status = ?, raw = ?, provider = ?, provider_id = ?, attempts = attempts + 1, last_error = NULL, sent_at = ?,
           secret_message = CASE WHEN ? THEN secret_message ELSE NULL END WHERE id = ?`,
        status,
        local ? result.id : null,
        provider.name,
        local ? id : result.id,
        Date.now(),
        local ? 1 : 0,
        id,
      );
      return status;
    } catch (err) {
      const retryable = err instanceof EmailSendError ? err.retryable : true;
      const attempts =
        this.sql.exec<{ attempts: number }>("SELECT attempts FROM outbox WHERE id = ?", id).one().attempts + 1;
      const status: OutboxStatus = retryable && attempts < MAX_SEND_ATTEMPTS ? "retrying" : "failed";
      this.sql.exec("UPDATE outbox SET attempts = ? WHERE id = ?", attempts, id);
      // Only a row still waiting to go: one withdrawn while the provider had it stays withdrawn
      // and is not tried again.
      const { rowsWritten } = this.sql.exec(
        "UPDATE outbox SET status = ?, last_error = ?, secret_message = CASE WHEN ? = 'failed' THEN NULL ELSE secret_message END WHERE id = ? AND status = 'retrying'",
        status,
        err instanceof Error ? err.message : String(err),
        status,
        id,
      );
      if (!rowsWritten)
        return this.sql.exec<{ status: OutboxStatus }>("SELECT status FROM outbox WHERE id = ?", id).one().status;
      if (status === "retrying")
        await this.timers.set(EMAIL_RETRY_TIMER, Date.now() + 30_000 * 2 ** (attempts - 1), { id }, id);
      return status;
    }
  }

  /** The retry timer's handler. */
  async retry(id: string): Promise<void> {
    const row = this.sql
      .exec<{ status: string; message: string }>(
        "SELECT status, COALESCE(secret_message, message) AS message FROM outbox WHERE id = ?",
        id,
      )
      .toArray()[0];
    if (row?.status === "retrying") await this.attempt(id, JSON.parse(row.message));
  }

  /**
   * Withdraws the emails tagged `about` that are waiting for a retry: they are not sent any
   * more, and their rows say `withdrawn` with `reason` as the last error. For a sender whose
   * news makes an earlier email wrong (a booking cancelled or moved), so that the earlier one
   * cannot reach the recipient after the news. Emails already sent, failed or held stay as
   * they are; one in the provider's hands right now may still go, and its row then says `sent`.
   */
  async withdraw(about: string, reason: string): Promise<number> {
    const withdrawn = this.sql
      .exec<{ id: string }>(
        `UPDATE outbox SET status = 'withdrawn', last_error = ?, secret_message = NULL
         WHERE about = ? AND status = 'retrying' RETURNING id`,
        reason,
        about,
      )
      .toArray();
    for (const { id } of withdrawn) await this.timers.cancel(EMAIL_RETRY_TIMER, id);
    return withdrawn.length;
  }

  /**
   * Newest first, secrets redacted; `viewer` (the email of the operator looking) sees the
   * links of emails addressed to them, as in their own mailbox.
   */
  list(limit = 100, viewer?: string): OutboxEntry[] {
    return this.sql
      .exec<Record<string, any>>("SELECT * FROM outbox ORDER BY created_at DESC LIMIT ?", Math.min(limit, 500))
      .toArray()
      .map((r) => ({
        id: r.id,
        kind: r.kind,
        to: r.to_addr,
        subject: r.subject,
        status: r.status,
        provider: r.provider,
        attempts: r.attempts,
        lastError: r.last_error,
        conversationId: r.conversation_id,
        createdAt: r.created_at,
        sentAt: r.sent_at,
        message: JSON.parse(revealTo(viewer, r.to_addr, r.secret_message) ?? r.message),
        raw: r.raw,
      }));
  }

  unsubscribe(email: string): void {
    this.sql.exec(
      "INSERT INTO unsubscribed (email, at) VALUES (?, ?) ON CONFLICT (email) DO NOTHING",
      email,
      Date.now(),
    );
  }

  isUnsubscribed(email: string): boolean {
    return this.sql.exec("SELECT 1 FROM unsubscribed WHERE email = ?", email).toArray().length > 0;
  }
}
