/**
 * The CMS plugin's server-to-server API, signed with the site's plugin secret
 * (worker/site/plugin/signature.ts; the WordPress side is class-edgechat-api.php):
 *
 * - `GET /api/v1/sites/:siteKey/status` → `{status, name}`
 * - `POST /api/v1/sites/:siteKey/events` `{type: "order_placed", …}` → `202 {ok, duplicate}`
 *
 * A missing, stale (±300 s) or wrong signature is a 401 whose code says which; a POST's
 * signature is accepted once. The Site checks the signature, so the secret never leaves it.
 */
import { Hono, type Context } from "hono";
import type { Env } from "../env";
import { ApiError, unwrap } from "../lib/errors";
import { siteKey as siteKeySchema } from "../protocol";
import { siteStub } from "../lib/jurisdiction";
import type { SignedCall } from "../site/plugin";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from "../site/plugin/signature";

type Ctx = Context<{ Bindings: Env }>;
export const plugin = new Hono<{ Bindings: Env }>();

const MAX_EVENT_BYTES = 16 * 1024;

/** The signed parts of the request as received. */
async function signedCall(c: Ctx): Promise<SignedCall> {
  const url = new URL(c.req.url);
  const body = c.req.method === "GET" ? "" : await c.req.text();
  if (body.length > MAX_EVENT_BYTES)
    throw new ApiError(413, "body_too_large", `body is larger than ${MAX_EVENT_BYTES} bytes`);
  return {
    method: c.req.method,
    pathWithQuery: url.pathname + url.search,
    body,
    timestamp: c.req.header(TIMESTAMP_HEADER) ?? null,
    signature: c.req.header(SIGNATURE_HEADER) ?? null,
  };
}

function siteKeyOf(c: Ctx): string {
  const key = c.req.param("siteKey") ?? "";
  if (!siteKeySchema.safeParse(key).success) throw new ApiError(404, "unknown_site", "no such site");
  return key;
}

plugin.get("/:siteKey/status", async (c) => {
  const key = siteKeyOf(c);
  const status = unwrap(await siteStub(c.env, key).pluginStatus(await signedCall(c)));
  return c.json(status, 200, { "Cache-Control": "no-store" });
});

plugin.post("/:siteKey/events", async (c) => {
  const key = siteKeyOf(c);
  if (!(c.req.header("Content-Type") ?? "").toLowerCase().startsWith("application/json")) {
    throw new ApiError(415, "unsupported_media_type", "send the event as application/json");
  }
  const result = unwrap(await siteStub(c.env, key).pluginEvent(await signedCall(c)));
  return c.json(result, 202);
});
