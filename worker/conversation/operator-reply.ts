/**
 * An operator's answer that arrives from outside the admin socket (a reply in Telegram). It
 * enters through the one `append` (host.post) like an answer typed in the admin, so it ends
 * the wait and its auto-reply and arms the follow-up email; an unassigned conversation goes
 * to the operator who answered, so teammates notified alongside see it is taken.
 */
import { failure, type Failure } from "../lib/errors";
import { clientId as clientIdSchema, messageText } from "../protocol";
import type { ConversationHost } from "./host";

export interface OperatorReply {
  operator: { id: string; name: string };
  text: string;
  /** Makes a redelivered reply a no-op (e.g. `tg-<update_id>`). */
  clientId: string;
}

/** Posts the reply; a clientId already stored answers its seq again without a second message. */
export function postOperatorReply(
  host: ConversationHost,
  reply: OperatorReply,
): { seq: number; duplicate: boolean } | Failure {
  const text = messageText.safeParse(reply.text);
  if (!text.success) return failure(400, "invalid_text", text.error.issues[0]?.message ?? "the text cannot be posted");
  if (!clientIdSchema.safeParse(reply.clientId).success)
    return failure(400, "invalid_client_id", "clientId is malformed");
  const known = host.store.seqOfClientId(reply.clientId);
  if (known !== null) return { seq: known, duplicate: true };
  if (!host.store.state()!.assignee) host.store.update({ assignee: reply.operator.id });
  const author = { kind: "operator" as const, id: reply.operator.id, name: reply.operator.name };
  const message = host.post({ clientId: reply.clientId, author, text: text.data, at: Date.now() });
  return { seq: message.seq, duplicate: false };
}
