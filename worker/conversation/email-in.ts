/** A visitor's reply by email, stored once per Message-ID as a visitor message with channel "email". */
import { sha256Hex } from "../lib/crypto";
import { failure, type Failure } from "../lib/errors";
import { MAX_TEXT, type Attachment } from "../protocol";
import type { ConversationHost } from "./host";

export interface InboundEmail {
  messageId?: string;
  from: { address: string; name?: string };
  subject: string;
  text: string;
  attachments: Array<{ filename: string; mimeType: string; size: number }>;
  /** The attachments stored in R2 (worker/files/email.ts), and those refused with why. */
  files?: Attachment[];
  refusedFiles?: Array<{ name: string; reason: string }>;
}

/** Stores the reply (the Worker's email() handler verified the signed address). */
export async function receiveEmail(
  host: ConversationHost,
  email: InboundEmail,
): Promise<{ seq: number; duplicate: boolean } | { ignored: "empty" } | Failure> {
  const state = host.store.state();
  if (!state) return failure(404, "not_found", "unknown conversation");
  const key = email.messageId ?? `${email.from.address}\n${email.subject}\n${email.text}`;
  const clientId = `email-${(await sha256Hex(key)).slice(0, 40)}`;
  const known = host.store.seqOfClientId(clientId);
  if (known !== null) return { seq: known, duplicate: true };
  const names = email.attachments.map((a) => a.filename).join(", ");
  let text = email.text.trim() || (names ? `(${names})` : "");
  if (!text) return { ignored: "empty" };
  if (text.length > MAX_TEXT) text = `${text.slice(0, MAX_TEXT - 1)}…`;
  const message = host.post({
    clientId,
    author: { kind: "visitor", ...(state.visitor_name ? { name: state.visitor_name } : {}) },
    text,
    at: Date.now(),
    channel: "email",
    meta: {
      from: email.from.address, subject: email.subject.slice(0, 300), attachments: email.attachments.slice(0, 20),
      ...(email.refusedFiles?.length ? { refusedFiles: email.refusedFiles.slice(0, 20) } : {}),
    },
    ...(email.files?.length ? { attachments: email.files } : {}),
  });
  return { seq: message.seq, duplicate: false };
}
