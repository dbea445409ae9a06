/**
 * The open signup's confirmation link, `/api/v1/sites/:siteKey/confirm?token=…`, and what
 * the deployment owner may read of a site's signup emails. The link opens a page with one
 * button (a GET changes nothing: mail scanners open links); the button POSTs, the site goes
 * live and the owner lands on the admin app's page to set a password. A JSON POST
 * `{token}` answers `{status, setPasswordUrl}` instead.
 */
import { Hono, type Context } from "hono";
import type { Env } from "../env";
import { ApiError, isFailure } from "../lib/errors";
import { siteKey as siteKeySchema } from "../protocol";
import { siteStub } from "../lib/jurisdiction";
import { linkBase, requireAdminToken } from "./signup";

type Ctx = Context<{ Bindings: Env }>;
export const signupConfirm = new Hono<{ Bindings: Env }>();

const TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(c: Ctx, status: 200 | 400 | 404 | 409, title: string, body: string): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}button{font:inherit;padding:.6rem 1.2rem}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
  return c.html(html, status, { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" });
}

function siteKeyOf(c: Ctx): string {
  const key = c.req.param("siteKey") ?? "";
  if (!siteKeySchema.safeParse(key).success) throw new ApiError(404, "unknown_site", "no such site");
  return key;
}

signupConfirm.get("/:siteKey/confirm", (c) => {
  siteKeyOf(c);
  const token = c.req.query("token") ?? "";
  if (!TOKEN.test(token))
    return page(c, 404, "This link is not valid", "<p>Open the link from the email again, or sign up again.</p>");
  return page(
    c,
    200,
    "Confirm your email",
    `<p>Confirm that this is your email address to put the chat live. You then choose your password.</p>
<form method="post"><input type="hidden" name="token" value="${escapeHtml(token)}"><button type="submit">Confirm</button></form>`,
  );
});

signupConfirm.post("/:siteKey/confirm", async (c) => {
  const key = siteKeyOf(c);
  const json = (c.req.header("Content-Type") ?? "").toLowerCase().startsWith("application/json");
  let token = "";
  if (json) {
    const body = (await c.req.json().catch(() => null)) as { token?: unknown } | null;
    token = typeof body?.token === "string" ? body.token : "";
  } else {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    token = typeof form.token === "string" ? form.token : "";
  }
  const result = TOKEN.test(token)
    ? await siteStub(c.env, key).confirmSite(token, linkBase(c))
    : {
        error: {
          status: 400 as const,
          code: "invalid_confirmation",
          message: "the confirmation token is missing or malformed",
        },
      };
  if (!isFailure(result)) return json ? c.json(result) : c.redirect(result.setPasswordUrl, 303);
  const { status, code, message } = result.error;
  if (json) throw new ApiError(status, code, message);
  const title = code === "already_confirmed" ? "Already confirmed" : "This link is not valid";
  const status4xx = status === 409 ? 409 : status === 400 ? 400 : 404;
  return page(c, status4xx, title, `<p>${escapeHtml(message)}.</p><p><a href="/admin/">Go to the admin</a></p>`);
});

// The deployment owner (admin token) sees whether a site's owner was emailed, e.g. to help
// someone who says the confirmation never came. Only the signup emails, never the rest.
signupConfirm.get("/:siteKey/signup-emails", async (c) => {
  requireAdminToken(c, "reading a site's signup emails");
  const key = siteKeyOf(c);
  return c.json({ emails: await siteStub(c.env, key).signupEmails() });
});
