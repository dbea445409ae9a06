/**
 * Our own tests of a single line (or a few joined lines): is it an attribution, a separator,
 * a header field, a mobile footer, a signature delimiter? The words come from `locales.ts`;
 * the shapes come from how real clients write them. Each test errs towards "no": a line we
 * wrongly take for history costs the visitor's words, a line we miss only costs tidiness.
 */
import {
  DEVICE_WORDS,
  FOOTER_OPENINGS,
  FORWARD_OPENERS,
  HEADER_FIELDS,
  OPENERS,
  SEPARATOR_LABELS,
  VERB_BEFORE_NAME,
  WROTE_VERBS,
} from "./locales";

const alt = (words: readonly string[]) => words.map((w) => w.replace(/ /g, "\\s+")).join("|");

/** A line of quoted history in a text part: "> …", at any depth. */
export const QUOTED = /^[ \t]*>/;

// `\b` only knows ASCII letters, so word starts are spelt out: start of line, space or comma.
const WROTE_END = new RegExp(`(?:^|[\\s,)>])(?:${alt(WROTE_VERBS)})\\s*[:：]?$`, "iu");
const SENT_END = /(?:^|[\s,)>])sent\s*[:：]?$/i;
const VERB_MIDDLE = new RegExp(`(?:^|\\s)(?:${alt(VERB_BEFORE_NAME)})\\s.{1,160}[:：]$`, "iu");
const OPENER = new RegExp(`^(?:${alt(OPENERS)})(?=[\\s,])`, "iu");
/** An email address anywhere in a line. */
export const ADDRESS = /[\w.+'-]+@[\w-]+(?:\.[\w-]+)+/u;
// Gmail in Russian, Yandex, Mail.ru, Rambler: "DATE, TIME, NAME <address>:" with no verb.
const ADDRESS_COLON = /[\w.+'-]+@[\w-]+(?:\.[\w-]+)+\s*[>)\]]?\)?\s*[:：]$/u;
// Old Gmail and some Asian locales: "2026/11/3 Anna <anna@example.com>", colon optional.
const DATE_FIRST = /^\d{4}[/.-]\d{1,2}[/.-]\d{1,2}\b.{0,120}<[^<>\s]+@[^<>\s]+>\s*[:：]?$/u;
// Times are written 10:00 and, in the Nordic countries, Finland and some Apple locales, 10.00.
export const TIME = /\d{1,2}[:.]\d{2}/;
const SENTENCE_END = /[.!?…)"»]$/u;
/** A date as attributions write it: with the year, or all in digits (03.11.26, 11/3/26). */
const DATE = /\d{4}|\b\d{1,2}[./-]\d{1,2}[./-]\d{2}\b/;

/** Whether a (possibly unwrapped) line is an attribution: "On …, Anna <a@b> wrote:". */
export function isAttribution(raw: string): boolean {
  if (QUOTED.test(raw)) return false;
  // Zoho frames its attribution in dashes: "---- On … wrote ----".
  const line = raw
    .trim()
    .replace(/^[-–—\s]{2,}/, "")
    .replace(/[-–—\s]{2,}$/, "")
    .trim();
  if (line.length < 8 || line.length > 300) return false;
  // A time alone is prose ("At 10:00 your courier wrote:"); clients write a date or an address.
  const dated = DATE.test(line) || ADDRESS.test(line);
  // Android clients frame a bare one in dashes: "---- Anna wrote ----"; the frame is the evidence.
  const framed = /^[-–—]{2,}/.test(raw.trim()) && /[-–—]{2,}$/.test(raw.trim());
  // "sent" is common in prose ("On 3 Nov I sent:"), so it needs a time or an address too.
  if (SENT_END.test(line) && !TIME.test(line) && !ADDRESS.test(line)) return false;
  if (WROTE_END.test(line) && (dated || framed)) {
    // Without the colon a verb at the end is too common in prose; an opener or an address says it is a header.
    return /[:：]$/.test(line) || OPENER.test(line) || ADDRESS.test(line) || framed;
  }
  if (VERB_MIDDLE.test(line) && /\d/.test(line)) return true;
  if (ADDRESS_COLON.test(line) && TIME.test(line)) return true;
  return DATE_FIRST.test(line);
}

/**
 * Whether a line can be the first part of an attribution a client wrapped over two to four
 * lines: it does not end a sentence and starts like one or breaks inside it.
 */
export function isAttributionHead(raw: string): boolean {
  const line = raw.trim();
  if (line === "" || line.length > 160 || QUOTED.test(raw) || SENTENCE_END.test(line)) return false;
  return OPENER.test(line) || /[<,(]$/.test(line) || TIME.test(line) || ADDRESS.test(line) || /^[-–—]{2,}/.test(line);
}

const OPENER_INSIDE = new RegExp(`[\\s,.!?](?=(?:${alt(OPENERS)})[\\s,])`, "giu");

/**
 * Where an attribution starts inside a line that begins with the person's words
 * ("Ok On Wed, … wrote:"), or -1. A line that itself opens like an attribution
 * ("Am 03.11.2026 um 10:00 schrieb …") is never split.
 */
export function attributionStartIn(line: string): number {
  if (line.length > 400 || QUOTED.test(line) || OPENER.test(line.trim())) return -1;
  for (const m of line.matchAll(OPENER_INSIDE)) {
    const start = m.index + 1;
    if (line.slice(0, start).trim() !== "" && isAttribution(line.slice(start))) return start;
  }
  return -1;
}

const SEPARATOR = new RegExp(
  `^[-–—_=*\\s]{2,}(?:${alt(SEPARATOR_LABELS)})[-–—_=*\\s]{2,}$|^[-–—_=*\\s]{2,}(?:${alt(SEPARATOR_LABELS)})\\s*[:：]?$`,
  "iu",
);
const FORWARD = new RegExp(`^[-–—\\s]*(?:${alt(FORWARD_OPENERS)})\\s*[:：]?[-–—\\s]*$`, "iu");

/** "-----Original Message-----", "-------- Пересылаемое сообщение --------", "Begin forwarded message:". */
export function isSeparator(line: string): boolean {
  const trimmed = line.trim();
  return trimmed.length < 120 && (SEPARATOR.test(trimmed) || FORWARD.test(trimmed));
}

/** A rule Outlook draws above its header block (underscores) or a bare dashed line. */
export const RULE = /^\s*(?:_{5,}|-{5,}|={5,})\s*$/;

export type HeaderField = keyof typeof HEADER_FIELDS;
const FIELD_PATTERNS = Object.entries(HEADER_FIELDS).map(
  ([field, names]) =>
    [field as HeaderField, new RegExp(`^\\*?\\s*(?:${alt(names)})\\s?\\*?\\s?[:：]\\*?(?:\\s|$)`, "iu")] as const,
);

/** Which field of a quoted header block the line is ("From: …", "Sujet : …"), if any. */
export function headerField(line: string): HeaderField | null {
  const trimmed = line.trim();
  if (trimmed.length > 400) return null;
  for (const [field, pattern] of FIELD_PATTERNS) if (pattern.test(trimmed)) return field;
  return null;
}

const FOOTER = new RegExp(`^(?:${alt(FOOTER_OPENINGS)})(?:\\s|$)`, "iu");
const DEVICE = new RegExp(`(?:${alt(DEVICE_WORDS)})`, "iu");
// German and Dutch close with the verb: "Von meinem iPhone gesendet".
const FOOTER_VERB_LAST = /^(?:von meinem|vom)\s.{1,40}\s(?:gesendet|verschickt)\.?$|^verzonden vanaf\s.{1,40}$/iu;

/**
 * "Sent from my iPhone", "Отправлено из мобильной Яндекс Почты", "Gesendet von Outlook für
 * Android". The words before the first comma must name a device or an app: "Sent from my
 * desk, where the lamp is" is a sentence.
 */
export function isFooter(line: string): boolean {
  const trimmed = line.trim().replace(/<https?:[^>]*>/g, "");
  if (trimmed.length > 90) return false;
  const head = trimmed.split(/[,;!?]/)[0];
  return (FOOTER.test(trimmed) || FOOTER_VERB_LAST.test(trimmed)) && DEVICE.test(head);
}

/** "-- " (RFC 3676's signature delimiter), or "--" once a client trimmed its space or indented it. */
export function isSignatureDelimiter(line: string): boolean {
  return /^[ \t]*--[ \t]*$/.test(line);
}

/**
 * Whether lines (a delimiter and what follows it) are a signature. "-- " is RFC 3676's
 * delimiter; a bare "--" may be the person's own divider, so only a short block under it counts.
 */
export function isSignatureBlock(lines: string[]): boolean {
  if (lines.length === 0 || !isSignatureDelimiter(lines[0])) return false;
  return /^\s*-- $/.test(lines[0]) || lines.slice(1).filter((l) => l.trim() !== "").length <= 6;
}
