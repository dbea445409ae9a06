/** Site creation (deployment owner) and visitor sessions (the widget). */
import { Hono } from "hono";
import { z } from "zod";
import type { Env } from "../env";
import { ApiError, unwrap } from "../lib/errors";
import { sameBytes } from "../lib/crypto";
import { freshClaims, readVisitorToken, signVisitorToken, TOKEN_REFRESH_SECONDS } from "../lib/token";
import { email, sessionBody, siteKey as siteKeySchema } from "../protocol";
import { isTimezone, originPattern } from "../site/settings";
import { readJson } from "./http";

export const sites = new Hono<{ Bindings: Env }>();

const createSiteBody = z.object({
  siteKey: siteKeySchema,
  name: z.string().trim().min(1, "name is required").max(120),
  ownerEmail: email,
  ownerName: z.string().trim().min(1).max(120).optional(),
  ownerPassword: z.string().min(10, "ownerPassword must be at least 10 characters").max(512),
  allowedOrigins: z.array(originPattern).min(1, "give at least one allowed origin").max(50),
  timezone: z.string().refine(isTimezone, "unknown timezone").default("UTC"),
  locale: z.enum(["en", "ru"]).default("en"),
});

/** Compares the bearer token with ADMIN_TOKEN in constant time. */
function requireAdminToken(header: string | undefined, expected: string | undefined): void {
  const given = header?.match(/^Bearer (.+)$/)?.[1];
  const enc = new TextEncoder();
  if (!expected || !given || !sameBytes(enc.encode(given), enc.encode(expected))) {
    throw new ApiError(401, "admin_token_required", "creating a site needs the deployment's admin token (Authorization: Bearer …)");
  }
}

sites.post("/", async (c) => {
  requireAdminToken(c.req.header("Authorization"), c.env.ADMIN_TOKEN);
  const body = await readJson(c, createSiteBody);
  const site = c.env.SITE.get(c.env.SITE.idFromName(body.siteKey));
  const created = unwrap(
    await site.create({
      siteKey: body.siteKey,
      settings: { name: body.name, allowedOrigins: body.allowedOrigins, timezone: body.timezone, locale: body.locale },
      owner: { email: body.ownerEmail, name: body.ownerName ?? body.ownerEmail.split("@")[0]!, password: body.ownerPassword },
    }),
  );
  return c.json({ siteKey: created.siteKey, identitySecret: created.identitySecret, ownerId: created.owner.id }, 201);
});

/** CORS for the widget: the preflight is answered for any origin; the POST itself checks it. */
function cors(origin: string | undefined): Record<string, string> {
  return origin ? { "Access-Control-Allow-Origin": origin, Vary: "Origin" } : {};
}

sites.options("/:siteKey/sessions", (c) =>
  c.body(null, 204, {
    ...cors(c.req.header("Origin")),
    "Access-Control-Allow-Methods": "POST",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Max-Age": "86400",
  }),
);

sites.post("/:siteKey/sessions", async (c) => {
  const origin = c.req.header("Origin");
  for (const [k, v] of Object.entries(cors(origin))) c.header(k, v);
  const key = c.req.param("siteKey");
  if (!siteKeySchema.safeParse(key).success) throw new ApiError(404, "unknown_site", "no such site");
  const body = await readJson(c, sessionBody);
  const now = Date.now();
  let claims: { v: string; c: string } | undefined;
  if (body.visitorToken) {
    const check = await readVisitorToken(c.env.TOKEN_SECRET, body.visitorToken, now);
    if (!check.ok || check.claims.s !== key) throw new ApiError(401, "invalid_token", "visitor token is not valid for this site");
    if (check.claims.exp * 1000 + TOKEN_REFRESH_SECONDS * 1000 < now) {
      throw new ApiError(401, "token_expired", "visitor token is too old to refresh; start a new session without it");
    }
    claims = check.claims;
  }
  const site = c.env.SITE.get(c.env.SITE.idFromName(key));
  const grant = unwrap(
    await site.startSession({
      origin: origin ?? null,
      visitorId: claims?.v,
      conversationId: claims?.c,
      identity: body.identity,
      trail: body.trail,
      locale: body.locale,
      timezone: body.timezone,
    }),
  );
  const visitorToken = await signVisitorToken(c.env.TOKEN_SECRET, freshClaims(key, grant.visitorId, grant.conversationId, now));
  return c.json({ visitorToken, ...grant });
});
