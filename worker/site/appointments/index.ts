/**
 * Booked consultations: the shop's consultation hours and slot length, the free slots a
 * visitor may pick, booking (one booking per slot, enforced by a unique index, so two
 * visitors clicking the same slot at once get one booking and one `slot_taken`), a
 * confirmation email with a manage link, a reminder before the slot (a timer per booking),
 * and cancelling through that link (a random token, stored hashed, forged ones refused).
 */
import { z } from "zod";
import { failure, fieldFailure, type Failure } from "../../lib/errors";
import { randomToken, sha256Hex } from "../../lib/crypto";
import { email as emailSchema, issueFields } from "../../protocol";
import * as audit from "../audit";
import type { SiteHost } from "../host";
import { readSetting, siteSettingsOf, writeSetting } from "../settings";
import { appointmentSettings, bookableSlots, type AppointmentSettings, type Slot } from "./slots";

/** Timer kind of a booking's reminder (keyed by appointment id). */
export const APPOINTMENT_REMINDER_TIMER = "appointment-reminder";
/** The reminder goes this long before the slot. */
export const REMINDER_BEFORE_MS = 60 * 60_000;

export const bookingBody = z.strictObject({
  start: z.number().int("start is an epoch-ms slot start"),
  email: emailSchema,
  name: z.string().trim().max(120).optional(),
});
export type BookingBody = z.infer<typeof bookingBody>;

export interface Appointment {
  id: string;
  start: number;
  end: number;
  status: "booked" | "cancelled";
  email: string;
  name: string | null;
  conversationId: string | null;
}

type Row = {
  id: string;
  starts_at: number;
  ends_at: number;
  status: Appointment["status"];
  email: string;
  name: string | null;
  conversation_id: string | null;
};

/** The consultation settings in force, or null until the shop saved some. */
export function readAppointmentSettings(sql: SqlStorage): AppointmentSettings | null {
  return readSetting<AppointmentSettings>(sql, "appointments");
}

/** Saves consultation hours and slot length (owner/admin); field errors name the path. */
export function saveAppointmentSettings(
  sql: SqlStorage,
  actor: audit.Actor,
  input: unknown,
): AppointmentSettings | Failure {
  const parsed = appointmentSettings.safeParse(input);
  if (!parsed.success) {
    const fields = issueFields(parsed.error);
    return failure(400, "invalid_settings", Object.values(fields)[0] ?? "invalid settings", { fields });
  }
  writeSetting(sql, "appointments", parsed.data);
  audit.record(sql, actor, "appointments.settings", null, {
    enabled: parsed.data.enabled,
    slotMinutes: parsed.data.slotMinutes,
  });
  return parsed.data;
}

/** Free slots from now on (epoch ms; the widget shows them in the visitor's zone). */
export function freeSlots(sql: SqlStorage, now = Date.now()): { slots: Slot[]; timezone: string } | Failure {
  const settings = readAppointmentSettings(sql);
  if (!settings?.enabled) return failure(403, "appointments_disabled", "this shop does not take bookings");
  const taken = new Set(
    sql
      .exec<{ starts_at: number }>("SELECT starts_at FROM appointments WHERE status = 'booked' AND starts_at >= ?", now)
      .toArray()
      .map((r) => r.starts_at),
  );
  return { slots: bookableSlots(settings, now).filter((s) => !taken.has(s.start)), timezone: settings.hours.timezone };
}

/**
 * Books the slot starting at `body.start` for a visitor. Refused: bookings off, a start that
 * is not a bookable slot (past, too soon, outside the hours), or a slot already taken.
 */
export async function book(
  host: SiteHost,
  who: { visitorId: string; conversationId: string | null },
  body: BookingBody,
  now = Date.now(),
): Promise<{ appointment: Appointment; manageToken: string } | Failure> {
  const settings = readAppointmentSettings(host.sql);
  if (!settings?.enabled) return failure(403, "appointments_disabled", "this shop does not take bookings");
  if (body.start <= now) return fieldFailure(400, "slot_past", "start", "this slot has already started");
  const slot = bookableSlots(settings, now).find((s) => s.start === body.start);
  if (!slot) return fieldFailure(400, "not_a_slot", "start", "no slot starts then; pick one from the free slots");
  const id = crypto.randomUUID();
  const manageToken = randomToken();
  try {
    host.sql.exec(
      `INSERT INTO appointments (id, starts_at, ends_at, status, visitor_id, conversation_id, email, name, manage_hash, created_at)
       VALUES (?, ?, ?, 'booked', ?, ?, ?, ?, ?, ?)`,
      id,
      slot.start,
      slot.end,
      who.visitorId,
      who.conversationId,
      body.email,
      body.name ?? null,
      await sha256Hex(manageToken),
      now,
    );
  } catch (err) {
    if (String(err).includes("UNIQUE"))
      return fieldFailure(409, "slot_taken", "start", "someone has just booked this slot; pick another");
    throw err;
  }
  if (slot.start - REMINDER_BEFORE_MS > now)
    await host.timers.set(APPOINTMENT_REMINDER_TIMER, slot.start - REMINDER_BEFORE_MS, { id }, id);
  const appointment = byId(host.sql, id)!;
  await mail(host, appointment, "appointment-confirmation", manageToken);
  return { appointment, manageToken };
}

/** Cancels a booking with its manage link's token; the slot is free again. A wrong token changes nothing. */
export async function cancel(
  host: SiteHost,
  id: string,
  token: string,
  now = Date.now(),
): Promise<Appointment | Failure> {
  const row = host.sql
    .exec<{ manage_hash: string; status: string }>("SELECT manage_hash, status FROM appointments WHERE id = ?", id)
    .toArray()[0];
  if (!row || row.manage_hash !== (await sha256Hex(token)))
    return failure(403, "invalid_link", "this link is not valid for any booking");
  if (row.status === "booked") {
    host.sql.exec("UPDATE appointments SET status = 'cancelled', cancelled_at = ? WHERE id = ?", now, id);
    await host.timers.cancel(APPOINTMENT_REMINDER_TIMER, id);
  }
  return byId(host.sql, id)!;
}

/** Upcoming bookings for the operators, earliest first. */
export function upcoming(sql: SqlStorage, now = Date.now()): Appointment[] {
  return sql
    .exec<Row>("SELECT * FROM appointments WHERE status = 'booked' AND ends_at > ? ORDER BY starts_at LIMIT 200", now)
    .toArray()
    .map(toAppointment);
}

/** The reminder timer: emails the visitor unless the booking was cancelled. Idempotent enough: one row per booking. */
export async function sendReminder(host: SiteHost, job: { id: string }): Promise<void> {
  const appointment = byId(host.sql, job.id);
  if (appointment?.status === "booked") await mail(host, appointment, "appointment-reminder", null);
}

async function mail(
  host: SiteHost,
  a: Appointment,
  kind: "appointment-confirmation" | "appointment-reminder",
  manageToken: string | null,
): Promise<void> {
  const settings = readAppointmentSettings(host.sql)!;
  const shop = siteSettingsOf(host.sql)?.name ?? "the shop";
  const zone = settings.hours.timezone;
  const when = `${new Intl.DateTimeFormat("en", { dateStyle: "full", timeStyle: "short", timeZone: zone }).format(a.start)} (${zone})`;
  const base = host.env.PUBLIC_URL ?? "";
  const link = manageToken ? `${base}/api/v1/appointments/${host.siteKey()}/${a.id}?token=${manageToken}` : null;
  const subject =
    kind === "appointment-reminder"
      ? `Reminder: your video consultation with ${shop}, ${when}`
      : `Booked: video consultation with ${shop}, ${when}`;
  const text = [
    kind === "appointment-reminder"
      ? `Your video consultation with ${shop} starts at ${when}.`
      : `Your video consultation with ${shop} is booked for ${when}.`,
    'Open the shop\'s chat at that time and choose "Video call".',
    ...(link ? ["", `To cancel: ${link}`] : []),
  ].join("\n");
  await host.mailer.send({
    kind,
    to: a.email,
    ...(a.name ? { toName: a.name } : {}),
    subject,
    text,
    ...(manageToken ? { secrets: [manageToken] } : {}),
  });
}

function byId(sql: SqlStorage, id: string): Appointment | null {
  const row = sql.exec<Row>("SELECT * FROM appointments WHERE id = ?", id).toArray()[0];
  return row ? toAppointment(row) : null;
}

function toAppointment(r: Row): Appointment {
  return {
    id: r.id,
    start: r.starts_at,
    end: r.ends_at,
    status: r.status,
    email: r.email,
    name: r.name,
    conversationId: r.conversation_id,
  };
}
