/**
 * Engaging visitors from the admin: who is on the site now and a proactive message to one of
 * them (any operator), greeting rules and their counters (read: any operator; save: owner or
 * admin), blocking a conversation's visitor and the blocked list (owner or admin).
 */
import { ApiError, unwrap } from "../lib/errors";
import { blockBody, greetingRules, proactiveBody } from "../protocol";
import { parsePeriod } from "../reports/period";
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

adminEngage.get("/greetings/counts", async (c) => {
  // The reports' own check of a period: dates, `from` not after `to`, at most two years.
  const checked = parsePeriod({ from: c.req.query("from"), to: c.req.query("to") }, "UTC");
  if (!checked.ok) throw new ApiError(400, "invalid_period", checked.message, {}, { [checked.field]: checked.message });
  return c.json({ counts: await siteOf(c).engageCounts(checked.period.from, checked.period.to) });
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
