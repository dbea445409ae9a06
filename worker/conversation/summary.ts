/** The inbox summary of a conversation: what its Site lists and shows operators. */
import type { InboxEntry } from "../protocol";
import type { ConversationStore } from "./store";

/** Builds the summary from the store (a few reads: it runs once per coalesced report). */
export function buildSummary(id: string, store: ConversationStore): InboxEntry {
  const s = store.state()!;
  const last = store.last();
  const shown = store.preview();
  return {
    id,
    visitorId: s.visitor_id,
    status: s.status,
    channel: s.channel,
    assignee: s.assignee,
    department: s.department,
    email: s.email,
    visitorName: s.visitor_name,
    verified: s.verified === 1,
    lastMessage: shown
      ? {
          seq: shown.seq,
          text: shown.text.slice(0, 200),
          author: shown.author.kind,
          at: shown.at,
          ...(shown.meta?.internal ? { note: true } : {}),
        }
      : null,
    lastSeq: last?.seq ?? 0,
    unread: store.unreadByOperators(),
    waitingSince: s.waiting_since,
    createdAt: s.created_at,
    updatedAt: last?.at ?? s.created_at,
    firstVisitorAt: s.first_visitor_at,
    firstOperatorAt: s.first_operator_at,
    resolvedAt: s.resolved_at,
    askedEmail: s.ask_email === 1,
    rating: s.rating,
    rev: s.rev,
  };
}
