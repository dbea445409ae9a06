/**
 * A conversation's report facts for the reports' unit tests: nothing happened but what the
 * test names (no answer, no resolution, chat, no department, no rating).
 */
import type { ConversationFacts } from "./facts";

export function conversationFacts(id: string, f: Partial<ConversationFacts> = {}): ConversationFacts {
  return {
    id,
    createdAt: f.firstVisitorAt ?? 0,
    firstVisitorAt: null,
    firstOperatorAt: null,
    resolvedAt: null,
    channel: "chat",
    department: null,
    assignee: null,
    askedEmail: false,
    emailKnown: false,
    continuedByEmail: false,
    rating: null,
    ...f,
  };
}
