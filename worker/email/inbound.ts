/**
 * Inbound email: parses a raw message with postal-mime and keeps what a conversation
 * needs: who wrote, the new text without quoted history (and that history apart), the
 * attachments' names, and whether the message was sent by a machine (auto-replies and
 * bounces are never stored and never answered).
 */
import PostalMime, { type Email, type Header } from "postal-mime";
import { decodeFlowed, takeFlowedParts } from "./flowed";
import { htmlToText } from "./html";
import { extractReply, type ExtractedReply } from "./reply";

/** Why a message was sent by a machine, or false when a person wrote it. */
export type AutomaticKind = false | "auto-reply" | "bounce" | "bulk";

export interface InboundAttachment {
  filename: string;
  mimeType: string;
  /** Bytes. */
  size: number;
}

export interface InboundEmail {
  /** With angle brackets, as in the header; undefined when the sender set none. */
  messageId?: string;
  inReplyTo?: string;
  references: string[];
  from: { address: string; name: string };
  /** Addresses of the To header, lowercased. */
  to: string[];
  subject: string;
  /** What the person wrote now: quoted history, signature and footers removed; never empty when the body had text. */
  text: string;
  /** What was hidden from `text` (quoted history, signature, footers), at most MAX_QUOTED_CHARS; "" when none. */
  quoted: string;
  /** The whole text body (HTML converted when there is no text part). */
  fullText: string;
  attachments: InboundAttachment[];
  automatic: AutomaticKind;
}

/** Bigger messages are refused before parsing; a chat reply is never this large. */
export const MAX_INBOUND_BYTES = 25 * 1024 * 1024;

/** The hidden quote is kept for the operator to read, not archived: long threads are cut here. */
export const MAX_QUOTED_CHARS = 8000;

/**
 * Parses a raw RFC 5322 message (the `message.raw` stream of the Worker's `email()`
 * handler, or its bytes or text).
 *
 * @example const email = await parseInbound(message.raw);
 * if (email.automatic) return; // never store or answer auto-replies and bounces
 */
export async function parseInbound(raw: ArrayBuffer | string | ReadableStream): Promise<InboundEmail> {
  const received = await readAll(raw);
  if (received.byteLength > MAX_INBOUND_BYTES) {
    throw new Error(`message is larger than ${MAX_INBOUND_BYTES} bytes`);
  }
  // postal-mime would join flowed lines across quote depths; we decode them ourselves.
  const { bytes, flowed } = takeFlowedParts(received);
  const email = await PostalMime.parse(bytes, { attachmentEncoding: "arraybuffer" });
  const from = email.from && !email.from.group ? email.from : { address: "", name: "" };

  let fullText = flowed && email.text ? decodeFlowed(email.text, flowed) : (email.text ?? "");
  let reply: ExtractedReply;
  if (email.html !== undefined && !hasTextPart(bytes)) {
    // HTML only: the markup says what is quoted; mark it with ">" and read it like a text part.
    fullText = htmlToText(email.html, { keepQuotes: true });
    reply = extractReply(htmlToText(email.html, { markQuotes: true }));
  } else {
    reply = extractReply(fullText);
    // Some clients send an empty text part next to the real HTML one.
    if (reply.text === "" && email.html) reply = extractReply(htmlToText(email.html, { markQuotes: true }));
  }

  return {
    messageId: email.messageId?.trim() || undefined,
    inReplyTo: email.inReplyTo?.trim() || undefined,
    references: (email.references ?? "").match(/<[^<>\s]+>/g) ?? [],
    from: { address: (from.address ?? "").toLowerCase(), name: from.name },
    to: (email.to ?? []).flatMap((a) => (a.group ? a.group : [a])).map((a) => a.address.toLowerCase()),
    subject: email.subject ?? "",
    text: reply.text,
    quoted: reply.quoted.length > MAX_QUOTED_CHARS ? `${reply.quoted.slice(0, MAX_QUOTED_CHARS - 1)}…` : reply.quoted,
    fullText: fullText.replace(/\r\n?/g, "\n").trim(),
    attachments: email.attachments.map((a) => ({
      filename: a.filename ?? "",
      mimeType: a.mimeType,
      size: typeof a.content === "string" ? a.content.length : a.content.byteLength,
    })),
    automatic: automaticKind(email),
  };
}

/**
 * Tells machine-sent mail apart (RFC 3834 `Auto-Submitted`, `Precedence`, the
 * X-Autoreply family, delivery status reports, MAILER-DAEMON senders).
 */
export function automaticKind(email: Pick<Email, "headers" | "from">): AutomaticKind {
  const get = (name: string) => headerValue(email.headers, name);
  const contentType = get("content-type") ?? "";
  const sender = email.from && !email.from.group ? (email.from.address ?? "") : "";
  if (/^multipart\/report\b/i.test(contentType)) {
    // A read receipt (disposition-notification) is machine-sent too, but not a failure.
    return /report-type\s*=\s*"?delivery-status/i.test(contentType) ? "bounce" : "auto-reply";
  }
  if (/^(mailer-daemon|postmaster)@/i.test(sender)) return "bounce";

  const autoSubmitted = get("auto-submitted");
  if (autoSubmitted !== undefined && !/^\s*no\s*(;|$)/i.test(autoSubmitted)) return "auto-reply";
  const precedence = (get("precedence") ?? "").trim().toLowerCase();
  if (precedence === "auto_reply") return "auto-reply";
  if (get("x-autoreply") !== undefined || get("x-autorespond") !== undefined) return "auto-reply";
  if (get("x-autogenerated") !== undefined) return "auto-reply";
  const suppress = get("x-auto-response-suppress") ?? "";
  if (/\b(all|oof)\b/i.test(suppress)) return "auto-reply";
  if (["bulk", "junk", "list"].includes(precedence)) return "bulk";
  return false;
}

function headerValue(headers: Header[], name: string): string | undefined {
  return headers.find((h) => h.key === name)?.value;
}

/**
 * Whether the message has a text/plain body part. postal-mime fills `text` from the HTML
 * when there is none, and its conversion keeps quoted history, so we look for ourselves:
 * a `text/plain` header block that is not an attachment, or a message without any
 * Content-Type (plain text by default).
 */
function hasTextPart(bytes: Uint8Array): boolean {
  const raw = new TextDecoder("latin1").decode(bytes).replace(/\r\n/g, "\n");
  const headerEnd = raw.indexOf("\n\n");
  const top = headerEnd < 0 ? raw : raw.slice(0, headerEnd);
  if (!/^content-type:/im.test(top)) return true;
  for (const m of raw.matchAll(/^content-type:[ \t]*text\/plain\b/gim)) {
    const start = raw.lastIndexOf("\n\n", m.index) + 1;
    const end = raw.indexOf("\n\n", m.index);
    const block = raw.slice(start, end < 0 ? raw.length : end);
    if (!/^content-disposition:[ \t]*attachment/im.test(block)) return true;
  }
  return false;
}

async function readAll(raw: ArrayBuffer | string | ReadableStream): Promise<Uint8Array> {
  if (typeof raw === "string") return new TextEncoder().encode(raw);
  if (raw instanceof ArrayBuffer) return new Uint8Array(raw);
  return new Uint8Array(await new Response(raw).arrayBuffer());
}
