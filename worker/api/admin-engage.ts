/**
 * Engaging visitors from the admin: who is on the site now and a proactive message to one of
 * them (any operator), greeting rules and their counters (read: any operator; save: owner or
 * admin), blocking a conversation's visitor and the blocked list (owner or admin).
 */
import { z } from "zod";
import { ApiError, unwrap } from "../lib/errors";
import { blockBody, greetingRules, proactiveBody } from "../protocol";
import { adminRoutes, requireRole, siteOf } from "./admin-http";
import { readJson } from "./http";

export const adminEngage = adminRoutes();

adminEngage.get("/online", async (c) => {
  return c.json({ visitors: await siteOf(c).onlineVisitors() }, 200, { "Cache-Control": "no-store" });
});

adminEngage.post("/online/:visitorId/message", async (c) => {
  const visitorId = c.req.param("visitorId");
  if (!/^v_[0-9a-f]{1,64}$/.test(visitorId)) throw new ApiError(404, "visitor_gone", "this visitor has left the site");
  const { text } = await readJson(c, proactiveBody);
  return c.json(unwrap(await siteOf(c).startChat(c.var.operator, visitorId, text)));
});

adminEngage.get("/greetings", async (c) => {
  return c.json({ rules: await siteOf(c).greetingRules() });
});

adminEngage.put("/greetings", async (c) => {
  requireRole(c, "owner", "admin");
  const { rules } = await readJson(c, greetingRules);
  return c.json({ rules: await siteOf(c).saveGreetingRules(c.var.operator, rules) });
});

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date is YYYY-MM-DD");

adminEngage.get("/greetings/counts", async (c) => {
  const from = day.safeParse(c.req.query("from"));
  const to = day.safeParse(c.req.query("to"));
  if (!from.success || !to.success) throw new ApiError(400, "invalid_period", "from and to are dates, YYYY-MM-DD");
  return c.json({ counts: await siteOf(c).engageCounts(from.data, to.data) });
});

adminEngage.post("/conversations/:id/block", async (c) => {
  requireRole(c, "owner", "admin");
  const options = await readJson(c, blockBody);
  return c.json(unwrap(await siteOf(c).blockVisitor(c.var.operator, c.req.param("id"), options)));
});

adminEngage.get("/blocks", async (c) => {
  requireRole(c, "owner", "admin");
  return c.json({ blocks: await siteOf(c).blocks() });
});

adminEngage.delete("/blocks/:id", async (c) => {
  requireRole(c, "owner", "admin");
  return c.json(unwrap(await siteOf(c).unblock(c.var.operator, c.req.param("id"))));
});
