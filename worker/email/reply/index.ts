/**
 * What a visitor wrote now in an email reply, and the quoted history apart from it.
 *
 * Two passes. Ours first (`history.ts`): it knows the attributions, separators, header
 * blocks and footers of the clients common in fifteen languages, including Russian ones
 * (Yandex, Mail.ru, Rambler), and the shapes the library misses (wrapped attributions,
 * attributions on the person's line, Zoho's dashes, Hotmail's field order). Then Crisp's
 * email-reply-parser (`library.ts`) reads what is left: `>` blocks, text between and below
 * them, its own locale headers and signatures, each hidden fragment checked by our rules.
 *
 * One rule over both: the visitor's words are never lost. When in doubt a line is kept; an
 * empty result is never returned for a message with text — the fallback is the whole text
 * with only its `>` lines collapsed, or, when there is nothing else, the whole text.
 */
import { splitHistory } from "./history";
import { readWithLibrary } from "./library";
import { QUOTED } from "./markers";

/** A reply split into the new text and what was hidden from it. */
export interface ExtractedReply {
  /** What the person wrote now; never empty when the message had any text. */
  text: string;
  /** Quoted history, attribution, signature and footers that were hidden, in order; "" when none. */
  quoted: string;
}

/**
 * Splits an email reply's text (a text part, or HTML turned into text with its quotes
 * marked by `>`) into the new text and the hidden quoted history.
 *
 * @example extractReply("Thanks!\n\nOn Mon, 3 Nov 2026 at 10:00, Shop <x@y.com> wrote:\n> Hi")
 * // {text: "Thanks!", quoted: "On Mon, 3 Nov 2026 at 10:00, Shop <x@y.com> wrote:\n> Hi"}
 */
export function extractReply(body: string): ExtractedReply {
  const lines = normalize(body).split("\n");
  const shown: string[] = [];
  const hidden: string[] = [];
  for (const segment of splitHistory(lines)) {
    if (segment.history) {
      hidden.push(segment.lines.join("\n"));
      continue;
    }
    for (const piece of readWithLibrary(segment.lines.join("\n"))) (piece.hidden ? hidden : shown).push(piece.text);
  }
  const text = tidy(shown.join("\n"));
  return text !== "" ? { text, quoted: tidy(hidden.join("\n")) } : fallback(lines);
}

/**
 * When both passes hid everything: keep every line that is not a `>` quote (an attribution
 * or a footer reads oddly, but a lost word is worse); when the message is only quotes, keep
 * it whole.
 */
function fallback(lines: string[]): ExtractedReply {
  const text = tidy(lines.filter((l) => !QUOTED.test(l)).join("\n"));
  if (text !== "") return { text, quoted: tidy(lines.filter((l) => QUOTED.test(l)).join("\n")) };
  return { text: tidy(lines.join("\n")), quoted: "" };
}

/** Line ends to "\n"; no-break and zero-width spaces that clients sprinkle in to plain ones. */
function normalize(body: string): string {
  return body
    .replace(/\r\n?/g, "\n")
    .replace(/^\ufeff/, "")
    .replace(/[\u00a0\u202f]/g, " ")
    .replace(/[\u200b\u2060]/g, "");
}

/** Trims line ends and the whole text; leaves at most one blank line in a row. */
function tidy(text: string): string {
  return text
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
