/**
 * The visitor's rating of a resolved conversation (CSAT): who may rate, when, and how the
 * rating reads in the thread. The comment is the visitor's words, kept as plain text.
 */
import type { Role } from "../lib/peers";
import type { ErrorCode, RateFrame } from "../protocol";
import type { ConversationState } from "./store";

/** Why a rate frame is refused, or null when it may be stored. */
export function refusal(
  role: Role,
  conversationId: string,
  state: Pick<ConversationState, "status" | "rating">,
  frame: Pick<RateFrame, "conversationId">,
): { code: ErrorCode; message: string } | null {
  if (role !== "visitor") return { code: "forbidden", message: "only the visitor rates a conversation" };
  if (frame.conversationId !== conversationId)
    return { code: "wrong_conversation", message: "this rating is for another conversation" };
  if (state.status !== "resolved")
    return { code: "not_resolved", message: "a conversation is rated once an operator resolved it" };
  if (state.rating !== null) return { code: "already_rated", message: "this conversation was already rated" };
  return null;
}

/** The system message that shows a rating in the thread: "Rated 4 of 5: comment". */
export function ratingText(rating: number, comment?: string): string {
  return comment ? `Rated ${rating} of 5: ${comment}` : `Rated ${rating} of 5`;
}
