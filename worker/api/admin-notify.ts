/**
 * Notifications away from the admin tab, per operator: Web Push devices and quiet hours;
 * the site's Telegram bot (owner and admins connect it) and each operator's link to it.
 */
import { unwrap } from "../lib/errors";
import { notificationPrefsBody, pushSubscriptionBody, pushUnsubscribeBody, telegramBotBody } from "../protocol";
import { adminRoutes, appOrigin, requireRole, siteOf } from "./admin-http";
import { readJson } from "./http";

export const adminNotify = adminRoutes();

adminNotify.get("/notifications", async (c) =>
  c.json(await siteOf(c).notificationSettings(c.var.operator.id, c.req.query("endpoint")?.slice(0, 2048))),
);

adminNotify.put("/notifications", async (c) => {
  const body = await readJson(c, notificationPrefsBody);
  return c.json(await siteOf(c).saveNotificationPrefs(c.var.operator.id, body));
});

adminNotify.post("/push/subscriptions", async (c) => {
  const body = await readJson(c, pushSubscriptionBody);
  const saved = unwrap(
    await siteOf(c).savePushSubscription(c.var.operator.id, body, c.req.header("User-Agent") ?? null),
  );
  return c.json(saved, 201);
});

adminNotify.delete("/push/subscriptions", async (c) => {
  const body = await readJson(c, pushUnsubscribeBody);
  return c.json(await siteOf(c).removePushSubscription(c.var.operator.id, body.endpoint));
});

adminNotify.put("/telegram", async (c) => {
  requireRole(c, "owner", "admin");
  const body = await readJson(c, telegramBotBody);
  const base = c.env.PUBLIC_URL || appOrigin(c);
  return c.json(unwrap(await siteOf(c).connectTelegram(c.var.operator, body.token, base)));
});

adminNotify.delete("/telegram", async (c) => {
  requireRole(c, "owner", "admin");
  return c.json(await siteOf(c).disconnectTelegram(c.var.operator));
});

adminNotify.post("/telegram/link-code", async (c) => c.json(await siteOf(c).telegramLinkCode(c.var.operator.id), 201));
adminNotify.delete("/telegram/link", async (c) => c.json(await siteOf(c).unlinkTelegram(c.var.operator.id)));

adminNotify.post("/telegram/group-code", async (c) => {
  requireRole(c, "owner", "admin");
  return c.json(await siteOf(c).telegramGroupCode(), 201);
});

adminNotify.delete("/telegram/group", async (c) => {
  requireRole(c, "owner", "admin");
  return c.json(await siteOf(c).unlinkTelegramGroup());
});
