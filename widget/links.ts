/**
 * Message text with its web links made clickable. Text stays text: every part is a Lit text
 * binding or an `<a>` whose href passed `safeHref`, so nothing a visitor or operator writes
 * is ever parsed as HTML, and only http(s) links become clickable.
 */
import { html, type TemplateResult } from "lit";

const LINK = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?'"\]}>]$/;

/** The normalised href of an http(s) URL, or null for anything else (javascript:, data:, junk). */
export function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/** Drops punctuation that ends a sentence rather than the URL; keeps balanced parentheses. */
function trimLink(raw: string): string {
  for (;;) {
    if (TRAILING.test(raw)) raw = raw.slice(0, -1);
    else if (raw.endsWith(")") && raw.split("(").length < raw.split(")").length) raw = raw.slice(0, -1);
    else return raw;
  }
}

/** Splits `text` into plain strings and link templates, in order. */
export function linkify(text: string): Array<string | TemplateResult> {
  const parts: Array<string | TemplateResult> = [];
  let from = 0;
  for (const match of text.matchAll(LINK)) {
    const raw = trimLink(match[0]);
    const href = safeHref(raw);
    if (!href) continue;
    // `noreferrer` implies `noopener` in every browser the widget runs in (bytes of the 15 KB).
    parts.push(
      text.slice(from, match.index),
      html`<a href=${href} target="_blank" rel="noreferrer nofollow">${raw}</a>`,
    );
    from = match.index + raw.length;
  }
  parts.push(text.slice(from));
  return parts;
}
