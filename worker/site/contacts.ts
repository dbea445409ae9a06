/**
 * Contacts: visitors who wrote or were identified by the shop (the `contacts` table), and
 * the visitor card built from them — what the site knows of the visitor behind a
 * conversation (contact, where and on what they browse, their trail) and their previous
 * conversations. Nothing is stored for visitors who never chat.
 */
import type { InboxEntry, Trail, VisitorCard, VisitorClient } from "../protocol";
import { describeUserAgent } from "../lib/useragent";

export interface Contact {
  visitorId: string;
  userId: string | null;
  email: string | null;
  name: string | null;
  /** True when the shop vouched for this email (identity signed over user id and email). */
  verified: boolean;
  locale: string | null;
  timezone: string | null;
  trail: Trail | null;
}

/** What a session start tells about a visitor; `verified` only when the shop signed the email. */
export interface ContactUpdate {
  userId?: string;
  email?: string;
  name?: string;
  verified: boolean;
  locale?: string;
  timezone?: string;
  trail?: Trail;
}

/** What the site knows of a visitor, or null for one who never wrote nor was identified. */
export function contactOf(sql: SqlStorage, visitorId: string): Contact | null {
  const r = sql.exec<Record<string, any>>("SELECT * FROM contacts WHERE visitor_id = ?", visitorId).toArray()[0];
  if (!r) return null;
  return {
    visitorId,
    userId: r.user_id,
    email: r.email,
    name: r.name,
    verified: r.verified === 1,
    locale: r.locale,
    timezone: r.timezone,
    trail: r.trail ? JSON.parse(r.trail) : null,
  };
}

/** The visitor id the shop's user `userId` chatted as, or null. */
export function visitorOfUser(sql: SqlStorage, userId: string): string | null {
  return (
    sql.exec<{ visitor_id: string }>("SELECT visitor_id FROM contacts WHERE user_id = ?", userId).toArray()[0]
      ?.visitor_id ?? null
  );
}

/** Creates or updates a contact from a session start; known values are kept where none is given. */
export function upsertContact(sql: SqlStorage, visitorId: string, u: ContactUpdate, now = Date.now()): void {
  sql.exec(
    `INSERT INTO contacts (visitor_id, user_id, email, name, verified, locale, timezone, trail, first_seen, last_seen)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (visitor_id) DO UPDATE SET
       user_id = COALESCE(excluded.user_id, user_id), email = COALESCE(excluded.email, email),
       name = COALESCE(excluded.name, name),
       verified = CASE WHEN excluded.email IS NOT NULL AND excluded.email != COALESCE(email, '')
                       THEN excluded.verified ELSE MAX(verified, excluded.verified) END,
       locale = COALESCE(excluded.locale, locale), timezone = COALESCE(excluded.timezone, timezone),
       trail = COALESCE(excluded.trail, trail), last_seen = excluded.last_seen`,
    visitorId,
    u.userId ?? null,
    u.email ?? null,
    u.name ?? null,
    u.verified ? 1 : 0,
    u.locale ?? null,
    u.timezone ?? null,
    u.trail ? JSON.stringify(u.trail) : null,
    now,
    now,
  );
}

/** Records what a visitor told us in the chat (their email); what they type is never verified. */
export function saveContact(
  sql: SqlStorage,
  visitorId: string,
  fields: { email?: string; name?: string; phone?: string },
  now = Date.now(),
): void {
  sql.exec(
    `INSERT INTO contacts (visitor_id, email, name, phone, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (visitor_id) DO UPDATE SET email = COALESCE(excluded.email, email),
       name = COALESCE(excluded.name, name), phone = COALESCE(excluded.phone, phone), last_seen = excluded.last_seen,
       verified = CASE WHEN excluded.email IS NOT NULL AND excluded.email != COALESCE(email, '') THEN 0 ELSE verified END`,
    visitorId,
    fields.email ?? null,
    fields.name ?? null,
    fields.phone ?? null,
    now,
    now,
  );
}

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
  browser_language: string | null;
};

/** Stores the client data of a session start on an existing contact (nothing is stored for visitors who never chat). */
export function recordClient(sql: SqlStorage, visitorId: string, client: VisitorClient, ipKey?: string): void {
  sql.exec(
    `UPDATE contacts SET country = COALESCE(?, country), city = COALESCE(?, city), user_agent = COALESCE(?, user_agent),
       browser_language = COALESCE(?, browser_language), ip_key = COALESCE(?, ip_key)
     WHERE visitor_id = ?`,
    client.country?.slice(0, 2) ?? null,
    client.city?.slice(0, 120) ?? null,
    client.userAgent?.slice(0, 400) ?? null,
    client.language?.slice(0, 35) ?? null,
    ipKey ?? null,
    visitorId,
  );
}

/** The card for a conversation listed in the inbox, or null when it is not this site's. */
export function visitorCard(sql: SqlStorage, conversationId: string): VisitorCard | null {
  const listed = sql
    .exec<{ visitor_id: string; entry: string }>("SELECT visitor_id, entry FROM inbox WHERE id = ?", conversationId)
    .toArray()[0];
  if (!listed) return null;
  const visitorId = listed.visitor_id;
  const c = sql.exec<ContactRow>("SELECT * FROM contacts WHERE visitor_id = ?", visitorId).toArray()[0];
  const previous = sql
    .exec<{ entry: string }>(
      "SELECT entry FROM inbox WHERE visitor_id = ? AND id != ? ORDER BY updated_at DESC LIMIT 20",
      visitorId,
      conversationId,
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
    language: c?.browser_language ?? null,
    timezone: c?.timezone ?? null,
    trail: c?.trail ? (JSON.parse(c.trail) as Trail) : null,
    rating: (JSON.parse(listed.entry) as InboxEntry).rating ?? null,
    previous,
  };
}
