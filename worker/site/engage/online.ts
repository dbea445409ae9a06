/**
 * Who is on the site now. Every page view's session request is a beat: it upserts one row
 * per visitor, and rows are deleted once no beat came for ONLINE_TTL_MS. Rows, not memory:
 * the Site object hibernates between requests (its admin sockets are hibernatable), which
 * would forget an in-memory list; a row lives only while its visitor is on the site, so
 * nothing durable is kept for visitors who never chat. Operators hear each beat on their
 * admin sockets.
 */
import type { OnlineVisitor, Trail, TrailCart } from "../../protocol";
import type { EngageOffer } from "../../protocol";
import { defer, type SiteHost } from "../host";
import { toOperators } from "../presence";

/** A visitor without a page view for this long has left (one beat per page view; none while reading). */
export const ONLINE_TTL_MS = 15 * 60_000;
/** A gap longer than this between two page views starts a new visit (and makes a returning visitor). */
export const VISIT_GAP_MS = 30 * 60_000;
/** The list shows at most this many, the latest first. */
const MAX_LISTED = 500;
/** The sweep job: deletes expired rows after the last beat, so none outlives its visitor. */
export const ONLINE_SWEEP_TIMER = "engage.online-sweep";

export interface Beat {
  visitorId: string;
  conversationId: string;
  visit: Trail;
  cart?: TrailCart;
  language?: string;
  ipKey?: string;
  chatted: boolean;
}

/** The visit's start and whether the trail shows an earlier visit. */
export function visitOf(trail: Trail, now: number): { since: number; returning: boolean; pages: number } {
  const pages = (trail.pages ?? []).filter((p) => p.at <= now + 60_000);
  let start = pages.length - 1;
  while (start > 0 && pages[start]!.at - pages[start - 1]!.at <= VISIT_GAP_MS) start--;
  const since = pages[Math.max(start, 0)]?.at ?? now;
  return { since: Math.min(since, now), returning: start > 0, pages: pages.length - Math.max(start, 0) };
}

/** Records a page view and tells the operators; returns the operator's message waiting for this visitor. */
export function recordBeat(host: SiteHost, beat: Beat, now = Date.now()): EngageOffer | null {
  const { sql } = host;
  const visit = visitOf(beat.visit, now);
  const last = beat.visit.pages?.at(-1);
  const entry: OnlineVisitor = {
    visitorId: beat.visitorId,
    conversationId: beat.conversationId,
    url: last?.url ?? beat.visit.landing ?? "",
    title: last?.title ?? "",
    since: visit.since,
    seenAt: now,
    returning: visit.returning,
    pages: visit.pages,
    ...(beat.visit.referrer ? { referrer: beat.visit.referrer } : {}),
    ...(beat.cart ? { cart: { total: beat.cart.total, currency: beat.cart.currency } } : {}),
    ...(beat.language ? { language: beat.language } : {}),
    chatted: beat.chatted,
  };
  const row = sql
    .exec<{ offer: string | null; conversation_id: string }>(
      `INSERT INTO visitors_online (visitor_id, conversation_id, since, seen_at, entry, ip_key)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (visitor_id) DO UPDATE SET conversation_id = excluded.conversation_id, since = excluded.since,
         seen_at = excluded.seen_at, entry = excluded.entry, ip_key = excluded.ip_key
       RETURNING offer, conversation_id`,
      beat.visitorId,
      beat.conversationId,
      visit.since,
      now,
      JSON.stringify(entry),
      beat.ipKey ?? null,
    )
    .one();
  sweep(host, now);
  toOperators(host, { type: "online", visitor: entry });
  const offer = row.offer ? (JSON.parse(row.offer) as EngageOffer) : null;
  // An operator's message belongs to one conversation: not offered once the widget moved on.
  return offer && offer.id === row.conversation_id ? offer : null;
}

/** Deletes the rows of visitors who left and arms the next sweep for the oldest row left. */
export function sweep(host: SiteHost, now = Date.now()): void {
  const gone = host.sql
    .exec<{ visitor_id: string }>(
      "DELETE FROM visitors_online WHERE seen_at <= ? RETURNING visitor_id",
      now - ONLINE_TTL_MS,
    )
    .toArray();
  for (const g of gone) toOperators(host, { type: "offline", visitorId: g.visitor_id });
  const oldest = host.sql.exec<{ at: number | null }>("SELECT MIN(seen_at) AS at FROM visitors_online").one().at;
  const due = oldest === null ? null : oldest + ONLINE_TTL_MS + 1000;
  if (host.timers.get(ONLINE_SWEEP_TIMER)?.due === due) return;
  defer(
    host,
    "online sweep timer",
    due === null ? host.timers.cancel(ONLINE_SWEEP_TIMER) : host.timers.set(ONLINE_SWEEP_TIMER, due),
  );
}

/** The visitors on the site now, the latest page view first. */
export function onlineVisitors(host: SiteHost, now = Date.now()): OnlineVisitor[] {
  sweep(host, now);
  return host.sql
    .exec<{ entry: string }>("SELECT entry FROM visitors_online ORDER BY seen_at DESC LIMIT ?", MAX_LISTED)
    .toArray()
    .map((r) => JSON.parse(r.entry) as OnlineVisitor);
}

/** One visitor's row: their conversation, the address key and their visit (for a proactive message). */
export function onlineVisitor(
  sql: SqlStorage,
  visitorId: string,
): { entry: OnlineVisitor; ipKey: string | null } | null {
  const row = sql
    .exec<{ entry: string; ip_key: string | null }>(
      "SELECT entry, ip_key FROM visitors_online WHERE visitor_id = ?",
      visitorId,
    )
    .toArray()[0];
  return row ? { entry: JSON.parse(row.entry) as OnlineVisitor, ipKey: row.ip_key } : null;
}

/** Keeps an operator's message for the visitor's next page view (the widget shows it beside the launcher). */
export function offerMessage(sql: SqlStorage, visitorId: string, offer: EngageOffer): void {
  sql.exec("UPDATE visitors_online SET offer = ? WHERE visitor_id = ?", JSON.stringify(offer), visitorId);
}

/** Forgets a visitor at once (blocked). */
export function dropVisitor(host: SiteHost, visitorId: string): void {
  host.sql.exec("DELETE FROM visitors_online WHERE visitor_id = ?", visitorId);
  toOperators(host, { type: "offline", visitorId });
}
