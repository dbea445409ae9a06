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

function page(title: string, body: string, status = 200): Response {
  const html = `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
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
  const who = await subscriberOf(c.env, token);
  if (!who) return page("Link not valid", "<p>This unsubscribe link is broken or was changed.</p>", 400);
  return page(
    "Stop follow-up emails?",
    `<p>${escapeHtml(who.email)} will no longer get emails about chats on this site.</p>
<form method="post"><input type="hidden" name="t" value="${escapeHtml(token!)}"><button>Unsubscribe</button></form>`,
  );
});

unsubscribe.post("/", async (c) => {
  const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  const token = c.req.query("t") ?? (typeof form.t === "string" ? form.t : undefined);
  const who = await subscriberOf(c.env, token);
  if (!who) return page("Link not valid", "<p>This unsubscribe link is broken or was changed.</p>", 400);
  await siteStub(c.env, who.siteKey).unsubscribe(who.email);
  return page("Unsubscribed", `<p>${escapeHtml(who.email)} will no longer get follow-up emails from this site.</p>`);
});
