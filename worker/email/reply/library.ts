/**
 * email-reply-parser (Crisp) reads what our own pass left as the person's text: it splits
 * it into fragments (quoted `>` blocks, its own locale quote headers — Chinese, Japanese,
 * Korean among them —, signatures) and keeps the text between and below quotes visible.
 *
 * We do not take its word on everything, because a fragment it hides takes every line below
 * it along: it hides sign-offs ("Best regards,", "Cheers") and any line starting "Sent from"
 * as signatures, and a few of its patterns span lines. So a hidden fragment stays hidden only
 * when it is a `>` block, or when its first line looks like a header (short, with a date or
 * an address), or, for signatures, when our footer and delimiter tests agree.
 */
import EmailReplyParser from "email-reply-parser";
import { QUOTED, isAttribution, isFooter, isSeparator, isSignatureBlock } from "./markers";

/** A run of text the library read, and whether it stays hidden. */
export interface Piece {
  text: string;
  hidden: boolean;
}

const parser = new EmailReplyParser();

/**
 * The library reads at most this much of a segment. A few of its patterns span lines and
 * take quadratic time (100 KB of Polish lines starting "W dniu" took 2 s); a stored chat
 * message keeps 4,000 characters, so this is plenty. Past it only `>` lines are hidden.
 */
const LIBRARY_MAX_CHARS = 8000;

/**
 * The library's fragments of `text`, in order, with our verdict on each hidden one.
 *
 * @example readWithLibrary("Ok\n\n> old") // [{text: "Ok\n", hidden: false}, {text: "> old", hidden: true}]
 */
export function readWithLibrary(text: string): Piece[] {
  if (text.length <= LIBRARY_MAX_CHARS) return fragments(text);
  const cut = text.lastIndexOf("\n", LIBRARY_MAX_CHARS) + 1;
  if (cut === 0) return [{ text, hidden: QUOTED.test(text) }];
  const rest = text
    .slice(cut)
    .split("\n")
    .map((line) => ({ text: line, hidden: QUOTED.test(line) }));
  return [...fragments(text.slice(0, cut)), ...rest];
}

function fragments(text: string): Piece[] {
  return parser
    .read(text)
    .getFragments()
    .map((fragment) => {
      const content = fragment.getContent();
      if (!fragment.isHidden()) return { text: content, hidden: false };
      const lines = content.split("\n");
      const first = lines.find((l) => l.trim() !== "") ?? "";
      const hidden = fragment.isSignature() ? isSignatureBlock(lines) || isFooter(first) : isRealQuote(first);
      return { text: content, hidden };
    });
}

function isRealQuote(first: string): boolean {
  if (first === "" || QUOTED.test(first)) return true;
  // A header the library knew and we did not: trust it when it looks like one.
  const line = first.trim();
  return isAttribution(line) || isSeparator(line) || (line.length <= 200 && /[\d@]/.test(line) && /[:：]/.test(line));
}
