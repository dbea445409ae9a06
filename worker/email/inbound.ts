/**
 * Inbound email: parses a raw message with postal-mime and keeps what a conversation
 * needs: who wrote, the new text without quoted history (and that history apart), the
 * attachments' names, and whether the message was sent by a machine (auto-replies and
 * bounces are never stored and never answered).
 */
import PostalMime, { type Email, type Header } from "postal-mime";
import { sha256Hex } from "../lib/crypto";
import { cutText } from "../lib/cut";
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
  /** The decoded content (stored in R2 when its type is allowed: worker/files/email.ts). */
  content: Uint8Array;
}

export interface InboundEmail {
  /** With angle brackets, as in the header; undefined when the sender set none. */
  messageId?: string;
  /** The Date header (ISO when it parses, else as written); undefined when there is none. */
  date?: string;
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
    date: email.date?.trim() || undefined,
    inReplyTo: email.inReplyTo?.trim() || undefined,
    references: (email.references ?? "").match(/<[^<>\s]+>/g) ?? [],
    from: { address: (from.address ?? "").toLowerCase(), name: from.name },
    to: (email.to ?? []).flatMap((a) => (a.group ? a.group : [a])).map((a) => a.address.toLowerCase()),
    subject: email.subject ?? "",
    text: reply.text,
    quoted: cutText(reply.quoted, MAX_QUOTED_CHARS),
    fullText: fullText.replace(/\r\n?/g, "\n").trim(),
    attachments: email.attachments.map((a) => {
      const content = typeof a.content === "string" ? new TextEncoder().encode(a.content) : new Uint8Array(a.content);
      return { filename: a.filename ?? "", mimeType: a.mimeType, size: content.byteLength, content };
    }),
    automatic: automaticKind(email),
  };
}

/**
 * What tells this email from any other when it is delivered twice: its Message-ID, or for
 * mail without one a hash of who wrote to which address, when, about what, and the whole
 * body. Words alone are no key: a visitor's "Yes" the next day is a new answer.
 *
 * @example await deliveryKey(email, message.to) // "<abc@mail.example>" or "sha256:9f…"
 */
export async function deliveryKey(email: InboundEmail, to: string): Promise<string> {
  if (email.messageId) return email.messageId;
  const files = email.attachments.map((a) => `${a.filename}/${a.mimeType}/${a.size}`);
  const parts = [
    email.from.address,
    to.trim().toLowerCase(),
    email.date ?? "",
    email.subject,
    email.fullText,
    ...files,
  ];
  return `sha256:${await sha256Hex(JSON.stringify(parts))}`;
}

/**
 * Subjects auto-responders and mail servers put on their own, in the languages our shops'
 * visitors use, matched at the start of the Subject (an auto-reply is "Automatic reply: Re: …",
 * a person's answer is "Re: …"). A subject is the weakest sign, read only when no header
 * said anything.
 */
const AUTO_REPLY_SUBJECTS = [
  /^out of (the )?office\b/i,
  /^automatic reply\b/i,
  /^auto(matic)?[- ]?reply\b/i,
  /^autoresponse\b/i,
  /^auto:/i,
  /^away from (the )?office\b/i,
  /^on vacation\b/i,
  /^автоответ/i,
  /^автоматический ответ/i,
  /^меня нет в офисе/i,
  /^нет на месте/i,
  /^вне офиса/i,
  /^в отпуске\s*:/i,
  /^abwesenheitsnotiz/i,
  /^automatische antwort/i,
  /^abwesend\s*:/i,
  /^réponse automatique/i,
  /^reponse automatique/i,
  /^absence du bureau/i,
  /^absent du bureau/i,
  /^respuesta automática/i,
  /^fuera de la oficina/i,
  /^risposta automatica/i,
  /^fuori sede/i,
  /^automatisch antwoord/i,
  /^afwezig\s*:/i,
  /^automatyczna odpowiedź/i,
  /^automatická odpověď/i,
];
const BOUNCE_SUBJECTS = [
  /^delivery status notification\b/i,
  /^undeliverable\b/i,
  /^undelivered mail\b/i,
  /^mail delivery failed\b/i,
  /^delivery failure\b/i,
  /^failure notice\b/i,
  /^returned mail\b/i,
  /^mail delivery (sub)?system\b/i,
  /^delivery has failed\b/i,
  /^message not delivered\b/i,
  /^не доставлено/i,
  /^недоставленное сообщение/i,
  /^сообщение не доставлено/i,
  /^ошибка доставки/i,
  /^unzustellbar/i,
  /^nicht zustellbar/i,
  /^non remis/i,
  /^non distribuable/i,
  /^échec de (la )?remise/i,
  /^no se puede entregar/i,
  /^no entregado/i,
  /^onbestelbaar/i,
  /^niedostarczalne/i,
];

/** The message, as far as telling machine-sent mail apart needs it. */
export type AutomaticSigns = Pick<Email, "headers" | "from"> & Partial<Pick<Email, "subject" | "attachments">>;

/**
 * Tells machine-sent mail apart. Headers first (RFC 3834 `Auto-Submitted`, `Precedence`,
 * the X-Autoreply family, MAILER-DAEMON senders), then well-known subjects of
 * auto-responders and bounces, then delivery status content (`multipart/report`, a
 * `message/delivery-status` part). `X-Auto-Response-Suppress` is no sign: Outlook puts it on
 * mail people write, asking others' auto-responders to stay quiet.
 */
export function automaticKind(email: AutomaticSigns): AutomaticKind {
  const get = (name: string) => headerValue(email.headers, name);
  const sender = email.from && !email.from.group ? (email.from.address ?? "") : "";
  if (/^(mailer-daemon|postmaster)@/i.test(sender)) return "bounce";
  const autoSubmitted = get("auto-submitted");
  if (autoSubmitted !== undefined && !/^\s*no\s*(;|$)/i.test(autoSubmitted)) return "auto-reply";
  const precedence = (get("precedence") ?? "").trim().toLowerCase();
  if (precedence === "auto_reply") return "auto-reply";
  if (get("x-autoreply") !== undefined || get("x-autorespond") !== undefined) return "auto-reply";
  if (get("x-autogenerated") !== undefined) return "auto-reply";
  if (["bulk", "junk", "list"].includes(precedence)) return "bulk";

  const subject = (email.subject ?? get("subject") ?? "").replace(/^\s*\[[^\]]{1,40}\]\s*/, "").trim();
  if (BOUNCE_SUBJECTS.some((re) => re.test(subject))) return "bounce";
  if (AUTO_REPLY_SUBJECTS.some((re) => re.test(subject))) return "auto-reply";

  const contentType = get("content-type") ?? "";
  if (/^multipart\/report\b/i.test(contentType)) {
    // A read receipt (disposition-notification) is machine-sent too, but not a failure.
    return /report-type\s*=\s*"?delivery-status/i.test(contentType) ? "bounce" : "auto-reply";
  }
  if (/^message\/(global-)?delivery-status\b/i.test(contentType)) return "bounce";
  if (email.attachments?.some((a) => /^message\/(global-)?delivery-status$/i.test(a.mimeType))) return "bounce";
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
