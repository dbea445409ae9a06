/**
 * Auto-reply settings of the session's site: read (any operator), save (owner or admin),
 * and preview what a visitor would get at an instant (the settings screen uses it).
 */
import { previewAutoReply, previewRequest } from "../autoreply";
import { ApiError, unwrap } from "../lib/errors";
import { adminRoutes, requireRole, siteOf } from "./admin-http";
import { readJson } from "./http";
import { z } from "zod";

export const autoReplyRoutes = adminRoutes();

autoReplyRoutes.get("/autoreply", async (c) => {
  return c.json({ settings: await siteOf(c).autoReplySettings() });
});

autoReplyRoutes.put("/autoreply", async (c) => {
  requireRole(c, "owner", "admin");
  const body = await readJson(c, z.unknown());
  const saved = unwrap(await siteOf(c).saveAutoReplySettings(c.var.operator, body));
  return c.json({ settings: saved });
});

autoReplyRoutes.post("/autoreply/preview", async (c) => {
  const input = await readJson(c, previewRequest);
  const settings = await siteOf(c).autoReplySettings();
  if (!settings) throw new ApiError(404, "unknown_site", "no such site");
  return c.json(previewAutoReply(settings, input));
});
