/**
 * Data rights and secrets in the admin API (owner and admin only; every change is audited):
 *
 * - `POST /contacts/:visitorId/erase {confirm}` and `POST /contacts/erase {email, confirm}`:
 *   erase a contact and all their conversations; `confirm` repeats the email or visitor id.
 * - `GET/PUT /data/retention {months: 1–120 | null}`: delete conversations older than that.
 * - `GET /secrets`, `POST /secrets/:name/rotate {graceHours?}` (name: identity | plugin): a new
 *   secret, shown once; the old one is accepted for `graceHours` (24 by default, 0 to 168).
 */
import { z } from "zod";
import { ApiError, unwrap } from "../lib/errors";
import { readJson } from "./http";
import { email } from "../protocol";
import { MAX_RETENTION_MONTHS } from "../site/data-rights/retention";
import { DEFAULT_GRACE_HOURS, MAX_GRACE_HOURS, SECRET_NAMES, type SecretName } from "../site/secrets";
import { adminRoutes, requireRole, siteOf } from "./admin-http";

export const adminData = adminRoutes();

const eraseByVisitor = z.object({
  confirm: z.string().trim().min(1, "confirm repeats the contact's email or visitor id").max(254),
});
const eraseByEmail = z.object({ email, confirm: z.string().trim().min(1, "confirm repeats the email").max(254) });
const retentionBody = z.object({
  months: z
    .number()
    .int("months is a whole number")
    .min(1, "months is at least 1")
    .max(MAX_RETENTION_MONTHS, `months is at most ${MAX_RETENTION_MONTHS}`)
    .nullable(),
});
const rotateBody = z.object({
  graceHours: z
    .number()
    .min(0)
    .max(MAX_GRACE_HOURS, `graceHours is at most ${MAX_GRACE_HOURS}`)
    .default(DEFAULT_GRACE_HOURS),
});

adminData.post("/contacts/erase", async (c) => {
  requireRole(c, "owner", "admin");
  const body = await readJson(c, eraseByEmail);
  return c.json({ erased: unwrap(await siteOf(c).eraseContact(c.var.operator, body)) });
});

adminData.post("/contacts/:visitorId/erase", async (c) => {
  requireRole(c, "owner", "admin");
  const visitorId = c.req.param("visitorId");
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(visitorId))
    throw new ApiError(404, "unknown_contact", "no contact with this visitor id");
  const body = await readJson(c, eraseByVisitor);
  return c.json({ erased: unwrap(await siteOf(c).eraseContact(c.var.operator, { visitorId, confirm: body.confirm })) });
});

adminData.get("/data/retention", async (c) => {
  requireRole(c, "owner", "admin");
  return c.json({ months: await siteOf(c).retentionMonths() });
});

adminData.put("/data/retention", async (c) => {
  requireRole(c, "owner", "admin");
  const body = await readJson(c, retentionBody);
  return c.json({ months: await siteOf(c).saveRetention(c.var.operator, body.months) });
});

adminData.get("/secrets", async (c) => {
  requireRole(c, "owner", "admin");
  return c.json({ secrets: await siteOf(c).secretsInfo() });
});

// The new secret is in this answer only; it is never readable again.
adminData.post("/secrets/:name/rotate", async (c) => {
  requireRole(c, "owner", "admin");
  const name = c.req.param("name");
  if (!(SECRET_NAMES as readonly string[]).includes(name)) {
    throw new ApiError(404, "unknown_secret", `secrets are ${SECRET_NAMES.join(" and ")}`);
  }
  const body = c.req.header("Content-Type") ? await readJson(c, rotateBody) : rotateBody.parse({});
  return c.json(await siteOf(c).rotateSecret(c.var.operator, name as SecretName, body.graceHours));
});
