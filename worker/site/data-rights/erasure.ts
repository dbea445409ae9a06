/**
 * Erasing a contact and all their conversations (the right to erasure). The Site finds
 * what belongs to the person (by visitor id, or every contact and conversation with an
 * email), asks each Conversation object to delete its storage, then removes its own rows:
 * the contact, inbox entries, search text, routing marks, emails to or about them, their
 * unsubscribe record, the bot's lead cards and their deliveries, bookings, notices still
 * waiting to be sent about their conversations, the Gravatar profiles fetched for their
 * emails; their orders stay for the reports without the visitor or user id.
 * Conversations go first, so a failure leaves the index in place and the erasure can be
 * asked again. The audit entry names the visitor ids only, never the email.
 */
import { sha256Hex } from "../../lib/crypto";
import { failure, type Failure } from "../../lib/errors";

export interface ErasePlan {
  visitorIds: string[];
  conversationIds: string[];
  emails: string[];
}

/** What to erase for a visitor id, after checking `confirm` repeats the id or the contact's email. */
export function planByVisitor(sql: SqlStorage, visitorId: string, confirm: string): ErasePlan | Failure {
  const contact = sql
    .exec<{ email: string | null }>("SELECT email FROM contacts WHERE visitor_id = ?", visitorId)
    .toArray()[0];
  const conversations = conversationsOf(sql, [visitorId]);
  if (!contact && !conversations.length)
    return failure(404, "unknown_contact", "no contact or conversation with this visitor id");
  const given = confirm.trim().toLowerCase();
  if (given !== visitorId.toLowerCase() && (!contact?.email || given !== contact.email.toLowerCase())) {
    return failure(400, "confirmation_mismatch", "to erase, repeat the contact's email or visitor id in `confirm`");
  }
  return { visitorIds: [visitorId], conversationIds: conversations, emails: contact?.email ? [contact.email] : [] };
}

/** What to erase for an email: every contact with it and every conversation that carries it. */
export function planByEmail(sql: SqlStorage, email: string, confirm: string): ErasePlan | Failure {
  if (confirm.trim().toLowerCase() !== email.trim().toLowerCase()) {
    return failure(400, "confirmation_mismatch", "to erase, repeat the email in `confirm`");
  }
  const fromContacts = sql
    .exec<{ visitor_id: string }>("SELECT visitor_id FROM contacts WHERE lower(email) = lower(?)", email)
    .toArray();
  const fromInbox = sql
    .exec<{ visitor_id: string }>(
      "SELECT DISTINCT visitor_id FROM inbox WHERE lower(json_extract(entry, '$.email')) = lower(?)",
      email,
    )
    .toArray();
  const visitorIds = [...new Set([...fromContacts, ...fromInbox].map((r) => r.visitor_id))];
  if (!visitorIds.length) return failure(404, "unknown_contact", "no contact or conversation with this email");
  return { visitorIds, conversationIds: conversationsOf(sql, visitorIds), emails: [email] };
}

/**
 * The keys of the Gravatar profiles fetched for the person (./bot/gravatar.ts): of the
 * plan's emails and of those their lead cards and bookings carry. Read with the plan, before
 * anything is erased.
 */
export async function gravatarKeysOf(sql: SqlStorage, plan: ErasePlan): Promise<string[]> {
  const kept = sql
    .exec<{ email: string | null }>(
      `SELECT json_extract(fields, '$.email') AS email FROM leads WHERE visitor_id IN (SELECT value FROM json_each(?1))
       UNION SELECT email FROM appointments WHERE visitor_id IN (SELECT value FROM json_each(?1))`,
      JSON.stringify(plan.visitorIds),
    )
    .toArray();
  const emails = new Set(
    [...plan.emails, ...kept.map((r) => r.email)]
      .filter((e): e is string => typeof e === "string" && e.includes("@"))
      .map((e) => e.trim().toLowerCase()),
  );
  return Promise.all([...emails].map((e) => sha256Hex(e)));
}

/** Removes the Site's rows of a plan (after the Conversations erased themselves). */
export function eraseSiteRows(sql: SqlStorage, plan: ErasePlan, gravatarKeys: string[] = []): void {
  const visitors = JSON.stringify(plan.visitorIds);
  const conversations = JSON.stringify(plan.conversationIds);
  const emails = JSON.stringify(plan.emails.map((e) => e.toLowerCase()));
  removeConversationRows(sql, plan.conversationIds);
  // What the bot and the booking kept of the person outside their conversations' rows.
  sql.exec(
    "DELETE FROM lead_deliveries WHERE lead_id IN (SELECT id FROM leads WHERE visitor_id IN (SELECT value FROM json_each(?)))",
    visitors,
  );
  sql.exec("DELETE FROM leads WHERE visitor_id IN (SELECT value FROM json_each(?))", visitors);
  sql.exec(
    `DELETE FROM appointments WHERE visitor_id IN (SELECT value FROM json_each(?)) OR lower(email) IN (SELECT value FROM json_each(?))
       OR conversation_id IN (SELECT value FROM json_each(?))`,
    visitors,
    emails,
    conversations,
  );
  sql.exec("DELETE FROM visitors_online WHERE visitor_id IN (SELECT value FROM json_each(?))", visitors);
  sql.exec(
    "DELETE FROM gravatar_cache WHERE email_hash IN (SELECT value FROM json_each(?))",
    JSON.stringify(gravatarKeys),
  );
  sql.exec("DELETE FROM inbox WHERE visitor_id IN (SELECT value FROM json_each(?))", visitors);
  sql.exec("DELETE FROM contacts WHERE visitor_id IN (SELECT value FROM json_each(?))", visitors);
  sql.exec(
    "DELETE FROM outbox WHERE conversation_id IN (SELECT value FROM json_each(?)) OR lower(to_addr) IN (SELECT value FROM json_each(?))",
    conversations,
    emails,
  );
  sql.exec("DELETE FROM unsubscribed WHERE lower(email) IN (SELECT value FROM json_each(?))", emails);
  sql.exec(
    "UPDATE order_events SET visitor_id = NULL, user_id = NULL WHERE visitor_id IN (SELECT value FROM json_each(?))",
    visitors,
  );
}

/**
 * Deletes what the Site keeps per conversation: inbox entry, search text, routing mark, its
 * emails, its lead card, the notices still waiting to be sent about it (they quote its
 * messages) and which Telegram messages spoke of it. Its bookings are the erasure's to delete
 * (eraseSiteRows): retention keeps one still to come, and drops it once it is over.
 */
export function removeConversationRows(sql: SqlStorage, ids: string[]): void {
  const list = JSON.stringify(ids);
  for (const table of ["notice_queue", "notify_pending", "notify_seen", "telegram_messages", "visitors_online"]) {
    sql.exec(`DELETE FROM ${table} WHERE conversation_id IN (SELECT value FROM json_each(?))`, list);
  }
  sql.exec(
    "DELETE FROM lead_deliveries WHERE lead_id IN (SELECT id FROM leads WHERE conversation_id IN (SELECT value FROM json_each(?)))",
    list,
  );
  sql.exec("DELETE FROM leads WHERE conversation_id IN (SELECT value FROM json_each(?))", list);
  sql.exec("DELETE FROM inbox WHERE id IN (SELECT value FROM json_each(?))", list);
  sql.exec("DELETE FROM search_text WHERE conversation_id IN (SELECT value FROM json_each(?))", list);
  sql.exec("DELETE FROM route_pending WHERE conversation_id IN (SELECT value FROM json_each(?))", list);
  sql.exec("DELETE FROM outbox WHERE conversation_id IN (SELECT value FROM json_each(?))", list);
  // The figures stay, no longer linked to the visitor.
  sql.exec("UPDATE report_facts SET visitor_id = NULL WHERE id IN (SELECT value FROM json_each(?))", list);
}

function conversationsOf(sql: SqlStorage, visitorIds: string[]): string[] {
  return sql
    .exec<{ id: string }>(
      "SELECT id FROM inbox WHERE visitor_id IN (SELECT value FROM json_each(?))",
      JSON.stringify(visitorIds),
    )
    .toArray()
    .map((r) => r.id);
}
