/**
 * Outbound messages as RFC 5322 / MIME text: the form the Cloudflare `send_email` binding
 * takes, and what the local outbox shows. Header injection is impossible by construction:
 * addresses, ids and header values with a line break are rejected, display names and
 * subjects have their line breaks collapsed to spaces.
 */

import type { EmailAttachment, Mailbox, OutboundEmail } from "../protocol/email";

export type { EmailAttachment, Mailbox, OutboundEmail };

/** Thrown when a message cannot be written safely (a line break in an address…). */
export class EmailFormatError extends Error {
  override name = "EmailFormatError";
}

const CRLF = "\r\n";
const ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const MESSAGE_ID = /^<?([^<>\s@]+@[^<>\s@]+)>?$/;
const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,75}$/;
// Headers buildMime writes itself; a caller setting them would make a second copy.
const RESERVED = new Set([
  "from",
  "to",
  "cc",
  "bcc",
  "reply-to",
  "subject",
  "date",
  "message-id",
  "in-reply-to",
  "references",
  "mime-version",
  "content-type",
  "content-transfer-encoding",
  "sender",
  "list-unsubscribe",
  "list-unsubscribe-post",
  "return-path",
]);

/**
 * Checks a message and returns it normalised: display names and the subject on one line,
 * ids in angle brackets. Throws `EmailFormatError` for anything that could inject a header.
 */
export function normalizeOutbound(msg: OutboundEmail): OutboundEmail {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(msg.headers ?? {})) {
    if (!HEADER_NAME.test(name)) throw new EmailFormatError(`not a valid header name: ${JSON.stringify(name)}`);
    if (RESERVED.has(name.toLowerCase()))
      throw new EmailFormatError(`header ${name} is set by buildMime, not by headers`);
    headers[name] = checkValue(value, `header ${name}`);
  }
  const unsubscribe = msg.listUnsubscribe;
  if (unsubscribe) {
    checkValue(unsubscribe.url, "listUnsubscribe.url");
    if (!/^https:\/\/[^\s<>]+$/.test(unsubscribe.url)) {
      throw new EmailFormatError("listUnsubscribe.url must be an https URL (RFC 8058)");
    }
    if (unsubscribe.mailto !== undefined) checkAddress(unsubscribe.mailto, "listUnsubscribe.mailto");
  }
  return {
    ...msg,
    from: mailbox(msg.from, "from"),
    to: mailbox(msg.to, "to"),
    replyTo: msg.replyTo && mailbox(msg.replyTo, "replyTo"),
    subject: oneLine(msg.subject),
    messageId: messageId(msg.messageId, "messageId"),
    inReplyTo: msg.inReplyTo === undefined ? undefined : messageId(msg.inReplyTo, "inReplyTo"),
    references: msg.references?.map((id) => messageId(id, "references")),
    headers,
    ...(msg.attachments?.length ? { attachments: msg.attachments.map(attachment) } : {}),
  };
}

/**
 * Builds the complete message: headers with RFC 2047 encoded words where text is not
 * ASCII, `text/plain` alone or `multipart/alternative` with the HTML, both UTF-8 and
 * quoted-printable, lines joined with CRLF.
 *
 * `date` and `boundary` exist for reproducible tests.
 */
export function buildMime(msg: OutboundEmail, opts: { date?: Date; boundary?: string } = {}): string {
  const m = normalizeOutbound(msg);
  const lines: string[] = [header("From", formatMailbox(m.from)), header("To", formatMailbox(m.to))];
  if (m.replyTo) lines.push(header("Reply-To", formatMailbox(m.replyTo)));
  lines.push(
    header("Subject", encodeText(m.subject)),
    header("Date", formatDate(opts.date ?? new Date())),
    header("Message-ID", m.messageId),
  );
  if (m.inReplyTo) lines.push(header("In-Reply-To", m.inReplyTo));
  if (m.references?.length) lines.push(header("References", m.references.join(" ")));
  if (m.listUnsubscribe) {
    const targets = [`<${m.listUnsubscribe.url}>`];
    if (m.listUnsubscribe.mailto) targets.push(`<mailto:${m.listUnsubscribe.mailto}>`);
    lines.push(header("List-Unsubscribe", targets.join(", ")));
    lines.push(header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));
  }
  for (const [name, value] of Object.entries(m.headers ?? {})) lines.push(header(name, encodeText(value)));
  lines.push("MIME-Version: 1.0");

  const stamp = opts.boundary ?? `=_edgechat_${crypto.randomUUID().replace(/-/g, "")}`;
  if (!/^[A-Za-z0-9'()+_,./:=?-]{1,65}$/.test(stamp)) throw new EmailFormatError("not a valid MIME boundary");
  const body =
    m.html === undefined
      ? textPart("plain", m.text)
      : multipart("alternative", stamp, [textPart("plain", m.text), textPart("html", m.html)]);
  const parts = m.attachments?.length
    ? multipart("mixed", `mixed${stamp}`, [body, ...m.attachments.map(attachmentPart)])
    : body;
  const mime = [...lines, ...parts].join(CRLF);
  return mime.endsWith(CRLF) ? mime : mime + CRLF;
}

/** A multipart entity: its Content-Type header, then the parts between boundaries. */
function multipart(kind: "alternative" | "mixed", boundary: string, parts: string[][]): string[] {
  return [
    header("Content-Type", `multipart/${kind}; boundary="${boundary}"`),
    "",
    "This is a multi-part message in MIME format.",
    ...parts.flatMap((part) => [`--${boundary}`, ...part]),
    `--${boundary}--`,
    "",
  ];
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** A new globally unique Message-ID, angle brackets included: `<uuid@domain>`. */
export function newMessageId(domain: string): string {
  if (!/^[A-Za-z0-9.-]+$/.test(domain)) throw new EmailFormatError(`not a valid domain: ${domain}`);
  return `<${crypto.randomUUID()}@${domain.toLowerCase()}>`;
}

// ---- headers ----

function checkValue(value: string, what: string): string {
  if (/[\r\n\0]/.test(value)) throw new EmailFormatError(`${what} contains a line break`);
  return value;
}

function checkAddress(address: string, what: string): string {
  checkValue(address, what);
  if (!ADDRESS.test(address)) throw new EmailFormatError(`${what} is not a valid email address: ${address}`);
  return address;
}

function mailbox(box: Mailbox, what: string): Mailbox {
  const name = box.name === undefined ? undefined : oneLine(box.name);
  checkValue(box.address, `${what} address`);
  return { address: checkAddress(box.address.trim(), `${what} address`), name: name || undefined };
}

function messageId(id: string, what: string): string {
  checkValue(id, what);
  const match = MESSAGE_ID.exec(id.trim());
  if (!match) throw new EmailFormatError(`${what} is not a valid Message-ID: ${id}`);
  return `<${match[1]}>`;
}

/** Line breaks and other control characters become single spaces. */
function oneLine(s: string): string {
  return s
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/ {2,}/g, " ")
    .trim();
}

function formatMailbox(box: Mailbox): string {
  if (!box.name) return box.address;
  // "=?" in a plain name would be decoded as an encoded word by some clients: encode it.
  if (!/^[\x20-\x7e]*$/.test(box.name) || box.name.includes("=?")) {
    return `${encodeWords(box.name)} <${box.address}>`;
  }
  if (/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]+$/.test(box.name)) return `${box.name} <${box.address}>`;
  return `"${box.name.replace(/(["\\])/g, "\\$1")}" <${box.address}>`;
}

/** Header text as is when it is printable ASCII, else as encoded words. */
function encodeText(s: string): string {
  return /^[\x20-\x7e]*$/.test(s) && !/=\?/.test(s) ? s : encodeWords(s);
}

/**
 * RFC 2047 "B" encoded words of UTF-8, never splitting a character: 36 bytes make 60
 * characters, so a folded line with its header name stays under 78. Separated by spaces,
 * where `header` may fold.
 */
function encodeWords(s: string): string {
  const words: string[] = [];
  let chunk = "";
  for (const ch of s) {
    if (utf8Length(chunk + ch) > 36) {
      words.push(chunk);
      chunk = "";
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${base64(new TextEncoder().encode(w))}?=`).join(" ");
}

/**
 * `Name: value`, folded before a space once a line would pass 78 characters
 * (RFC 5322 §2.2.3); unfolding removes only the CRLF, so the text is unchanged.
 */
function header(name: string, value: string): string {
  const [first, ...rest] = value.split(" ");
  const out: string[] = [];
  let line = `${name}: ${first}`;
  for (const piece of rest) {
    if (piece !== "" && line.length + 1 + piece.length > 78 && line.trim() !== "") {
      out.push(line);
      line = ` ${piece}`;
    } else {
      line += ` ${piece}`;
    }
  }
  out.push(line);
  return out.join(CRLF);
}

function formatDate(d: Date): string {
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const two = (n: number) => String(n).padStart(2, "0");
  return `${days[d.getUTCDay()]}, ${two(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

// ---- bodies ----

const FILENAME = /^[A-Za-z0-9][A-Za-z0-9._ -]{0,99}$/;
const CONTENT_TYPE = /^[a-z]+\/[a-z0-9.+-]+(; ?[a-z-]+=("[^"\r\n]*"|[A-Za-z0-9._+-]+))*$/i;

/** An attachment checked: a plain file name, a MIME type with parameters, base64 content. */
function attachment(a: EmailAttachment): EmailAttachment {
  if (!FILENAME.test(a.filename))
    throw new EmailFormatError(`not a safe attachment name: ${JSON.stringify(a.filename)}`);
  if (!CONTENT_TYPE.test(a.contentType))
    throw new EmailFormatError(`not a valid attachment type: ${JSON.stringify(a.contentType)}`);
  const content = a.content.replace(/\s/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(content) || content.length % 4)
    throw new EmailFormatError(`attachment ${a.filename} is not base64`);
  return { filename: a.filename, contentType: a.contentType, content };
}

function attachmentPart(a: EmailAttachment): string[] {
  return [
    header("Content-Type", `${a.contentType}; name="${a.filename}"`),
    `Content-Disposition: attachment; filename="${a.filename}"`,
    "Content-Transfer-Encoding: base64",
    "",
    ...(a.content.match(/.{1,76}/g) ?? []),
  ];
}

/** Base64 of a text's UTF-8 bytes, for an attachment's `content`. */
export function base64Text(text: string): string {
  return base64(new TextEncoder().encode(text));
}

function textPart(type: "plain" | "html", body: string): string[] {
  return [
    `Content-Type: text/${type}; charset=utf-8`,
    "Content-Transfer-Encoding: quoted-printable",
    "",
    quotedPrintable(body),
  ];
}

/**
 * Quoted-printable (RFC 2045 §6.7) of the UTF-8 bytes: lines of at most 76 characters
 * with soft breaks, line ends normalised to CRLF, trailing spaces and a leading dot
 * encoded so no transport can alter them.
 */
export function quotedPrintable(text: string): string {
  const encoder = new TextEncoder();
  return text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) => {
      const bytes = encoder.encode(line);
      const tokens: string[] = [];
      bytes.forEach((b, i) => {
        const last = i === bytes.length - 1;
        const plain = (b >= 33 && b <= 126 && b !== 61 && !(b === 46 && i === 0)) || ((b === 32 || b === 9) && !last);
        tokens.push(plain ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, "0")}`);
      });
      const out: string[] = [];
      let current = "";
      for (const t of tokens) {
        if (current.length + t.length > 75) {
          out.push(`${current}=`);
          current = "";
        }
        current += t;
      }
      out.push(current);
      return out.join(CRLF);
    })
    .join(CRLF);
}

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
