/**
 * The visitor card: what the site knows of the visitor behind a conversation (contact,
 * where and on what they browse, their trail) and their previous conversations.
 */
import type { InboxEntry, Trail, VisitorCard, VisitorClient } from "../protocol";
import { describeUserAgent } from "./useragent";

type ContactRow = {
  visitor_id: string;
  email: string | null;
  name: string | null;
  phone: string | null;
  verified: number;
  locale: string | null;
  timezone: string | null;
  trail: string | null;
  country: string | null;
  city: string | null;
  user_agent: string | null;
};

/** Stores the client data of a session start on an existing contact (nothing is stored for visitors who never chat). */
export function recordClient(sql: SqlStorage, visitorId: string, client: VisitorClient): void {
  sql.exec(
    `UPDATE contacts SET country = COALESCE(?, country), city = COALESCE(?, city), user_agent = COALESCE(?, user_agent)
     WHERE visitor_id = ?`,
    client.country?.slice(0, 2) ?? null, client.city?.slice(0, 120) ?? null, client.userAgent?.slice(0, 400) ?? null, visitorId,
  );
}

/** The card for a conversation listed in the inbox, or null when it is not this site's. */
export function visitorCard(sql: SqlStorage, conversationId: string): VisitorCard | null {
  const listed = sql.exec<{ visitor_id: string }>("SELECT visitor_id FROM inbox WHERE id = ?", conversationId).toArray()[0];
  if (!listed) return null;
  const visitorId = listed.visitor_id;
  const c = sql.exec<ContactRow>("SELECT * FROM contacts WHERE visitor_id = ?", visitorId).toArray()[0];
  const previous = sql
    .exec<{ entry: string }>(
      "SELECT entry FROM inbox WHERE visitor_id = ? AND id != ? ORDER BY updated_at DESC LIMIT 20", visitorId, conversationId,
    )
    .toArray()
    .map((r) => JSON.parse(r.entry) as InboxEntry);
  return {
    visitorId,
    name: c?.name ?? null,
    email: c?.email ?? null,
    phone: c?.phone ?? null,
    verified: c?.verified === 1,
    country: c?.country ?? null,
    city: c?.city ?? null,
    device: describeUserAgent(c?.user_agent),
    locale: c?.locale ?? null,
    timezone: c?.timezone ?? null,
    trail: c?.trail ? (JSON.parse(c.trail) as Trail) : null,
    previous,
  };
}
