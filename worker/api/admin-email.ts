/** Email in the admin: the outbox, email settings, and sending a transcript. */
import { z } from "zod";
import { conversationId, email } from "../protocol";
import { ApiError } from "../lib/errors";
import { adminRoutes, check, readBody, requireRole, siteOf } from "./admin-http";
import { readJson } from "./http";

export const emailRoutes = adminRoutes();

emailRoutes.get("/outbox", async (c) => {
  // The outbox holds invite and password-reset links: an operator reading it could take over the owner.
  requireRole(c, "owner", "admin");
  const limit = Number(c.req.query("limit") ?? 100);
  if (!Number.isInteger(limit) || limit < 1) throw new ApiError(400, "invalid_query", "limit is a whole number ≥ 1");
  return c.json({ messages: await siteOf(c).outbox(limit) });
});

emailRoutes.get("/email-settings", async (c) => c.json({ settings: await siteOf(c).emailSettings() }));

emailRoutes.put("/email-settings", async (c) => {
  requireRole(c, "owner", "admin");
  const body = await readJson(c, z.unknown());
  return c.json({ settings: check(await siteOf(c).saveEmailSettings(c.var.operator, body)) });
});

emailRoutes.post("/conversations/:id/transcript", async (c) => {
  const id = c.req.param("id");
  if (!conversationId.safeParse(id).success) throw new ApiError(404, "not_found", "no such conversation");
  const body = await readBody(c, z.object({ to: email.optional() }));
  const stub = c.env.CONVERSATION.get(c.env.CONVERSATION.idFromString(id));
  return c.json(check(await stub.emailTranscript(c.var.siteKey, body.to)));
});
