/**
 * Engaging visitors on the site: who is online now (./online.ts), greeting rules
 * (./greetings.ts), blocks (./blocks.ts), and the operator's proactive message. A proactive
 * message starts the conversation at once, in the conversation the visitor's widget already
 * holds (as LiveChat's and Crisp's do: the operator sees it in the inbox and the visitor's
 * answer continues it); the widget shows it beside the launcher at the visitor's next page view.
 */
import type { Failure } from "../../lib/errors";
import { failure } from "../../lib/errors";
import { conversationStub } from "../../lib/jurisdiction";
import type { EngageOffer, Trail, TrailCart, VisitorCard } from "../../protocol";
import type * as audit from "../audit";
import { upsertContact } from "../contacts";
import type { SiteHost } from "../host";
import { recordEngageEvent, type EngageEvent } from "../reports/engage-events";
import { siteSettingsOf } from "../settings";
import { block, blockOn, unblock } from "./blocks";
import { greetingFor, greetingRules } from "./greetings";
import { dropVisitor, offerMessage, onlineVisitor, recordBeat, visitOf } from "./online";

export { blockedFailure, blockOn, blocks } from "./blocks";
export { greetingRules, saveGreetingRules } from "./greetings";
export { ONLINE_SWEEP_TIMER, onlineVisitors, sweep } from "./online";
export { engageCounts } from "../reports/engage-events";

/** A page view as the session request tells it. */
export interface PageViewRequest {
  visitorId: string;
  conversationId: string;
  visit: Trail;
  cart?: TrailCart;
  locale?: string;
  language?: string;
  ipKey?: string;
  chatted: boolean;
  teamName: string;
}

/** Records the beat; the operator's waiting message, else the greeting this page view gets, or none. */
export function onPageView(host: SiteHost, view: PageViewRequest, now = Date.now()): EngageOffer | null {
  const message = recordBeat(host, view, now);
  if (message) return message;
  if (view.chatted) return null;
  const url = view.visit.pages?.at(-1)?.url ?? view.visit.landing ?? "";
  const { returning } = visitOf(view.visit, now);
  return greetingFor(
    host.sql,
    { url, returning, ...(view.cart ? { cartTotal: view.cart.total } : {}) },
    view.locale,
    view.teamName,
    new Date(now),
  );
}

/**
 * An operator's first message to a visitor on the site: posted in the visitor's conversation
 * (created now) and offered to their widget. 404 when the visitor has left.
 */
export async function startChat(
  host: SiteHost,
  operator: audit.Actor,
  visitorId: string,
  text: string,
): Promise<{ conversationId: string } | Failure> {
  const online = onlineVisitor(host.sql, visitorId);
  if (!online) return failure(404, "visitor_gone", "this visitor has left the site");
  const { entry } = online;
  const siteKey = host.siteKey() ?? "";
  // The conversation's card: where the visitor is, as a trail of the pages seen now.
  upsertContact(host.sql, visitorId, {
    verified: false,
    trail: { landing: entry.url, pages: [{ url: entry.url, title: entry.title, at: entry.seenAt }] },
  });
  const conversation = conversationStub(host.env, entry.conversationId);
  if (!conversation) return failure(404, "visitor_gone", "this visitor has left the site");
  const posted = await conversation.startByOperator(siteKey, visitorId, {
    operator: { id: operator.id, name: operator.name },
    text,
    clientId: `proactive-${crypto.randomUUID()}`,
  });
  if ("error" in posted) return posted;
  offerMessage(host.sql, visitorId, {
    kind: "message",
    id: entry.conversationId,
    text,
    name: operator.name,
  });
  return { conversationId: entry.conversationId };
}

/** Blocks the visitor of a conversation, closes their sockets, and removes them from Online now. */
export async function blockVisitorOf(
  host: SiteHost,
  actor: audit.Actor,
  conversationId: string,
  options: { hours: number; ip: boolean; reason: string },
) {
  const { sql } = host;
  const listed = sql
    .exec<{ visitor_id: string }>("SELECT visitor_id FROM inbox WHERE id = ?", conversationId)
    .toArray()[0];
  if (!listed) return failure(404, "not_found", "no such conversation");
  const visitorId = listed.visitor_id;
  const ipKey =
    sql.exec<{ ip_key: string | null }>("SELECT ip_key FROM contacts WHERE visitor_id = ?", visitorId).toArray()[0]
      ?.ip_key ??
    onlineVisitor(sql, visitorId)?.ipKey ??
    null;
  const made = block(sql, actor, { visitorId, ipKey, conversationId }, options);
  dropVisitor(host, visitorId);
  await tellConversations(host, visitorId, made[0]!.until);
  return { blocks: made };
}

/** Tells each of the visitor's conversations until when the visitor is blocked (0: not), closing their sockets. */
export async function tellConversations(host: SiteHost, visitorId: string, until: number): Promise<void> {
  const siteKey = host.siteKey() ?? "";
  const ids = host.sql
    .exec<{ id: string }>("SELECT id FROM inbox WHERE visitor_id = ?", visitorId)
    .toArray()
    .map((r) => r.id);
  await Promise.all(ids.map((id) => conversationStub(host.env, id)?.blockVisitor(siteKey, until)));
}

/** The widget's report of what became of an offer: counted for the Reports. */
export function recordWidgetEvent(
  sql: SqlStorage,
  visitorId: string,
  offerId: string,
  event: EngageEvent,
): { ok: true } | Failure {
  if (blockOn(sql, visitorId, undefined))
    return failure(403, "visitor_blocked", "chat is unavailable for this visitor");
  const id = counterOf(sql, visitorId, offerId);
  if (!id) return failure(404, "unknown_offer", "the site made no such offer to this visitor");
  recordEngageEvent(sql, id, event);
  return { ok: true };
}

/**
 * The counter an offer's events go to: its greeting rule, or "message" for the operators'
 * proactive messages (the offer's id is then the visitor's conversation). Null for an id the
 * site never offered the visitor, which would otherwise leave a counter of its own behind.
 */
function counterOf(sql: SqlStorage, visitorId: string, offerId: string): string | null {
  if (offerId.length > 40) {
    const listed = sql.exec("SELECT 1 FROM inbox WHERE id = ? AND visitor_id = ?", offerId, visitorId).toArray();
    return listed.length > 0 ? "message" : null;
  }
  return greetingRules(sql).some((r) => r.id === offerId) ? offerId : null;
}

/** The site's team name for greetings in `locale`. */
export function teamNameOf(sql: SqlStorage): string {
  const s = siteSettingsOf(sql);
  return s?.look.teamName || s?.name || "";
}

/** Lifts a block and lets the visitor's conversations take their sockets again. */
export async function unblockById(host: SiteHost, actor: audit.Actor, id: string) {
  const lifted = unblock(host.sql, actor, id);
  if ("error" in lifted) return lifted;
  await tellConversations(host, lifted.visitorId, 0);
  return { ok: true as const };
}

/** The card with until when its visitor is blocked, if they are. */
export function withBlock(sql: SqlStorage, card: VisitorCard | null): VisitorCard | null {
  const blocked = card && blockOn(sql, card.visitorId, undefined);
  return card && blocked ? { ...card, blockedUntil: blocked.until } : card;
}
