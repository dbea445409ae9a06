/**
 * `POST /api/v1/sites`: a new site, from the deployment owner (`npm run site:create`, with the
 * admin token) or a CMS plugin's Connect (owner email and shop URL), as the deployment's
 * SIGNUP variable allows: `closed` (admin token only), `invite` (a one-time signup code) or
 * `open` (anyone, rate limited per IP; live after the owner confirms the email). Every check
 * that can fail runs before anything is written, and a signup code is only spent once its
 * site exists: a refused signup leaves nothing behind.
 */
import type { Context } from "hono";
import { z } from "zod";
import { signupMode } from "../config";
import type { Env } from "../env";
import { hmacSha256, randomHex, sameBytes, toHex } from "../lib/crypto";
import { ApiError, unwrap } from "../lib/errors";
import { email, siteKey as siteKeySchema } from "../protocol";
import { DEPLOYMENT_OBJECT } from "../deployment";
import { jurisdictionOfKey, keyPrefix, siteStub, type Jurisdiction } from "../lib/jurisdiction";
import { isTimezone, originPattern } from "../protocol";
import type { CreatedSite, SignupVia } from "../site/signup";
import { readJson } from "./http";

type Ctx = Context<{ Bindings: Env }>;

/** The shop's address: http(s), no credentials; stored without query, fragment or trailing slash. */
export const shopUrl = z
  .string()
  .trim()
  .max(2048, "url is at most 2048 characters")
  .pipe(
    z.url({
      protocol: /^https?$/,
      error: "url is not a valid http(s) address; give the shop's address, e.g. https://shop.example",
    }),
  )
  .transform((u, ctx) => {
    const url = new URL(u);
    if (url.username || url.password) {
      ctx.issues.push({ code: "custom", input: u, message: "url must not contain a user name or password" });
      return z.NEVER;
    }
    return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
  });

export const createSiteBody = z
  .object({
    siteKey: siteKeySchema.optional(),
    name: z.string().trim().max(120, "name is at most 120 characters").optional(),
    ownerEmail: email,
    ownerName: z.string().trim().min(1).max(120).optional(),
    ownerPassword: z.string().min(10, "ownerPassword must be at least 10 characters").max(512).optional(),
    url: shopUrl.optional(),
    allowedOrigins: z.array(originPattern).min(1, "give at least one allowed origin").max(50).optional(),
    timezone: z.string().refine(isTimezone, "unknown timezone").default("UTC"),
    locale: z.enum(["en", "ru"]).default("en"),
    signupCode: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,128}$/, "signupCode is letters, digits, - and _")
      .optional(),
    jurisdiction: z.enum(["eu"], { error: 'jurisdiction is "eu" or absent' }).optional(),
  })
  .refine((b) => b.url || b.allowedOrigins, { message: "give the shop's url (or allowedOrigins)", path: ["url"] })
  .refine((b) => !b.siteKey || !b.jurisdiction || jurisdictionOfKey(b.siteKey) === b.jurisdiction, {
    message: "keys of EU sites start with eu-",
    path: ["siteKey"],
  });
export type CreateSiteBody = z.infer<typeof createSiteBody>;

/** 401 unless `Authorization: Bearer ADMIN_TOKEN` (compared in constant time). */
export function requireAdminToken(c: Ctx, what = "this"): void {
  const given = c.req.header("Authorization")?.match(/^Bearer (.+)$/)?.[1];
  const expected = c.env.ADMIN_TOKEN;
  const enc = new TextEncoder();
  if (!expected || !given || !sameBytes(enc.encode(given), enc.encode(expected))) {
    throw new ApiError(
      401,
      "admin_token_required",
      `${what} needs the deployment's admin token (Authorization: Bearer …)`,
    );
  }
}

/** The Deployment object (signup codes, the open signup's counter). */
export function deployment(env: Env) {
  return env.DEPLOYMENT.get(env.DEPLOYMENT.idFromName(DEPLOYMENT_OBJECT));
}

/** Origin of links in emails: PUBLIC_URL, else the origin the request came to. */
export function linkBase(c: Ctx): string {
  return (c.env.PUBLIC_URL || new URL(c.req.url).origin).replace(/\/$/, "");
}

/** Handles POST /api/v1/sites. */
export async function createSiteRoute(c: Ctx): Promise<Response> {
  const mode = signupMode(c.env);
  const withToken = c.req.header("Authorization") !== undefined;
  if (withToken) requireAdminToken(c, "creating a site with Authorization");
  else if (mode === "closed") requireAdminToken(c, "creating a site on this deployment (SIGNUP=closed)");
  const body = await readJson(c, createSiteBody);
  const via: SignupVia = withToken ? "admin" : body.signupCode || mode === "invite" ? "invite" : "open";
  if (via !== "admin" && body.ownerPassword) {
    throw new ApiError(
      400,
      "password_not_allowed",
      "ownerPassword needs the admin token; the owner sets a password from the email",
    );
  }
  if (via === "invite" && !body.signupCode) {
    throw new ApiError(
      401,
      "signup_code_required",
      "this deployment creates sites with a signup code (SIGNUP=invite); ask its owner for one",
    );
  }
  const dep = deployment(c.env);
  let codeId: string | null = null;
  if (via === "invite") codeId = unwrap(await dep.reserveCode(body.signupCode!, body.ownerEmail)).id;
  if (via === "open") unwrap(await dep.countSignup(await ipKey(c)));
  try {
    const created = await createWithKey(c, body, via);
    if (codeId) await dep.useCode(codeId, created.siteKey);
    return c.json(answer(c, body, created), 201);
  } catch (err) {
    if (codeId) await dep.releaseCode(codeId);
    throw err;
  }
}

/** Creates the site under the given key, or under a key made from the URL (a taken one gets a suffix). */
async function createWithKey(c: Ctx, body: CreateSiteBody, via: SignupVia): Promise<CreatedSite> {
  const jurisdiction: Jurisdiction | null = body.siteKey
    ? jurisdictionOfKey(body.siteKey)
    : (body.jurisdiction ?? null);
  const name =
    body.name || (body.url ? new URL(body.url).hostname.replace(/^www\./, "") : "") || body.ownerEmail.split("@")[1]!;
  const allowedOrigins = body.allowedOrigins ?? [new URL(body.url!).origin];
  const base = body.siteKey ?? keyFrom(body.url ? new URL(body.url).hostname : name, jurisdiction);
  for (let attempt = 0; ; attempt++) {
    const key = attempt === 0 ? base : `${base.slice(0, 58)}-${randomHex(2)}`;
    const result = await siteStub(c.env, key).createSite({
      siteKey: key,
      settings: { name, allowedOrigins, timezone: body.timezone, locale: body.locale },
      url: body.url ?? null,
      jurisdiction,
      owner: {
        email: body.ownerEmail,
        name: body.ownerName ?? body.ownerEmail.split("@")[0]!,
        ...(body.ownerPassword ? { password: body.ownerPassword } : {}),
      },
      via,
      linkBase: linkBase(c),
    });
    const taken = "error" in result && result.error.code === "site_exists";
    if (taken && !body.siteKey && attempt < 3) continue;
    return unwrap(result);
  }
}

/** A site key from a host or name: `www.Shop.example` → `shop-example` (with `eu-` for the EU). */
export function keyFrom(text: string, jurisdiction: Jurisdiction | null): string {
  const prefix = keyPrefix(jurisdiction);
  const slug = text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/^www\./, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 50)
    .replace(/-+$/, "");
  const key = `${prefix}${slug.length >= 2 ? slug : "site"}`;
  return /^[a-z0-9]/.test(key) ? key : `s${key}`.slice(0, 63);
}

/** What the caller gets back: the keys once, the status, and the loader snippet. */
function answer(c: Ctx, body: CreateSiteBody, created: CreatedSite) {
  const host = linkBase(c);
  return {
    siteKey: created.siteKey,
    name: created.name,
    status: created.status,
    jurisdiction: created.jurisdiction,
    identitySecret: created.identitySecret,
    pluginSecret: created.pluginSecret,
    ownerId: created.ownerId,
    url: body.url ?? null,
    loader: `<script src="${host}/widget.js" data-site="${created.siteKey}" async></script>`,
    ...(created.setPasswordUrl ? { setPasswordUrl: created.setPasswordUrl } : {}),
  };
}

/** The caller's IP keyed with TOKEN_SECRET: the counter never stores an address. */
async function ipKey(c: Ctx): Promise<string> {
  const ip = c.req.header("CF-Connecting-IP") ?? "unknown";
  return toHex(await hmacSha256(c.env.TOKEN_SECRET || "edgechat", `signup-ip:${ip}`)).slice(0, 32);
}
