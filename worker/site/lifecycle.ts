/**
 * A site's life inside its Site object, for the parts that span modules: creation and
 * confirmation (./signup.ts), calls signed by the CMS plugin (./plugin-signature.ts,
 * ./plugin-events.ts), WooCommerce data for the visitor card (./woo.ts), secret rotation
 * (./secrets.ts), erasure (./erasure.ts) and retention (./retention.ts) — the last two ask
 * Conversation objects to delete themselves. The Site forwards its RPC methods here (see
 * "sites and data rights (issue 8)" in ./index.ts).
 */
import type { Env } from "../env";
import { failure, type Failure } from "../lib/errors";
import type { TimerHandler, Timers } from "../lib/timers";
import type { Identity } from "../protocol";
import { fromHex, hmacSha256, sameBytes } from "../lib/crypto";
import * as audit from "./audit";
import * as erasure from "./erasure";
import type { Mailer, OutboxEntry } from "./outbox";
import * as events from "./plugin-events";
import { verifySignature, type SignedRequest } from "./plugin-signature";
import * as retention from "./retention";
import * as secrets from "./secrets";
import * as signup from "./signup";
import { fetchWooCustomer, type WooCustomer } from "./woo";

/** A request a plugin signed, as the Worker received it. */
export interface SignedCall extends SignedRequest {
  timestamp: string | null;
  signature: string | null;
}

export interface LifecycleHost {
  storage: DurableObjectStorage;
  env: Env;
  /** Lazy: the Site builds its timers after this module's handlers. */
  timers(): Timers;
  mailer(): Mailer;
  siteKey(): string | null;
}

export class SiteLifecycle {
  constructor(private readonly host: LifecycleHost) {}

  private get sql(): SqlStorage {
    return this.host.storage.sql;
  }

  private signupHost(): signup.SignupHost {
    return { storage: this.host.storage, timers: this.host.timers(), mailer: () => this.host.mailer() };
  }

  /** Timer kinds of this module, merged into the Site's timers. */
  timerHandlers(): Record<string, TimerHandler> {
    return {
      [signup.SIGNUP_EXPIRY_TIMER]: () => signup.expireUnconfirmed(this.sql),
      [retention.RETENTION_TIMER]: () => this.runRetention(),
    };
  }

  createSite(input: signup.NewSite) {
    return signup.createSite(this.signupHost(), input);
  }

  confirmSite(token: string, linkBase: string) {
    return signup.confirmSite(this.signupHost(), token, linkBase);
  }

  /** The confirmation and welcome emails in the outbox (for the deployment owner). */
  signupEmails(): OutboxEntry[] {
    const kinds = new Set<string>(signup.SIGNUP_MAIL_KINDS);
    return this.host.mailer().list(500).filter((m) => kinds.has(m.kind));
  }

  /** True when `identity.hash` matches the previous identity secret during its grace period. */
  async identityValidInGrace(identity: Identity): Promise<boolean> {
    const previous = secrets.previousSecret(this.sql, "identity");
    const given = fromHex(identity.hash);
    return !!previous && !!given && sameBytes(given, await hmacSha256(previous, identity.userId));
  }

  /** Checks a plugin's signature (current or previous plugin secret); a POST is accepted once. */
  async verifyPlugin(call: SignedCall): Promise<true | Failure> {
    if (!signup.siteStatus(this.sql)) return failure(404, "unknown_site", "no such site");
    const checked = await verifySignature(secrets.acceptedSecrets(this.sql, "plugin"), call, call);
    if (checked !== true) return checked;
    if (call.method.toUpperCase() !== "GET" && !events.firstUse(this.sql, call.signature!)) {
      return failure(401, "replayed_request", "this signed request was received before; sign every request anew");
    }
    return true;
  }

  /** The plugin's status check: `{status, name}`. */
  async pluginStatus(call: SignedCall) {
    const checked = await this.verifyPlugin(call);
    if (checked !== true) return checked;
    return signup.siteStatus(this.sql)!;
  }

  /** A plugin event (order_placed): verified, validated, stored once. */
  async pluginEvent(call: SignedCall): Promise<{ ok: true; duplicate: boolean } | Failure> {
    const checked = await this.verifyPlugin(call);
    if (checked !== true) return checked;
    let json: unknown;
    try {
      json = JSON.parse(call.body);
    } catch {
      return failure(400, "bad_json", "body is not valid JSON");
    }
    const type = (json as { type?: unknown } | null)?.type;
    if (!events.EVENT_TYPES.includes(type as never)) {
      return failure(400, "unknown_event", `type must be one of: ${events.EVENT_TYPES.join(", ")}`);
    }
    const parsed = events.orderPlacedEvent.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return failure(400, "invalid_body", `${issue.path.join(".") || "body"}: ${issue.message}`);
    }
    return { ok: true, duplicate: events.recordOrder(this.sql, parsed.data).duplicate };
  }

  /** The WooCommerce cart and orders of an identified visitor, from the shop. */
  async wooCustomer(visitorId: string): Promise<{ customer: WooCustomer; userId: string } | Failure> {
    const contact = this.sql.exec<{ user_id: string | null }>("SELECT user_id FROM contacts WHERE visitor_id = ?", visitorId).toArray()[0];
    if (!contact) return failure(404, "unknown_visitor", "no contact with this visitor id");
    if (!contact.user_id) return failure(404, "not_identified", "this visitor was not identified by the shop (no user id)");
    const url = signup.siteMeta(this.sql).url;
    if (!url) return failure(409, "no_shop_url", "this site has no shop URL; it is set when the plugin connects");
    const customer = await fetchWooCustomer({ shopUrl: url, secrets: secrets.acceptedSecrets(this.sql, "plugin"), userId: contact.user_id });
    return "error" in customer ? customer : { customer, userId: contact.user_id };
  }

  /** Erases a contact (by visitor id or by email) and every conversation of theirs. */
  async eraseContact(actor: audit.Actor, target: { visitorId: string; confirm: string } | { email: string; confirm: string }) {
    const plan = "visitorId" in target
      ? erasure.planByVisitor(this.sql, target.visitorId, target.confirm)
      : erasure.planByEmail(this.sql, target.email, target.confirm);
    if ("error" in plan) return plan;
    const { failed } = await this.eraseConversations(plan.conversationIds, { stopOnFailure: true });
    if (failed) {
      return failure(503, "erase_incomplete",
        "a conversation could not be erased right now; the contact is kept and some conversations may be gone already: ask again to finish");
    }
    erasure.eraseSiteRows(this.sql, plan);
    audit.record(this.sql, actor, "contact.erase", plan.visitorIds.join(","), {
      by: "visitorId" in target ? "visitorId" : "email", conversations: plan.conversationIds.length,
    });
    return { visitorIds: plan.visitorIds, conversations: plan.conversationIds.length };
  }

  retentionMonths(): number | null {
    return retention.retentionMonths(this.sql);
  }

  /** Saves the retention setting; the daily job starts (soon) or stops with it. */
  async saveRetention(actor: audit.Actor, months: number | null): Promise<number | null> {
    retention.saveRetention(this.sql, actor, months);
    if (months) await this.host.timers().set(retention.RETENTION_TIMER, Date.now() + 60_000);
    else await this.host.timers().cancel(retention.RETENTION_TIMER);
    return months;
  }

  /**
   * The daily job: one batch of old conversations, then the Site's rows; sooner again while
   * more are due. A conversation that cannot be erased now is left for the next run, and the
   * job always sets its next run (a throwing job would be dropped after a few tries).
   */
  private async runRetention(now = Date.now()): Promise<void> {
    const months = retention.retentionMonths(this.sql);
    if (!months) return;
    const before = retention.cutoff(now, months);
    const due = retention.dueConversations(this.sql, before);
    const { erased, failed } = await this.eraseConversations(due);
    retention.sweepSiteRows(this.sql, erased, before, now);
    const more = due.length === retention.RETENTION_BATCH && !failed;
    await this.host.timers().set(retention.RETENTION_TIMER, now + (more ? 60_000 : retention.RETENTION_INTERVAL_MS));
  }

  /** Asks each Conversation to delete itself; returns the ids done and how many failed. */
  private async eraseConversations(ids: string[], opts: { stopOnFailure?: boolean } = {}): Promise<{ erased: string[]; failed: number }> {
    const siteKey = this.host.siteKey();
    const ns = this.host.env.CONVERSATION;
    const erased: string[] = [];
    let failed = 0;
    for (const id of ids) {
      try {
        const result = siteKey ? await ns.get(ns.idFromString(id)).erase(siteKey) : null;
        // 403: the object belongs to another site; only this site's row of it goes.
        if (!result || ("error" in result && result.error.status !== 403)) throw new Error(result ? result.error.message : "no site key");
        erased.push(id);
      } catch (err) {
        console.error(`site: could not erase conversation ${id}`, err);
        failed++;
        if (opts.stopOnFailure) break;
      }
    }
    return { erased, failed };
  }
}
