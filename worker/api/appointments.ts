/**
 * Appointments over HTTP: free slots and booking for the visitor (their token, from the
 * shop's page; the chatbot's booking step calls the same Site methods), the manage link
 * from the confirmation email (see the booking, cancel it), and the operators' list and
 * consultation-hours settings. The Site's appointments module decides everything.
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { Env } from "../env";
import { ApiError, unwrap } from "../lib/errors";
import { siteStub } from "../lib/jurisdiction";
import { escapeHtml } from "../email";
import { describeIssues, siteKey as siteKeySchema } from "../protocol";
import { APPOINTMENT_TEXTS, type Appointment, bookingBody, knownZone, moveBody, slotLabel } from "../site/appointments";
import { whenText } from "../site/appointments/texts";
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

/**
 * The manage link's page: the booking, a "Cancel" button and the free times to move it to.
 * A GET never changes anything (mail scanners follow links); a wrong token shows the same
 * refusal as a missing booking. Nothing here is written from visitor text but their own
 * booking's time, and the page runs no script.
 */
manageAppointments.get("/:site/:id", async (c) => {
  const site = siteOrNotFound(c.req.param("site"));
  const token = (c.req.query("token") ?? "").replace(/[^A-Za-z0-9_-]/g, "").slice(0, 100);
  const stub = siteStub(c.env, site);
  const found = await stub.appointmentForLink(c.req.param("id"), token);
  const headers = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    "Cache-Control": "no-store",
  };
  if ("error" in found) return c.html(managePage("en", "<p>This link is not valid for any booking.</p>"), 403, headers);
  const a = found;
  const t = APPOINTMENT_TEXTS[a.lang];
  const zone = knownZone(a.timezone, "UTC");
  if (a.status === "cancelled")
    return c.html(
      managePage(a.lang, `<p>${escapeHtml(t.pageCancelledWhen(whenText(a.start, a.lang, zone)))}</p>`),
      200,
      headers,
    );
  const free = await stub.freeSlots();
  const slots = "error" in free ? [] : free.slots.slice(0, 40);
  const hidden = `<input type="hidden" name="token" value="${token}">`;
  const body = `<p>${escapeHtml(t.pageWhen(whenText(a.start, a.lang, zone)))}</p>
<form method="post">${hidden}<button>${escapeHtml(t.cancel)}</button></form>
<form method="post" action="${escapeHtml(`${c.req.param("id")}/move`)}">${hidden}<p>${escapeHtml(t.moveTo)}</p>
${slots.length ? `<select name="start">${slots.map((s) => `<option value="${s.start}">${escapeHtml(slotLabel(s.start, a.lang, zone))}</option>`).join("")}</select> <button>${escapeHtml(t.move)}</button>` : `<p>${escapeHtml(t.noSlots)}</p>`}</form>`;
  return c.html(managePage(a.lang, body), 200, headers);
});

manageAppointments.post("/:site/:id", async (c) => {
  const site = siteOrNotFound(c.req.param("site"));
  const form = await formOf(c, manageToken);
  const appointment = unwrap(await siteStub(c.env, site).cancelAppointment(c.req.param("id"), form.token));
  return answer(c, appointment);
});

manageAppointments.post("/:site/:id/move", async (c) => {
  const site = siteOrNotFound(c.req.param("site"));
  const form = await formOf(c, moveBody);
  const appointment = unwrap(await siteStub(c.env, site).moveAppointment(c.req.param("id"), form.token, form.start));
  return answer(c, appointment);
});

/** JSON for a script, the booking's page again for a person with a browser form. */
function answer(c: Context<{ Bindings: Env }>, appointment: Appointment): Response {
  if (c.req.header("Content-Type")?.includes("application/json")) return c.json({ appointment });
  const t = APPOINTMENT_TEXTS[appointment.lang];
  const when = whenText(appointment.start, appointment.lang, knownZone(appointment.timezone, "UTC"));
  const text = appointment.status === "cancelled" ? t.pageCancelledWhen(when) : t.pageWhen(when);
  return c.html(managePage(appointment.lang, `<p>${escapeHtml(text)}</p>`), 200, {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "Cache-Control": "no-store",
  });
}

async function formOf<T extends z.ZodType>(c: Context<{ Bindings: Env }>, schema: T): Promise<z.infer<T>> {
  if (c.req.header("Content-Type")?.includes("application/json")) return readJson(c, schema);
  const parsed = schema.safeParse(Object.fromEntries(await c.req.formData()));
  if (!parsed.success) throw new ApiError(400, "invalid_body", describeIssues(parsed.error));
  return parsed.data;
}

function managePage(lang: "en" | "ru", body: string): string {
  const title = escapeHtml(APPOINTMENT_TEXTS[lang].pageTitle);
  return `<!doctype html><html lang="${lang}"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}button,select{font:inherit;padding:.4rem .8rem}form{margin:1rem 0}</style>
<h1>${title}</h1>${body}`;
}

adminAppointments.post("/appointments/:id/cancel", async (c) => {
  const appointment = unwrap(await siteOf(c).cancelAppointmentAsOperator(c.var.operator, c.req.param("id")));
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
