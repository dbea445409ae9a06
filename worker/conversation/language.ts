/**
 * The language and clock a conversation's emails (follow-ups, transcripts, the rating email) are written for:
 * the visitor's, not the shop's.
 */
import { normalizeLocale, pickTimezone, type Locale } from "../autoreply";

/** Below this many letters the visitor's words say too little about their language. */
const MIN_LETTERS = 6;
/** The share of letters one script must have to name the language. */
const CLEAR_SHARE = 0.75;

/**
 * The conversation's language: the one the visitor writes in when their words make it
 * clear (Cyrillic → Russian, Latin → English), else the first language given (the widget's,
 * then the site's). A Russian visitor on an English page gets Russian mail.
 * @example
 * conversationLocale(["Здравствуйте, есть доставка во Владивосток?"], "en", "en"); // "ru"
 */
export function conversationLocale(visitorTexts: string[], ...given: Array<string | null | undefined>): Locale {
  const text = visitorTexts.join(" ");
  const cyrillic = text.match(/\p{Script=Cyrillic}/gu)?.length ?? 0;
  const latin = text.match(/\p{Script=Latin}/gu)?.length ?? 0;
  const letters = cyrillic + latin;
  if (letters >= MIN_LETTERS) {
    if (cyrillic / letters >= CLEAR_SHARE) return "ru";
    if (latin / letters >= CLEAR_SHARE) return "en";
  }
  return normalizeLocale(given.find((tag) => !!tag) ?? undefined);
}

/** The visitor's IANA zone (the conversation's, else the widget's last word), else the site's. */
export function conversationTimezone(
  visitorTimezone: string | null | undefined,
  widgetTimezone: string | null | undefined,
  siteTimezone: string,
): string {
  return pickTimezone(visitorTimezone ?? widgetTimezone ?? undefined, siteTimezone);
}
