/**
 * Sites: creation (worker/api/signup.ts), the open signup's confirmation
 * (./signup-confirm.ts), the plugin's signed calls (./plugin.ts), and visitor sessions
 * (the widget), below.
 */
import { Hono } from "hono";
import { isLocal, type Env } from "../env";
import { ApiError, unwrap } from "../lib/errors";
import { freshClaims, readVisitorToken, signVisitorToken, TOKEN_REFRESH_SECONDS } from "../lib/token";
import { engageEventBody, sessionBody, siteKey as siteKeySchema } from "../protocol";
import { siteStub } from "../lib/jurisdiction";
import { readJson } from "./http";
import { hmacSha256, toHex } from "../lib/crypto";
import { plugin } from "./plugin";
import { createSiteRoute } from "./signup";
import { signupConfirm } from "./signup-confirm";
import { widgetCors } from "./widget-cors";

export const sites = new Hono<{ Bindings: Env }>();

sites.post("/", createSiteRoute);
sites.route("/", signupConfirm);
sites.route("/", plugin);

// CORS for the widget: the preflight is answered for any origin; the POST itself checks the
// origin, and its refusal is readable on the page (./widget-cors.ts).
sites.use("/:siteKey/sessions", widgetCors);

sites.options("/:siteKey/sessions", (c) =>
  c.body(null, 204, {
    "Access-Control-Allow-Methods": "POST",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Max-Age": "86400",
  }),
);

sites.post("/:siteKey/sessions", async (c) => {
  const origin = c.req.header("Origin");
  const key = c.req.param("siteKey");
  if (!siteKeySchema.safeParse(key).success) throw new ApiError(404, "unknown_site", "no such site");
  const body = await readJson(c, sessionBody);
  const now = Date.now();
  let claims: { v: string; c: string } | undefined;
  if (body.visitorToken) {
    const check = await readVisitorToken(c.env.TOKEN_SECRET, body.visitorToken, now);
    if (!check.ok || check.claims.s !== key)
      throw new ApiError(401, "invalid_token", "visitor token is not valid for this site");
    if (check.claims.exp * 1000 + TOKEN_REFRESH_SECONDS * 1000 < now) {
      throw new ApiError(401, "token_expired", "visitor token is too old to refresh; start a new session without it");
    }
    claims = check.claims;
  }
  const site = siteStub(c.env, key);
  const grant = unwrap(
    await site.startSession({
      origin: origin ?? null,
      visitorId: claims?.v,
      conversationId: claims?.c,
      identity: body.identity,
      trail: body.trail,
      visit: body.visit,
      cart: body.cart,
      locale: body.locale,
      timezone: body.timezone,
      client: clientOf(c.req.raw, c.req.header("User-Agent"), c.req.header("Accept-Language"), isLocal(c.env)),
      ipKey: await clientKey(c.env, c.req.header("CF-Connecting-IP")),
    }),
  );
  const visitorToken = await signVisitorToken(
    c.env.TOKEN_SECRET,
    freshClaims(key, grant.visitorId, grant.conversationId, now),
  );
  return c.json({ visitorToken, ...grant });
});

// What the widget did with a proactive message or greeting: shown, replied to, dismissed (counters only).
sites.use("/:siteKey/engage", widgetCors);
sites.options("/:siteKey/engage", (c) =>
  c.body(null, 204, {
    "Access-Control-Allow-Methods": "POST",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Max-Age": "86400",
  }),
);
sites.post("/:siteKey/engage", async (c) => {
  const key = c.req.param("siteKey");
  if (!siteKeySchema.safeParse(key).success) throw new ApiError(404, "unknown_site", "no such site");
  const body = await readJson(c, engageEventBody);
  const check = await readVisitorToken(c.env.TOKEN_SECRET, body.visitorToken, Date.now());
  if (!check.ok || check.claims.s !== key)
    throw new ApiError(401, "invalid_token", "visitor token is not valid for this site");
  unwrap(await siteStub(c.env, key).engageEvent(c.req.header("Origin") ?? null, check.claims.v, body.id, body.event));
  return c.json({ ok: true });
});

/** The client's IP keyed with HMAC (never stored in the clear), or undefined when unknown. */
async function clientKey(env: Env, ip: string | undefined): Promise<string | undefined> {
  if (!ip) return undefined;
  return toHex(await hmacSha256(env.TOKEN_SECRET || "edgechat", `visitor-ip:${ip}`)).slice(0, 32);
}

/**
 * Country and city (Cloudflare's `request.cf`) and the User-Agent, for the visitor card. The
 * local runtime makes up a `cf` location: it is left out there rather than shown as true.
 */
function clientOf(req: Request, userAgent: string | undefined, languages: string | undefined, local: boolean) {
  const cf = local ? undefined : (req as Request & { cf?: { country?: unknown; city?: unknown } }).cf;
  // The browser's first preference, e.g. "ru-RU,ru;q=0.9,en;q=0.8" → "ru-RU".
  const language = languages?.split(",")[0]?.split(";")[0]?.trim();
  return {
    ...(language && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(language) ? { language } : {}),
    ...(typeof cf?.country === "string" ? { country: cf.country } : {}),
    ...(typeof cf?.city === "string" ? { city: cf.city } : {}),
    ...(userAgent ? { userAgent } : {}),
  };
}
