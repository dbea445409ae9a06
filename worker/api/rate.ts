/**
 * The rating email's links. GET shows a small page in the conversation's language with the
 * chosen score checked and an optional comment; only its POST records the rating. Mail
 * scanners and link previews fetch GET links and must not rate for the visitor, so one click
 * opens the page and one press sends it (docs/metrics.md, "CSAT by email").
 */
import { Hono } from "hono";
import { escapeHtml } from "../email";
import { ratingWords, scoreLabel, scoresOf, verifyRatingToken, type RatingTokenResult } from "../email/rating";
import type { Env } from "../env";
import { isFailure } from "../lib/errors";
import { conversationStub } from "../lib/jurisdiction";
import { MAX_RATING_COMMENT } from "../protocol";

export const rate = new Hono<{ Bindings: Env }>();

type Valid = Extract<RatingTokenResult, { ok: true }>;

function page(lang: string, title: string, body: string, status = 200): Response {
  const html = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}fieldset{border:0;padding:0;display:flex;flex-wrap:wrap;gap:8px}
label{display:inline-flex;gap:4px;align-items:center}textarea{width:100%;font:inherit}button{font:inherit;padding:.5rem 1rem;margin-top:12px}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
  return new Response(html, {
    status,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Referrer-Policy": "no-referrer",
    },
  });
}

function invalid(): Response {
  const w = ratingWords("en");
  return page("en", w.invalidTitle, `<p>${escapeHtml(w.invalid)}</p>`, 400);
}

function score(raw: unknown, link: Valid): number | null {
  const n = typeof raw === "string" && /^[1-5]$/.test(raw) ? Number(raw) : null;
  return n !== null && scoresOf(link.scale).includes(n) ? n : null;
}

rate.get("/", async (c) => {
  const token = c.req.query("t") ?? "";
  const link = await verifyRatingToken(c.env.TOKEN_SECRET, token, Date.now());
  if (!link.ok) return invalid();
  const chosen = score(c.req.query("r"), link);
  const w = ratingWords(link.locale);
  const options = scoresOf(link.scale)
    .map(
      (n) =>
        `<label><input type="radio" name="r" value="${n}" required${n === chosen ? " checked" : ""}> ${escapeHtml(scoreLabel(link.locale, link.scale, n))}</label>`,
    )
    .join("");
  return page(
    link.locale,
    w.title,
    `<form method="post"><input type="hidden" name="t" value="${escapeHtml(token)}">
<fieldset><legend>${escapeHtml(w.title)}</legend>${options}</fieldset>
<p><label for="comment">${escapeHtml(w.comment)}</label><br><textarea id="comment" name="comment" rows="4" maxlength="${MAX_RATING_COMMENT}"></textarea></p>
<button>${escapeHtml(w.send)}</button></form>`,
  );
});

rate.post("/", async (c) => {
  const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  const token = typeof form.t === "string" ? form.t : "";
  const link = await verifyRatingToken(c.env.TOKEN_SECRET, token, Date.now());
  if (!link.ok) return invalid();
  const w = ratingWords(link.locale);
  const chosen = score(form.r, link);
  const comment = typeof form.comment === "string" ? form.comment.trim() : "";
  if (chosen === null || comment.length > MAX_RATING_COMMENT)
    return page(link.locale, w.refused, `<p>${escapeHtml(chosen === null ? w.title : w.comment)}</p>`, 400);
  const stub = conversationStub(c.env, link.conversationId);
  if (!stub) return invalid();
  const result = await stub.rateByEmail(link.siteKey, chosen, comment || undefined);
  if (isFailure(result)) {
    // In the visitor's language: the conversation's own messages are English for developers.
    const code = result.error.code;
    const why = code === "already_rated" ? w.alreadyRated : code === "not_resolved" ? w.notResolved : w.invalid;
    return page(link.locale, w.refused, `<p>${escapeHtml(why)}</p>`, 409);
  }
  return page(link.locale, w.thanks, `<p>${escapeHtml(w.thanksText)}</p>`);
});
