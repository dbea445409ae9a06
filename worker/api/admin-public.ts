/**
 * Admin routes that work without a session: accepting an invite and resetting a password.
 * Mounted in worker/api/admin.ts after the CSRF check and before the session middleware.
 */
import type { Context } from "hono";
import { DEPLOYMENT_OBJECT } from "../deployment";
import type { Env } from "../env";
import { ApiError, unwrap } from "../lib/errors";
import { readJson } from "./http";
import { siteStub } from "../lib/jurisdiction";
import { acceptInviteBody, resetCompleteBody, resetRequestBody, siteKey as siteKeySchema } from "../protocol";
import { startSession } from "./admin";
import { adminRoutes, appOrigin } from "./admin-http";

type PublicEnv = { Bindings: Env };
export const adminPublic = adminRoutes<PublicEnv>();

function siteByKey(c: Context<PublicEnv>, key: string) {
  return siteStub(c.env, key);
}

const INVALID_INVITE = "this invite link is not valid or has expired; ask for a new one";

adminPublic.get("/invites/info", async (c) => {
  const site = c.req.query("site") ?? "";
  const token = c.req.query("token") ?? "";
  if (!siteKeySchema.safeParse(site).success || !token || token.length > 200) {
    throw new ApiError(404, "invalid_invite", INVALID_INVITE);
  }
  return c.json(unwrap(await siteByKey(c, site).inviteInfo(token)));
});

adminPublic.post("/invites/accept", async (c) => {
  const body = await readJson(c, acceptInviteBody);
  const result = unwrap(
    await siteByKey(c, body.siteKey).acceptInvite(
      body.token,
      { name: body.name, password: body.password },
      {
        ip: c.req.header("CF-Connecting-IP"),
        userAgent: c.req.header("User-Agent"),
      },
    ),
  );
  return startSession(c, body.siteKey, result);
});

// Always the same answer, so the form does not tell who has an account.
adminPublic.post("/password-reset", async (c) => {
  const body = await readJson(c, resetRequestBody);
  const keys = body.siteKey
    ? [body.siteKey]
    : await c.env.DEPLOYMENT.get(c.env.DEPLOYMENT.idFromName(DEPLOYMENT_OBJECT)).sitesOfOperator(body.email);
  await Promise.all(keys.map((key) => siteByKey(c, key).requestPasswordReset(body.email, appOrigin(c))));
  return c.json({ ok: true });
});

adminPublic.post("/password-reset/complete", async (c) => {
  const body = await readJson(c, resetCompleteBody);
  unwrap(await siteByKey(c, body.siteKey).resetPassword(body.token, body.password));
  return c.json({ ok: true });
});
