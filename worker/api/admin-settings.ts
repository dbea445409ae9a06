/**
 * Settings screens of the admin app: site settings (widget look and texts, allowed
 * origins, timezone, language), the identity secret, departments and routing, canned
 * responses, and the audit log. Every operator reads what they need to work (departments,
 * canned responses, routing); only owner and admin change anything; only the owner reads
 * the audit log.
 */
import { ApiError, unwrap } from "../lib/errors";
import { readJson } from "./http";
import { allowOriginBody, cannedBody, departmentBody, routingBody } from "../protocol";
import { settingsPatch } from "../site/settings";
import { adminRoutes, requireRole, siteOf } from "./admin-http";

export const adminSettings = adminRoutes();

adminSettings.get("/settings", async (c) => {
  const settings = await siteOf(c).settings();
  if (!settings) throw new ApiError(404, "unknown_site", "no such site");
  return c.json({ settings });
});

adminSettings.put("/settings", async (c) => {
  requireRole(c, "owner", "admin");
  const patch = await readJson(c, settingsPatch);
  return c.json({ settings: unwrap(await siteOf(c).updateSettings(c.var.operator, patch)) });
});

// The new secret is in this answer only; it is never readable again.
adminSettings.post("/settings/identity-secret", async (c) => {
  requireRole(c, "owner", "admin");
  const rotated = await siteOf(c).rotateSecret(c.var.operator, "identity");
  return c.json({ identitySecret: rotated.secret });
});

// Where the widget was seen and where it was refused (the Install screen).
adminSettings.get("/install", async (c) => {
  requireRole(c, "owner", "admin");
  return c.json({ siteKey: c.var.siteKey, ...(await siteOf(c).installReport()) });
});

adminSettings.post("/install/allow", async (c) => {
  requireRole(c, "owner", "admin");
  const { origin } = await readJson(c, allowOriginBody);
  return c.json({ settings: unwrap(await siteOf(c).allowOrigin(c.var.operator, origin)) });
});

adminSettings.get("/audit", async (c) => {
  requireRole(c, "owner");
  const before = Number(c.req.query("before"));
  return c.json({ entries: await siteOf(c).auditLog(Number.isInteger(before) && before > 0 ? before : undefined) });
});

adminSettings.get("/departments", async (c) => c.json({ departments: await siteOf(c).departments() }));

adminSettings.post("/departments", async (c) => {
  requireRole(c, "owner", "admin");
  const body = await readJson(c, departmentBody);
  return c.json({ department: unwrap(await siteOf(c).saveDepartment(c.var.operator, null, body)) }, 201);
});

adminSettings.put("/departments/:id", async (c) => {
  requireRole(c, "owner", "admin");
  const body = await readJson(c, departmentBody);
  return c.json({ department: unwrap(await siteOf(c).saveDepartment(c.var.operator, c.req.param("id"), body)) });
});

adminSettings.delete("/departments/:id", async (c) => {
  requireRole(c, "owner", "admin");
  return c.json(unwrap(await siteOf(c).deleteDepartment(c.var.operator, c.req.param("id"))));
});

adminSettings.get("/routing", async (c) => c.json({ routing: await siteOf(c).routing() }));

adminSettings.put("/routing", async (c) => {
  requireRole(c, "owner", "admin");
  const body = await readJson(c, routingBody);
  return c.json({ routing: unwrap(await siteOf(c).saveRouting(c.var.operator, body)) });
});

adminSettings.get("/canned", async (c) => c.json({ canned: await siteOf(c).cannedResponses() }));

adminSettings.post("/canned", async (c) => {
  requireRole(c, "owner", "admin");
  const body = await readJson(c, cannedBody);
  return c.json({ canned: unwrap(await siteOf(c).saveCanned(c.var.operator, null, body)) }, 201);
});

adminSettings.put("/canned/:id", async (c) => {
  requireRole(c, "owner", "admin");
  const body = await readJson(c, cannedBody);
  return c.json({ canned: unwrap(await siteOf(c).saveCanned(c.var.operator, c.req.param("id"), body)) });
});

adminSettings.delete("/canned/:id", async (c) => {
  requireRole(c, "owner", "admin");
  return c.json(unwrap(await siteOf(c).deleteCanned(c.var.operator, c.req.param("id"))));
});
