/**
 * Our pass over a reply before the library reads it: finds the quoted history that
 * email-reply-parser does not see (attributions in the languages and shapes of `locales.ts`,
 * attributions wrapped over up to three lines or sharing a line with the person's words,
 * Outlook-style header blocks in any field order, separators, mobile footers) and cuts the
 * text into segments: the person's and history. An attribution followed by a `>` block takes
 * only that block, so whatever the person wrote below or between quotes stays theirs.
 */
import {
  ADDRESS,
  QUOTED,
  RULE,
  attributionStartIn,
  headerField,
  isAttribution,
  isAttributionHead,
  isFooter,
  isSeparator,
  isSignatureBlock,
  isSignatureDelimiter,
  type HeaderField,
} from "./markers";

/** A run of lines that is either the person's text or quoted history. */
export interface Segment {
  lines: string[];
  history: boolean;
}

/**
 * Splits the lines of a reply into the person's segments and history segments, in order.
 *
 * @example splitHistory(["Yes.", "", "On Mon, 3 Nov 2026, Shop <s@x.com> wrote:", "> Size?"])
 * // [{lines: ["Yes.", ""], history: false}, {lines: [the attribution, "> Size?"], history: true}]
 */
export function splitHistory(input: string[]): Segment[] {
  const lines = input.flatMap(splitSameLineAttribution);
  const history = new Array<boolean>(lines.length).fill(false);
  for (let i = 0; i < lines.length; ) {
    const end = historyEnd(lines, i);
    if (end < 0) {
      i++;
      continue;
    }
    for (let k = end === lines.length ? ruleAbove(lines, i) : i; k < end; k++) history[k] = true;
    i = end;
  }
  return toSegments(lines, history);
}

/** Outlook draws a rule of underscores above its header block; it goes with the block. */
function ruleAbove(lines: string[], i: number): number {
  let k = i - 1;
  while (k >= 0 && lines[k].trim() === "") k--;
  return k >= 0 && RULE.test(lines[k]) ? k : i;
}

/** "Ok On Wed, 3 Nov 2026, Shop <s@x.com> wrote:" becomes two lines: the words, the attribution. */
function splitSameLineAttribution(line: string): string[] {
  const start = attributionStartIn(line);
  return start > 0 ? [line.slice(0, start).trimEnd(), line.slice(start)] : [line];
}

/** The end (exclusive) of the history that starts at line i, or -1 when none starts there. */
function historyEnd(lines: string[], i: number): number {
  const line = lines[i];
  if (line.trim() === "" || QUOTED.test(line)) return -1;
  // Separators and header blocks head unquoted history: nothing below them is new.
  if (isSeparator(line) || headerBlockEnd(lines, i) > 0) return lines.length;
  // An attribution takes the `>` block under it; with none (Yahoo's and Zoho's text parts
  // quote without `>`) the rest is history. A bottom-post under unquoted history cannot be
  // told apart; if nothing is left above it, the fallback keeps it all.
  const run = attributionLength(lines, i);
  if (run > 0) return quoteBlockEnd(lines, i + run) ?? lines.length;
  if (isFooter(line)) return i + 1;
  if (isSignatureDelimiter(line)) {
    let j = i + 1;
    while (j < lines.length && !QUOTED.test(lines[j]) && !startsHistory(lines, j)) j++;
    return isSignatureBlock(lines.slice(i, j)) ? j : -1;
  }
  return -1;
}

function startsHistory(lines: string[], i: number): boolean {
  return isSeparator(lines[i]) || headerBlockEnd(lines, i) > 0 || attributionLength(lines, i) > 0 || isFooter(lines[i]);
}

/**
 * How many lines (1–4) the attribution starting at line i spans, or 0. Clients wrap long
 * attributions, even inside the address. A wrapped one is only joined when its first line
 * starts like an attribution, no line but the last ends a sentence, and — when the lines
 * below already make an attribution by themselves — the first line breaks inside it (ends
 * with "<" or "(", or holds the date or time): so "Hi," or "On Monday I ordered a lamp"
 * above a real attribution stays the person's line.
 */
function attributionLength(lines: string[], i: number): number {
  if (isAttribution(lines[i])) return 1;
  if (!isAttributionHead(lines[i])) return 0;
  for (let n = 2; n <= 4 && i + n <= lines.length; n++) {
    const last = lines[i + n - 1];
    if (last.trim() === "" || QUOTED.test(last)) return 0;
    if (!isAttribution(joinWrapped(lines.slice(i, i + n)))) {
      if (!isWrappedPart(last)) return 0;
      continue;
    }
    const rest = joinWrapped(lines.slice(i + 1, i + n));
    const breaksInside = /[<(]\s*$/.test(lines[i]) || /\d{1,2}[:.]\d{2}|\d{4}/.test(lines[i]);
    return isAttribution(rest) && !breaksInside ? 0 : n;
  }
  return 0;
}

/** A middle line of a wrapped attribution: short, no sentence end (a name, an address, a hash). */
function isWrappedPart(line: string): boolean {
  const trimmed = line.trim();
  return trimmed.length < 100 && !/[.!?…]$/.test(trimmed);
}

function joinWrapped(lines: string[]): string {
  return lines
    .map((l) => l.trim())
    .join(" ")
    .replace(/<\s+/g, "<")
    .replace(/\s+>/g, ">");
}

// Some clients put a quoted link on a line of its own without ">": "(http://…) >".
const LINK_ONLY = /^\s*[(<]?https?:\/\/\S+[)>]?\s*>?\s*$/;

/** After an attribution: the end of the blank lines and the `>` block right under it, or null when no `>` follows. */
function quoteBlockEnd(lines: string[], from: number): number | null {
  let j = from;
  while (j < lines.length && lines[j].trim() === "") j++;
  if (j >= lines.length || !QUOTED.test(lines[j])) return null;
  let end = j;
  for (let k = j; k < lines.length; k++) {
    if (QUOTED.test(lines[k])) end = k + 1;
    else if (lines[k].trim() !== "" && !LINK_ONLY.test(lines[k])) break;
  }
  return end;
}

/**
 * The end of a header block starting at line i ("From: … Sent: … To: … Subject: …" in any
 * order and language), or -1. Two different fields on neighbouring lines are enough when one
 * is the sender or the recipient (Hotmail writes Date, Subject, From; some clients only From
 * and Date, or Date and To), but an address or a real date must be in them: "From: the
 * living room / To: you" is prose.
 */
function headerBlockEnd(lines: string[], i: number): number {
  const fields = new Set<HeaderField>();
  let last = -1;
  let gap = 0;
  let evidence = false;
  for (let j = i; j < lines.length && j < i + 12; j++) {
    if (lines[j].trim() === "") break;
    const field = headerField(lines[j]);
    if (field) {
      fields.add(field);
      evidence ||= field === "date" ? /\d{4}|\d[:.]\d\d/.test(lines[j]) : field !== "subject" && ADDRESS.test(lines[j]);
      last = j;
      gap = 0;
    } else if (j === i || ++gap > 1) {
      // One line may be the wrapped rest of a long To: or Cc: list.
      break;
    }
  }
  if (last < 0 || fields.size < 2 || !evidence) return -1;
  // "Тема: возврат / Дата: 06.11.2026" is a visitor's note; a header names a sender or recipient.
  return fields.size >= 3 || fields.has("from") || fields.has("to") ? last + 1 : -1;
}

function toSegments(lines: string[], history: boolean[]): Segment[] {
  const segments: Segment[] = [];
  lines.forEach((line, i) => {
    const current = segments[segments.length - 1];
    if (current && current.history === history[i]) current.lines.push(line);
    else segments.push({ lines: [line], history: history[i] });
  });
  return segments;
}
