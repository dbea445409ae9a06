/**
 * Unsubscribe from follow-up emails. GET shows a page with one button (mail scanners follow
 * links; they must not unsubscribe anyone); POST unsubscribes, which is also the RFC 8058
 * one-click request mail clients send for `List-Unsubscribe-Post`.
 */
import { Hono } from "hono";
import { siteStub } from "../lib/jurisdiction";
import type { Env } from "../env";
import { verifyUnsubscribeToken } from "../email";
import { escapeHtml } from "../email";

export const unsubscribe = new Hono<{ Bindings: Env }>();

/**
 * The page speaks the follow-up's language: its link carries `lang` (not signed; it only
 * words the page).
 */
const WORDS = {
  en: {
    invalidTitle: "Link not valid",
    invalid: "This unsubscribe link is broken or was changed.",
    askTitle: "Stop follow-up emails?",
    ask: (email: string) => `${email} will no longer get emails about chats on this site.`,
    button: "Unsubscribe",
    doneTitle: "Unsubscribed",
    done: (email: string) => `${email} will no longer get follow-up emails from this site.`,
  },
  ru: {
    invalidTitle: "Ссылка недействительна",
    invalid: "Эта ссылка для отписки повреждена или изменена.",
    askTitle: "Больше не присылать письма?",
    ask: (email: string) => `${email} больше не будет получать письма о чатах на этом сайте.`,
    button: "Отписаться",
    doneTitle: "Вы отписались",
    done: (email: string) => `${email} больше не будет получать письма о чатах на этом сайте.`,
  },
} as const;

type Lang = keyof typeof WORDS;

function langOf(value: string | undefined): Lang {
  return value === "ru" ? "ru" : "en";
}

function page(lang: Lang, title: string, body: string, status = 200): Response {
  const html = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)}</title><style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}button{font:inherit;padding:.5rem 1rem}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
  return new Response(html, { status, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

async function subscriberOf(env: Env, token: string | undefined) {
  if (!token) return null;
  const result = await verifyUnsubscribeToken(token, env.TOKEN_SECRET);
  return result.ok ? result : null;
}

unsubscribe.get("/", async (c) => {
  const token = c.req.query("t");
  const lang = langOf(c.req.query("lang"));
  const w = WORDS[lang];
  const who = await subscriberOf(c.env, token);
  if (!who) return page(lang, w.invalidTitle, `<p>${escapeHtml(w.invalid)}</p>`, 400);
  return page(
    lang,
    w.askTitle,
    `<p>${escapeHtml(w.ask(who.email))}</p>
<form method="post"><input type="hidden" name="t" value="${escapeHtml(token!)}"><button>${escapeHtml(w.button)}</button></form>`,
  );
});

unsubscribe.post("/", async (c) => {
  const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  const token = c.req.query("t") ?? (typeof form.t === "string" ? form.t : undefined);
  const lang = langOf(c.req.query("lang"));
  const w = WORDS[lang];
  const who = await subscriberOf(c.env, token);
  if (!who) return page(lang, w.invalidTitle, `<p>${escapeHtml(w.invalid)}</p>`, 400);
  await siteStub(c.env, who.siteKey).unsubscribe(who.email);
  return page(lang, w.doneTitle, `<p>${escapeHtml(w.done(who.email))}</p>`);
});
