/**
 * A visitor's reply by email, stored once per delivery key as a visitor message with channel
 * "email". The signed address says which conversation; only the sender says whose words:
 * mail from any address but the one the follow-up went to (the visitor's email) is held for
 * the operator with `meta.unverifiedSender`, never shown to the visitor, until an operator
 * accepts it (then a copy enters as the sender's: a `guest` author named by their address,
 * never the visitor's own words) or discards it.
 */
import { sha256Hex } from "../lib/crypto";
import { cutText } from "../lib/cut";
import { failure, isFailure, type Failure } from "../lib/errors";
import { MAX_TEXT, type Attachment, type Message } from "../protocol";
import { emailFilesThatFit } from "../files/conversation";
import { moveFiles, OVER_CONVERSATION_LIMIT } from "../files/ledger";
import type { ConversationHost } from "./host";

export interface InboundEmail {
  /** The same for the same email delivered again, and only for it (worker/email `deliveryKey`). */
  deliveryKey: string;
  from: { address: string; name?: string };
  subject: string;
  text: string;
  /** The quoted history the reply parser hid, shown to operators on request. */
  quoted?: string;
  attachments: Array<{ filename: string; mimeType: string; size: number }>;
  /** The attachments stored in R2 (worker/files/email.ts), and those refused with why. */
  files?: Attachment[];
  refusedFiles?: Array<{ name: string; reason: string }>;
  /** The conversation's limit for its files, in bytes, checked again as `files` are posted. */
  filesLimitBytes?: number;
}

/** Stores the reply (the Worker's email() handler verified the signed address). */
export async function receiveEmail(
  host: ConversationHost,
  email: InboundEmail,
): Promise<{ seq: number; duplicate: boolean; dropped?: string[] } | { ignored: "empty" } | Failure> {
  const state = host.store.state();
  if (!state) return failure(404, "not_found", "unknown conversation");
  const clientId = `email-${(await sha256Hex(email.deliveryKey)).slice(0, 40)}`;
  const known = host.store.seqOfClientId(clientId);
  if (known !== null) return { seq: known, duplicate: true };
  const names = email.attachments.map((a) => a.filename).join(", ");
  const text = cutText(email.text.trim() || (names ? `(${names})` : ""), MAX_TEXT);
  if (!text) return { ignored: "empty" };
  // What no longer fits is named as refused, and deleted from R2 by the caller.
  const { fit: files, over } = emailFilesThatFit(
    host,
    email.files ?? [],
    email.filesLimitBytes ?? Number.POSITIVE_INFINITY,
  );
  const refusedFiles = [
    ...(email.refusedFiles ?? []),
    ...over.map((f) => ({ name: f.name, reason: OVER_CONVERSATION_LIMIT })),
  ];
  const dropped = over.map((f) => f.id);
  const sender = email.from.address.trim().toLowerCase();
  const verified = !!sender && sender === state.email?.trim().toLowerCase();
  const message = host.post({
    clientId,
    author: { kind: "visitor", ...(verified && state.visitor_name ? { name: state.visitor_name } : {}) },
    text,
    at: Date.now(),
    channel: "email",
    meta: {
      from: email.from.address,
      subject: email.subject.slice(0, 300),
      attachments: email.attachments.slice(0, 20),
      ...(email.quoted ? { quoted: email.quoted } : {}),
      ...(verified ? {} : { unverifiedSender: true }),
      ...(refusedFiles.length ? { refusedFiles: refusedFiles.slice(0, 20) } : {}),
    },
    ...(files.length ? { attachments: files } : {}),
  });
  return { seq: message.seq, duplicate: false, ...(dropped.length ? { dropped } : {}) };
}

/**
 * An operator lets a held email (`meta.unverifiedSender`) into the conversation: the held row
 * is marked with the seq of its accepted copy, and the copy enters as the sender's own
 * message (author `guest`, named by the address it came from) with the email's files, which
 * the visitor sees as "x@y by email", not as theirs. Accepting twice returns the same copy; a discarded email
 * cannot be accepted.
 */
export function acceptHeldEmail(
  host: ConversationHost,
  seq: number,
  operatorId: string,
): { held: Message; accepted: Message } | Failure {
  const held = heldEmail(host, seq);
  if (isFailure(held)) return held;
  const clientId = `accepted-${seq}`;
  const known = host.store.seqOfClientId(clientId);
  if (known !== null) return { held, accepted: host.store.message(known)! };
  if (held.meta?.discardedBy !== undefined) return failure(409, "already_decided", `message ${seq} was discarded`);
  const { unverifiedSender: _held, ...meta } = held.meta ?? {};
  const accepted = host.post({
    clientId,
    author: { kind: "guest", name: String(held.meta?.from ?? "").slice(0, 254) },
    text: held.text,
    at: held.at,
    channel: "email",
    meta: { ...meta, acceptedFrom: seq, acceptedBy: operatorId },
    // The email's files go with its words: the visitor sees them on the copy.
    ...(held.attachments?.length ? { attachments: held.attachments } : {}),
  });
  if (held.attachments?.length) moveFiles(host.sql, seq, accepted.seq, "guest");
  const marked = host.store.setMeta(seq, { ...held.meta, acceptedAs: accepted.seq });
  return { held: marked, accepted };
}

/**
 * An operator turns a held email away: it stays for operators, marked `meta.discardedBy`
 * (the admin shows it folded), and never reaches the visitor. Discarding twice is the same;
 * an accepted email cannot be discarded (delete its copy instead).
 */
export function discardHeldEmail(host: ConversationHost, seq: number, operatorId: string): Message | Failure {
  const held = heldEmail(host, seq);
  if (isFailure(held)) return held;
  if (held.meta?.discardedBy !== undefined) return held;
  if (held.meta?.acceptedAs !== undefined)
    return failure(409, "already_decided", `message ${seq} was already accepted`);
  return host.store.setMeta(seq, { ...held.meta, discardedBy: operatorId, discardedAt: Date.now() });
}

function heldEmail(host: ConversationHost, seq: number): Message | Failure {
  const held = host.store.message(seq);
  if (held?.channel !== "email" || held.meta?.unverifiedSender !== true) {
    return failure(404, "not_found", `message ${seq} is not an email held for its sender`);
  }
  return held;
}
