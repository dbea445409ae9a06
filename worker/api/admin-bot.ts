/**
 * The bot in the admin API (reading: any operator, but for the settings; changing: owner or admin):
 *
 * - `GET/PUT /bot/settings` (owner or admin only: they hold the leads' webhook secret and
 *   Bitrix24 webhook URL, credentials to the shop's CRM), `GET/PUT /bot/scenario` (refused
 *   naming the step);
 * - `GET/POST /bot/kb`, `PUT/DELETE /bot/kb/:id`; `POST /bot/kb/try {question}` → top matches;
 * - `GET /bot/kb/export?format=json|csv`, `POST /bot/kb/import?format=json|csv` (all or nothing);
 * - `GET /bot/leads`, `GET /bot/leads.csv`, `GET /bot/deliveries`, `GET /bot/feedback`.
 */
import { z } from "zod";
import { ApiError, unwrap } from "../lib/errors";
import { kbEntryInput, MAX_BODY_BYTES, tryQuery } from "../protocol";
import { adminRoutes, requireRole, siteOf } from "./admin-http";
import { readJson } from "./http";

export const adminBot = adminRoutes();

const format = (raw: string | undefined) =>
  raw === "csv" ? "csv" : raw === "json" || raw === undefined ? "json" : badFormat();
function badFormat(): never {
  throw new ApiError(400, "invalid_format", "format is json or csv");
}

adminBot.get("/bot/settings", async (c) => {
  requireRole(c, "owner", "admin");
  return c.json({ settings: await siteOf(c).botSettings() });
});
adminBot.put("/bot/settings", async (c) => {
  requireRole(c, "owner", "admin");
  return c.json({ settings: unwrap(await siteOf(c).saveBotSettings(c.var.operator, await readJson(c, z.unknown()))) });
});

adminBot.get("/bot/scenario", async (c) => c.json({ scenario: await siteOf(c).botScenario() }));
adminBot.put("/bot/scenario", async (c) => {
  requireRole(c, "owner", "admin");
  return c.json({ scenario: unwrap(await siteOf(c).saveBotScenario(c.var.operator, await readJson(c, z.unknown()))) });
});

adminBot.get("/bot/kb", async (c) => c.json({ entries: await siteOf(c).kbEntries() }));
adminBot.post("/bot/kb", async (c) => {
  requireRole(c, "owner", "admin");
  const body = await readJson(c, kbEntryInput);
  return c.json({ entry: unwrap(await siteOf(c).saveKbEntry(c.var.operator, null, body)) }, 201);
});
adminBot.put("/bot/kb/:id", async (c) => {
  requireRole(c, "owner", "admin");
  const body = await readJson(c, kbEntryInput);
  return c.json({ entry: unwrap(await siteOf(c).saveKbEntry(c.var.operator, c.req.param("id"), body)) });
});
adminBot.delete("/bot/kb/:id", async (c) => {
  requireRole(c, "owner", "admin");
  return c.json(unwrap(await siteOf(c).deleteKbEntry(c.var.operator, c.req.param("id"))));
});
adminBot.post("/bot/kb/try", async (c) => {
  const { question } = await readJson(c, tryQuery);
  const [matches, settings] = await Promise.all([siteOf(c).tryKb(question), siteOf(c).botSettings()]);
  return c.json({ matches, threshold: settings.threshold });
});

adminBot.get("/bot/kb/export", async (c) => {
  const f = format(c.req.query("format"));
  const body = await siteOf(c).exportKb(f);
  return c.body(body, 200, {
    "Content-Type": f === "csv" ? "text/csv; charset=utf-8" : "application/json",
    "Content-Disposition": `attachment; filename="knowledge-base.${f}"`,
  });
});
adminBot.post("/bot/kb/import", async (c) => {
  requireRole(c, "owner", "admin");
  const f = format(c.req.query("format"));
  if (f === "json")
    return c.json(unwrap(await siteOf(c).importKb(c.var.operator, "json", await readJson(c, z.unknown()))));
  const text = await c.req.text();
  if (text.length > MAX_BODY_BYTES * 4)
    throw new ApiError(413, "body_too_large", `the CSV is larger than ${MAX_BODY_BYTES * 4} bytes`);
  return c.json(unwrap(await siteOf(c).importKb(c.var.operator, "csv", text)));
});

adminBot.get("/bot/leads", async (c) => c.json({ leads: await siteOf(c).leads() }));
adminBot.get("/bot/leads.csv", async (c) => {
  return c.body(await siteOf(c).leadsCsv(), 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": 'attachment; filename="leads.csv"',
  });
});
adminBot.get("/bot/deliveries", async (c) => c.json({ deliveries: await siteOf(c).leadDeliveries() }));
adminBot.get("/bot/feedback", async (c) => c.json({ feedback: await siteOf(c).botFeedbackReport() }));
