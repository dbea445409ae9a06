/**
 * The rating email: when an operator resolves a conversation whose visitor has left, the
 * visitor gets one email with a link per score. A link carries a signed, expiring token of
 * the site and conversation (the score is the visitor's choice, not signed). Pure: texts,
 * the token, and the small page the link opens.
 */
import { fromBase64Url, hmacSha256, sameBytes, toBase64Url } from "../lib/crypto";
import type { Composed, Locale } from "./compose";
import { escapeHtml } from "./mime";

/** A rating link works this long after the email was sent. */
export const RATING_LINK_DAYS = 30;
const DAY_MS = 86_400_000;

export type RatingScale = "five" | "thumbs";

/** The scores a scale offers, best last; thumbs are stored as 1 (down) and 5 (up). */
export function scoresOf(scale: RatingScale): number[] {
  return scale === "thumbs" ? [5, 1] : [1, 2, 3, 4, 5];
}

const WORDS = {
  en: {
    subject: (site: string) => `How did ${site} do?`,
    ask: (site: string) => `Your conversation with ${site} was marked as resolved. How would you rate our help?`,
    oneClick: "Choose a score; the page that opens lets you add a comment before you send it.",
    score: (n: number) => `${n} of 5`,
    up: "Helpful",
    down: "Not helpful",
    title: "Rate the conversation",
    comment: "Comment (optional)",
    send: "Send rating",
    thanks: "Thank you for your rating",
    thanksText: "We've recorded it.",
    invalid: "This rating link is broken, was changed or has expired.",
    invalidTitle: "Link not valid",
    refused: "Not recorded",
    alreadyRated: "This conversation was already rated. Thank you!",
    notResolved: "This conversation is open again. You can rate it once it is resolved.",
  },
  ru: {
    subject: (site: string) => `Как вам помог ${site}?`,
    ask: (site: string) => `Ваш разговор с ${site} отмечен как решённый. Оцените, пожалуйста, нашу помощь.`,
    oneClick: "Выберите оценку; на открывшейся странице можно добавить комментарий и отправить её.",
    score: (n: number) => `${n} из 5`,
    up: "Помогли",
    down: "Не помогли",
    title: "Оценка разговора",
    comment: "Комментарий (необязательно)",
    send: "Отправить оценку",
    thanks: "Спасибо за оценку",
    thanksText: "Мы её записали.",
    invalid: "Ссылка для оценки повреждена, изменена или устарела.",
    invalidTitle: "Ссылка недействительна",
    refused: "Оценка не записана",
    alreadyRated: "Этот разговор уже оценён. Спасибо!",
    notResolved: "Этот разговор снова открыт. Оценить его можно, когда он будет решён.",
  },
} as const;

/** Words of the rating page in a language. */
export function ratingWords(locale: Locale) {
  return WORDS[locale];
}

/** How a score reads on a scale: "4 of 5", or thumbs' "Helpful" / "Not helpful". */
export function scoreLabel(locale: Locale, scale: RatingScale, score: number): string {
  const w = WORDS[locale];
  if (scale === "thumbs") return score >= 4 ? w.up : w.down;
  return w.score(score);
}

/** The signed token of a rating link: site, conversation, locale and expiry. */
export async function ratingToken(
  secret: string,
  claims: { siteKey: string; conversationId: string; locale: Locale; scale: RatingScale },
  now: number,
): Promise<string> {
  const expires = Math.floor((now + RATING_LINK_DAYS * DAY_MS) / 1000);
  const payload = [claims.siteKey, claims.conversationId, claims.locale, claims.scale, expires].join("\n");
  const sig = await hmacSha256(secret, `rating:${payload}`);
  return `${toBase64Url(new TextEncoder().encode(payload))}.${toBase64Url(sig)}`;
}

export type RatingTokenResult =
  | { ok: true; siteKey: string; conversationId: string; locale: Locale; scale: RatingScale }
  | { ok: false; reason: "malformed" | "bad_signature" | "expired" };

/** Checks a rating link's token: its signature, then its expiry. */
export async function verifyRatingToken(secret: string, token: string, now: number): Promise<RatingTokenResult> {
  const match = /^([A-Za-z0-9_-]{8,600})\.([A-Za-z0-9_-]{43})$/.exec(token);
  const bytes = match ? fromBase64Url(match[1]!) : null;
  const sig = match ? fromBase64Url(match[2]!) : null;
  if (!bytes || !sig) return { ok: false, reason: "malformed" };
  let payload: string;
  try {
    payload = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (!sameBytes(sig, await hmacSha256(secret, `rating:${payload}`))) return { ok: false, reason: "bad_signature" };
  const [siteKey, conversationId, locale, scale, expires] = payload.split("\n");
  if (!siteKey || !conversationId || (locale !== "en" && locale !== "ru") || (scale !== "five" && scale !== "thumbs"))
    return { ok: false, reason: "malformed" };
  if (now >= Number(expires) * 1000) return { ok: false, reason: "expired" };
  return { ok: true, siteKey, conversationId, locale, scale };
}

/** The email: a line of why, and one link per score (`${rateUrl}&r=N`). */
export function ratingEmail(input: { site: string; locale: Locale; scale: RatingScale; rateUrl: string }): Composed {
  const w = WORDS[input.locale];
  const links = scoresOf(input.scale).map((n) => ({
    url: `${input.rateUrl}&r=${n}`,
    label: scoreLabel(input.locale, input.scale, n),
  }));
  const text = [w.ask(input.site), "", ...links.map((l) => `${l.label}: ${l.url}`), "", w.oneClick].join("\n");
  const html = [
    `<p>${escapeHtml(w.ask(input.site))}</p><p>`,
    links
      .map(
        (l) =>
          `<a href="${escapeHtml(l.url)}" style="display:inline-block;margin:0 6px 6px 0;padding:8px 14px;border:1px solid #888;border-radius:6px;text-decoration:none">${escapeHtml(l.label)}</a>`,
      )
      .join(""),
    `</p><p><small>${escapeHtml(w.oneClick)}</small></p>`,
  ].join("");
  return { subject: w.subject(input.site), text, html };
}
