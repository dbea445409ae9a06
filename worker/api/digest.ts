/**
 * The weekly digest's unsubscribe link. GET shows a page with one button (mail scanners
 * follow links and must not unsubscribe anyone); POST turns the owner's digest off, which is
 * also the RFC 8058 one-click request for `List-Unsubscribe-Post`.
 */
import { Hono } from "hono";
import { escapeHtml } from "../email";
import type { Env } from "../env";
import { siteStub } from "../lib/jurisdiction";
import { readDigestToken } from "../site/reports";

export const digestUnsubscribe = new Hono<{ Bindings: Env }>();

function page(title: string, body: string, status = 200): Response {
  const html = `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}button{font:inherit;padding:.5rem 1rem}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
  return new Response(html, {
    status,
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" },
  });
}

const broken = () => page("Link not valid", "<p>This unsubscribe link is broken or was changed.</p>", 400);

digestUnsubscribe.get("/unsubscribe", async (c) => {
  const token = c.req.query("t") ?? "";
  if (!(await readDigestToken(c.env.TOKEN_SECRET, token))) return broken();
  return page(
    "Stop the weekly digest?",
    `<p>You will no longer get the weekly email with your chat's figures. You can turn it on again under Reports in the admin.</p>
<form method="post"><input type="hidden" name="t" value="${escapeHtml(token)}"><button>Unsubscribe</button></form>`,
  );
});

digestUnsubscribe.post("/unsubscribe", async (c) => {
  const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  const token = c.req.query("t") ?? (typeof form.t === "string" ? form.t : "");
  const who = await readDigestToken(c.env.TOKEN_SECRET, token);
  if (!who) return broken();
  await siteStub(c.env, who.siteKey).setDigestSubscribed(who.operatorId, false);
  return page("Unsubscribed", "<p>You will no longer get the weekly digest of this site.</p>");
});
