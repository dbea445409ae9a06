/** Email in the admin: the outbox, email settings, and sending a transcript. */
import { z } from "zod";
import { email } from "../protocol";
import { ApiError, unwrap } from "../lib/errors";
import { adminRoutes, requireRole, siteOf } from "./admin-http";
import { conversationOr404, readJson } from "./http";

export const emailRoutes = adminRoutes();

emailRoutes.get("/outbox", async (c) => {
  // Links with secrets are redacted in the stored copies; each viewer sees only those sent to them.
  requireRole(c, "owner", "admin");
  const limit = Number(c.req.query("limit") ?? 100);
  if (!Number.isInteger(limit) || limit < 1) throw new ApiError(400, "invalid_query", "limit is a whole number ≥ 1");
  return c.json({ messages: await siteOf(c).outbox(limit, c.var.operator.email) });
});

emailRoutes.get("/email-settings", async (c) => c.json({ settings: await siteOf(c).emailSettings() }));

emailRoutes.put("/email-settings", async (c) => {
  requireRole(c, "owner", "admin");
  const body = await readJson(c, z.unknown());
  return c.json({ settings: unwrap(await siteOf(c).saveEmailSettings(c.var.operator, body)) });
});

emailRoutes.post("/conversations/:id/transcript", async (c) => {
  const id = c.req.param("id");
  const stub = conversationOr404(c.env, id);
  const body = await readJson(c, z.object({ to: email.optional() }));
  return c.json(unwrap(await stub.emailTranscript(c.var.siteKey, body.to)));
});
