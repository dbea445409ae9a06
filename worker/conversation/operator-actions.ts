/** What an operator's resolve / reopen / assign does to a conversation's state (pure). */
import type { ConversationState } from "./store";

export type OperatorAction =
  | { type: "resolve" }
  | { type: "reopen" }
  | { type: "assign"; assignee: string | null; department: string | null };

/** The state columns an action changes at `now`. */
export function operatorChanges(action: OperatorAction, now: number): Partial<ConversationState> {
  switch (action.type) {
    case "resolve":
      return { status: "resolved", resolved_at: now, waiting_since: null };
    case "reopen":
      return { status: "open", resolved_at: null };
    case "assign":
      return { assignee: action.assignee, department: action.department };
  }
}
