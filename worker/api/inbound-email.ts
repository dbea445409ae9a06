/**
 * The Worker's email() handler: a visitor's reply to a follow-up. The signed reply address
 * names the conversation; auto-replies and bounces are dropped without a word (answering
 * them makes mail loops); anything unroutable or expired is rejected with a reason the
 * sender sees. Whether the sender is the visitor is the conversation's call (it knows the
 * address the follow-up went to).
 */
import type { Env } from "../env";
import { isFailure } from "../lib/errors";
import { conversationStub } from "../lib/jurisdiction";
import { MAX_INBOUND_BYTES, deliveryKey, parseInbound, parseReplyAddress, REPLY_ADDRESS_LIFETIME_DAYS } from "../email";

const ADDRESS_REFUSALS = {
  bad_signature: "this reply address is not valid: its signature does not match",
  not_a_reply_address: "unknown recipient: not a conversation reply address",
  expired: `this reply address has expired (they work for ${REPLY_ADDRESS_LIFETIME_DAYS} days); please write to us in the chat on our site`,
} as const;
import { storeEmailAttachments } from "../files/email";
import { deleteFiles } from "../files/storage";

export type InboundOutcome =
  | { outcome: "stored"; seq: number }
  | { outcome: "duplicate"; seq: number }
  | { outcome: "ignored"; why: string }
  | { outcome: "rejected"; why: string };

/** Handles one inbound message; returns what happened (for logs and tests). */
export async function handleInboundEmail(message: ForwardableEmailMessage, env: Env): Promise<InboundOutcome> {
  const reject = (why: string): InboundOutcome => {
    message.setReject(why);
    return { outcome: "rejected", why };
  };
  const address = await parseReplyAddress(message.to, env.TOKEN_SECRET);
  if (!address.ok) return reject(ADDRESS_REFUSALS[address.reason]);
  if (message.rawSize > MAX_INBOUND_BYTES) return reject(`message is larger than ${MAX_INBOUND_BYTES} bytes`);
  const email = await parseInbound(message.raw);
  if (email.automatic) return { outcome: "ignored", why: email.automatic };
  const conversation = conversationStub(env, address.conversationId);
  if (!conversation) return reject("unknown conversation");
  const stored = await storeEmailAttachments(env, address.conversationId, email.attachments);
  const result = await conversation.receiveEmail({
    deliveryKey: await deliveryKey(email, message.to),
    from: { address: email.from.address, ...(email.from.name ? { name: email.from.name } : {}) },
    subject: email.subject,
    text: email.text,
    ...(email.quoted ? { quoted: email.quoted } : {}),
    attachments: email.attachments.map(({ filename, mimeType, size }) => ({ filename, mimeType, size })),
    ...(stored.files.length ? { files: stored.files } : {}),
    ...(stored.refused.length ? { refusedFiles: stored.refused } : {}),
    ...(stored.files.length ? { filesLimitBytes: stored.limitBytes } : {}),
  });
  // Not posted (a duplicate, or nothing to post): its files must not stay in R2.
  if (isFailure(result) || !("duplicate" in result) || result.duplicate) {
    await deleteFiles(
      env.FILES,
      stored.siteKey,
      address.conversationId,
      stored.files.map((f) => f.id),
    );
  } else if (result.dropped?.length) {
    // Posted without the files that no longer fitted: they must not stay in R2 either.
    await deleteFiles(env.FILES, stored.siteKey, address.conversationId, result.dropped);
  }
  if (isFailure(result)) return reject(result.error.message);
  if ("ignored" in result) return { outcome: "ignored", why: "no new text" };
  return { outcome: result.duplicate ? "duplicate" : "stored", seq: result.seq };
}
