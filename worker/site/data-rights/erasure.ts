/**
 * Erasing a contact and all their conversations (the right to erasure). The Site finds
 * what belongs to the person (by visitor id, or every contact and conversation with an
 * email), asks each Conversation object to delete its storage, then removes its own rows:
 * the contact, inbox entries, search text, routing marks, emails to or about them, their
 * unsubscribe record; their orders stay for the reports without the visitor or user id.
 * Conversations go first, so a failure leaves the index in place and the erasure can be
 * asked again. The audit entry names the visitor ids only, never the email.
 */
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

/** Removes the Site's rows of a plan (after the Conversations erased themselves). */
export function eraseSiteRows(sql: SqlStorage, plan: ErasePlan): void {
  const visitors = JSON.stringify(plan.visitorIds);
  const conversations = JSON.stringify(plan.conversationIds);
  const emails = JSON.stringify(plan.emails.map((e) => e.toLowerCase()));
  removeConversationRows(sql, plan.conversationIds);
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

/** Deletes what the Site keeps per conversation: inbox entry, search text, routing mark, its emails. */
export function removeConversationRows(sql: SqlStorage, ids: string[]): void {
  const list = JSON.stringify(ids);
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
