/**
 * Appointments over HTTP: free slots and booking for the visitor (their token, from the
 * shop's page; the chatbot's booking step calls the same Site methods), the manage link
 * from the confirmation email (see the booking, cancel it), and the operators' list and
 * consultation-hours settings. The Site's appointments module decides everything.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { Env } from "../env";
import { ApiError, unwrap } from "../lib/errors";
import { siteStub } from "../lib/jurisdiction";
import { siteKey as siteKeySchema } from "../protocol";
import { bookingBody } from "../site/appointments";
import { adminRoutes, requireRole, siteOf } from "./admin-http";
import { conversationIdOr404 } from "./files";
import { widgetCors } from "./widget-cors";
import { readJson } from "./http";
import { visitorOf } from "./sockets";

export const visitorAppointments = new Hono<{ Bindings: Env }>();
export const manageAppointments = new Hono<{ Bindings: Env }>();
export const adminAppointments = adminRoutes();

visitorAppointments.use("/:id/appointments/*", widgetCors);
visitorAppointments.use("/:id/appointments", widgetCors);
visitorAppointments.options("/:id/appointments", (c) =>
  c.body(null, 204, {
    "Access-Control-Allow-Methods": "POST",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Max-Age": "86400",
  }),
);

visitorAppointments.get("/:id/appointments/slots", async (c) => {
  const id = conversationIdOr404(c.req.param("id"));
  const claims = await visitorOf(c.env, c.req.query("token"), id);
  return c.json(unwrap(await siteStub(c.env, claims.s).freeSlots()), 200, { "Cache-Control": "no-store" });
});

visitorAppointments.post("/:id/appointments", async (c) => {
  const id = conversationIdOr404(c.req.param("id"));
  const claims = await visitorOf(c.env, c.req.query("token"), id);
  const body = await readJson(c, bookingBody);
  const booked = unwrap(
    await siteStub(c.env, claims.s).bookAppointment({ visitorId: claims.v, conversationId: id }, body),
  );
  // The manage token goes by email only: whoever holds the page's token cannot cancel.
  return c.json({ appointment: booked.appointment }, 201);
});

const manageToken = z.object({ token: z.string().min(1, "token is required").max(100) });

manageAppointments.get("/:site/:id", (c) => {
  siteOrNotFound(c.req.param("site"));
  const token = c.req.query("token") ?? "";
  // A page with one button: mail scanners follow links, so a GET never cancels.
  const page = `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Your booking</title>
<form method="post"><input type="hidden" name="token" value="${token.replace(/[^A-Za-z0-9_-]/g, "")}"><p>Cancel this video consultation?</p><button>Cancel the booking</button></form>`;
  return c.html(page, 200, {
    "Content-Security-Policy": "default-src 'none'; form-action 'self'",
    "Cache-Control": "no-store",
  });
});

manageAppointments.post("/:site/:id", async (c) => {
  const site = siteOrNotFound(c.req.param("site"));
  const form = c.req.header("Content-Type")?.includes("application/json")
    ? await readJson(c, manageToken)
    : manageToken.parse(Object.fromEntries(await c.req.formData()));
  const appointment = unwrap(await siteStub(c.env, site).cancelAppointment(c.req.param("id"), form.token));
  return c.json({ appointment });
});

adminAppointments.get("/appointments", async (c) => c.json({ appointments: await siteOf(c).upcomingAppointments() }));

adminAppointments.get("/appointments/settings", async (c) =>
  c.json({ settings: await siteOf(c).appointmentSettings() }),
);

adminAppointments.put("/appointments/settings", async (c) => {
  requireRole(c, "owner", "admin");
  const input = await readJson(c, z.unknown());
  return c.json({ settings: unwrap(await siteOf(c).saveAppointmentSettings(c.var.operator, input)) });
});

function siteOrNotFound(raw: string): string {
  const parsed = siteKeySchema.safeParse(raw);
  if (!parsed.success) throw new ApiError(404, "not_found", "no such booking");
  return parsed.data;
}
