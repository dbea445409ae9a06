/**
 * Booked consultations: the shop's consultation hours and slot length, the free slots a
 * visitor may pick, booking (one booking per slot, enforced by a unique index, so two
 * visitors clicking the same slot at once get one booking and one `slot_taken`), a
 * confirmation email in the visitor's language with an `.ics` invitation, a join link back
 * to the page they booked from and a manage link (cancel or move; a random token stored
 * hashed, forged ones refused), a reminder before the slot and, after it, whether a call
 * took place in its window (attended / no-show) — each step told in the conversation's
 * thread as a system message with `meta.appointment`, where reports read it. A cancel or a
 * move withdraws the booking's emails still waiting for the email provider, so none of them
 * reaches the visitor after the news.
 */
import { z } from "zod";
import { base64Text } from "../../email";
import { failure, fieldFailure, type Failure } from "../../lib/errors";
import { randomToken, sha256Hex } from "../../lib/crypto";
import { conversationStub } from "../../lib/jurisdiction";
import { email as emailSchema, issueFields } from "../../protocol";
import type { AppointmentEvent, EmailKind, ProductContext } from "../../protocol";
import { productContext } from "../../protocol/frames";
import * as audit from "../audit";
import { defer, type SiteHost } from "../host";
import { senderOf } from "../mail/outbox";
import { readSetting, siteSettingsOf, writeSetting } from "../settings";
import { invitationIcs } from "./ics";
import { appointmentSettings, bookableSlots, type AppointmentSettings, type Slot } from "./slots";
import { APPOINTMENT_TEXTS, knownZone, type Lang, whenText } from "./texts";

export { slotLabel, APPOINTMENT_TEXTS, knownZone } from "./texts";

/** Timer kind of a booking's reminder (keyed by appointment id). */
export const APPOINTMENT_REMINDER_TIMER = "appointment-reminder";
/** Timer kind of a booking's check after its slot: attended or no-show (keyed by appointment id). */
export const APPOINTMENT_OUTCOME_TIMER = "appointment-outcome";
/** The reminder goes this long before the slot. */
export const REMINDER_BEFORE_MS = 60 * 60_000;
/** A call answered this long before the slot, or during it, counts as attending it. */
export const ATTEND_EARLY_MS = 15 * 60_000;
/** The outcome is decided this long after the slot ends (a call may run over). */
export const OUTCOME_AFTER_MS = 10 * 60_000;

const pageUrl = z
  .url("page is not a valid URL")
  .max(2000)
  .refine((u) => /^https?:\/\//.test(u), "page is an http or https URL");

export const bookingBody = z.strictObject({
  start: z.number().int("start is an epoch-ms slot start"),
  email: emailSchema,
  name: z.string().trim().max(120).optional(),
  /** The visitor's language for the emails. */
  lang: z.enum(["en", "ru"], "lang is en or ru").optional(),
  /** The visitor's IANA zone, for the times in the emails. */
  timezone: z.string().max(64).optional(),
  /** The page the visitor booked from: the join link opens it with the chat ready. */
  page: pageUrl.optional(),
  product: productContext.optional(),
});
export type BookingBody = z.infer<typeof bookingBody>;

export const moveBody = z.strictObject({ token: z.string().min(1).max(100), start: z.coerce.number().int() });

export interface Appointment {
  id: string;
  start: number;
  end: number;
  status: "booked" | "cancelled";
  email: string;
  name: string | null;
  conversationId: string | null;
  lang: Lang;
  /** The zone the visitor's emails are written in. */
  timezone: string | null;
  page: string | null;
  product: ProductContext | null;
  /** After the slot: a call took place in it, or not. */
  outcome: "attended" | "no_show" | null;
}

type Row = {
  id: string;
  starts_at: number;
  ends_at: number;
  status: Appointment["status"];
  email: string;
  name: string | null;
  conversation_id: string | null;
  lang: string | null;
  zone: string | null;
  page_url: string | null;
  product: string | null;
  outcome: Appointment["outcome"];
  sequence: number;
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

/** Checks `start` is a free-to-book slot now: refused when bookings are off, past, or no slot starts then. */
function slotAt(sql: SqlStorage, start: number, now: number): Slot | Failure {
  const settings = readAppointmentSettings(sql);
  if (!settings?.enabled) return failure(403, "appointments_disabled", "this shop does not take bookings");
  if (start <= now) return fieldFailure(400, "slot_past", "start", "this slot has already started");
  const slot = bookableSlots(settings, now).find((s) => s.start === start);
  return slot ?? fieldFailure(400, "not_a_slot", "start", "no slot starts then; pick one from the free slots");
}

const TAKEN = () => fieldFailure(409, "slot_taken", "start", "someone has just booked this slot; pick another");

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
  const slot = slotAt(host.sql, body.start, now);
  if ("error" in slot) return slot;
  const id = crypto.randomUUID();
  const manageToken = randomToken();
  try {
    host.sql.exec(
      `INSERT INTO appointments (id, starts_at, ends_at, status, visitor_id, conversation_id, email, name, manage_hash, created_at,
         lang, zone, page_url, product)
       VALUES (?, ?, ?, 'booked', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      slot.start,
      slot.end,
      who.visitorId,
      who.conversationId,
      body.email,
      body.name || null,
      await sha256Hex(manageToken),
      now,
      body.lang ?? "en",
      body.timezone && knownZone(body.timezone, "") ? body.timezone : null,
      body.page ?? null,
      body.product ? JSON.stringify(body.product) : null,
    );
  } catch (err) {
    if (String(err).includes("UNIQUE")) return TAKEN();
    throw err;
  }
  await arm(host, id, slot, now);
  const appointment = byId(host.sql, id)!;
  // The thread hears of the booking before the email goes: a provider can take seconds, and
  // a cancel landing meanwhile must not read "cancelled" above "booked".
  note(host, appointment, "booked");
  await mail(host, appointment, "appointment-confirmation", manageToken);
  return { appointment, manageToken };
}

/** Moves a booking to another free slot with its manage link's token. */
export async function move(
  host: SiteHost,
  id: string,
  token: string,
  start: number,
  now = Date.now(),
): Promise<Appointment | Failure> {
  const row = await owned(host.sql, id, token);
  if ("error" in row) return row;
  if (row.status !== "booked") return failure(409, "cancelled", "this booking was cancelled; book a new one");
  const slot = slotAt(host.sql, start, now);
  if ("error" in slot) return slot;
  try {
    host.sql.exec(
      "UPDATE appointments SET starts_at = ?, ends_at = ?, sequence = sequence + 1, outcome = NULL WHERE id = ?",
      slot.start,
      slot.end,
      id,
    );
  } catch (err) {
    if (String(err).includes("UNIQUE")) return TAKEN();
    throw err;
  }
  await arm(host, id, slot, now);
  const appointment = byId(host.sql, id)!;
  note(host, appointment, "moved");
  await mail(host, appointment, "appointment-moved", token);
  return appointment;
}

/** Cancels a booking with its manage link's token; the slot is free again. A wrong token changes nothing. */
export async function cancel(
  host: SiteHost,
  id: string,
  token: string,
  now = Date.now(),
): Promise<Appointment | Failure> {
  const row = await owned(host.sql, id, token);
  if ("error" in row) return row;
  if (row.status === "booked") await cancelBooked(host, id, now);
  return byId(host.sql, id)!;
}

/** An operator cancels a booking from the admin; the visitor gets the cancellation email. */
export async function cancelByOperator(host: SiteHost, actor: audit.Actor, id: string): Promise<Appointment | Failure> {
  const row = host.sql.exec<{ status: string }>("SELECT status FROM appointments WHERE id = ?", id).toArray()[0];
  if (!row) return failure(404, "not_found", "no such booking");
  if (row.status === "booked") {
    audit.record(host.sql, actor, "appointments.cancel", id, {});
    await cancelBooked(host, id, Date.now());
  }
  return byId(host.sql, id)!;
}

/** Cancels a booking that is booked: the slot is free, its timers stop, the thread and the visitor hear of it. */
async function cancelBooked(host: SiteHost, id: string, now: number): Promise<void> {
  host.sql.exec(
    "UPDATE appointments SET status = 'cancelled', cancelled_at = ?, sequence = sequence + 1 WHERE id = ?",
    now,
    id,
  );
  await host.timers.cancel(APPOINTMENT_REMINDER_TIMER, id);
  await host.timers.cancel(APPOINTMENT_OUTCOME_TIMER, id);
  const appointment = byId(host.sql, id)!;
  note(host, appointment, "cancelled");
  await mail(host, appointment, "appointment-cancelled", null);
}

/** The booking a manage link names, for its page; a wrong token is refused like a missing booking. */
export async function forLink(sql: SqlStorage, id: string, token: string): Promise<Appointment | Failure> {
  const row = await owned(sql, id, token);
  return "error" in row ? row : byId(sql, id)!;
}

/** Whether the visitor's booked slot is now (or starts within the early-join margin). */
export function hasAppointmentNow(sql: SqlStorage, visitorId: string, now = Date.now()): boolean {
  return (
    sql
      .exec(
        "SELECT 1 FROM appointments WHERE visitor_id = ? AND status = 'booked' AND starts_at <= ? AND ends_at > ? LIMIT 1",
        visitorId,
        now + ATTEND_EARLY_MS,
        now,
      )
      .toArray().length > 0
  );
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

/** After the slot: attended when a call was answered in its conversation during the slot (or just before). */
export async function decideOutcome(host: SiteHost, job: { id: string }): Promise<void> {
  const a = byId(host.sql, job.id);
  if (a?.status !== "booked" || a.outcome) return;
  const stub = a.conversationId ? conversationStub(host.env, a.conversationId) : null;
  const key = host.siteKey();
  const calls = stub && key ? await stub.answeredCallsBetween(key, a.start - ATTEND_EARLY_MS, a.end) : 0;
  const outcome = calls > 0 ? "attended" : "no_show";
  // A cancel or a move may have landed while the conversation was asked: the outcome is kept
  // only for the booking still booked in the slot whose calls were counted.
  const decided = host.sql.exec(
    "UPDATE appointments SET outcome = ? WHERE id = ? AND outcome IS NULL AND status = 'booked' AND starts_at = ?",
    outcome,
    a.id,
    a.start,
  ).rowsWritten;
  if (decided) note(host, { ...a, outcome }, outcome);
}

/** Reminder and outcome timers for bookings that came without them (an archive's import); past ones get none. */
export async function armBookings(host: SiteHost, ids: string[], now = Date.now()): Promise<void> {
  for (const id of ids) {
    const a = byId(host.sql, id);
    if (a?.status === "booked" && !a.outcome && a.end + OUTCOME_AFTER_MS > now) await arm(host, id, a, now);
  }
}

/** Reminder before and outcome check after the slot, (re)set for a booking's slot. */
async function arm(host: SiteHost, id: string, slot: Slot, now: number): Promise<void> {
  if (slot.start - REMINDER_BEFORE_MS > now)
    await host.timers.set(APPOINTMENT_REMINDER_TIMER, slot.start - REMINDER_BEFORE_MS, { id }, id);
  else await host.timers.cancel(APPOINTMENT_REMINDER_TIMER, id);
  await host.timers.set(APPOINTMENT_OUTCOME_TIMER, slot.end + OUTCOME_AFTER_MS, { id }, id);
}

/** Tells the booking's conversation (a system message with `meta.appointment`), off the caller's path. */
function note(host: SiteHost, a: Appointment, event: AppointmentEvent["event"]): void {
  const stub = a.conversationId ? conversationStub(host.env, a.conversationId) : null;
  const key = host.siteKey();
  if (!stub || !key) return;
  const zone = readAppointmentSettings(host.sql)?.hours.timezone ?? "UTC";
  const record: AppointmentEvent = {
    id: a.id,
    event,
    start: a.start,
    end: a.end,
    ...(a.product ? { product: a.product } : {}),
  };
  defer(host, "appointment note", stub.noteAppointment(key, record, noteText(record, zone)));
}

/** The event in words for the operators' thread (the site's zone). */
function noteText(e: AppointmentEvent, zone: string): string {
  const when = whenText(e.start, "en", zone);
  const about = e.product ? ` — about ${e.product.name}` : "";
  if (e.event === "booked") return `Video consultation booked for ${when}${about}`;
  if (e.event === "moved") return `Video consultation moved to ${when}${about}`;
  if (e.event === "cancelled") return `Video consultation on ${when} cancelled`;
  if (e.event === "attended") return `Video consultation on ${when} took place`;
  return `Video consultation on ${when}: the visitor did not come (no call in the slot)`;
}

type MailKind = Extract<EmailKind, `appointment-${string}`>;

/** What the mailer knows a booking's emails by, to withdraw them. */
const mailAbout = (id: string) => `appointment:${id}`;

async function mail(host: SiteHost, a: Appointment, kind: MailKind, manageToken: string | null): Promise<void> {
  if (kind === "appointment-moved" || kind === "appointment-cancelled") {
    // An earlier email still waiting for the provider (a confirmation, a reminder, an earlier
    // move) names a time that no longer holds: sent after this one, it would bring the visitor
    // to the old time or to a cancelled booking. This email carries the booking as it is now.
    const news = kind === "appointment-moved" ? "moved" : "cancelled";
    await host.mailer.withdraw(mailAbout(a.id), `the booking was ${news} before this email went out`);
  }
  const settings = readAppointmentSettings(host.sql);
  const shop = siteSettingsOf(host.sql)?.name ?? (a.lang === "ru" ? "магазин" : "the shop");
  const t = APPOINTMENT_TEXTS[a.lang];
  const zone = a.timezone ?? settings?.hours.timezone ?? "UTC";
  const when = whenText(a.start, a.lang, zone);
  const base = host.env.PUBLIC_URL ?? "";
  const manage = manageToken ? `${base}/api/v1/appointments/${host.siteKey()}/${a.id}?token=${manageToken}` : null;
  const join = a.page ? joinLink(a.page) : null;
  const subject = {
    "appointment-confirmation": t.bookedSubject(shop, when),
    "appointment-moved": t.movedSubject(shop, when),
    "appointment-reminder": t.reminderSubject(shop, when),
    "appointment-cancelled": t.cancelledSubject(shop),
  }[kind];
  const lead = {
    "appointment-confirmation": t.booked(shop, when),
    "appointment-moved": t.moved(shop, when),
    "appointment-reminder": t.reminder(shop, when),
    "appointment-cancelled": t.cancelled(shop, when),
  }[kind];
  const cancelled = kind === "appointment-cancelled";
  const text = [
    lead,
    ...(cancelled ? [] : [join ? t.join(join) : t.joinChat]),
    ...(manage ? ["", t.manage(manage)] : []),
    ...(kind === "appointment-reminder" ? [] : ["", t.invite]),
  ].join("\n");
  const row = host.sql.exec<{ sequence: number }>("SELECT sequence FROM appointments WHERE id = ?", a.id).one();
  const from = senderOf(host.env, shop);
  // The reminder adds nothing to the calendar; every other email carries the event's new state.
  const ics =
    kind === "appointment-reminder"
      ? null
      : invitationIcs({
          id: a.id,
          domain: from.address.split("@")[1] ?? "edgechat.localhost",
          start: a.start,
          end: a.end,
          sequence: row.sequence,
          summary: t.summary(shop),
          description: [lead, ...(join ? [t.join(join)] : [])].join("\n"),
          url: join ?? undefined,
          organizer: { name: shop, email: from.address },
          attendee: { name: a.name, email: a.email },
          cancelled,
        });
  await host.mailer.send({
    kind,
    to: a.email,
    ...(a.name ? { toName: a.name } : {}),
    subject,
    text,
    ...(a.conversationId ? { conversationId: a.conversationId } : {}),
    ...(ics
      ? {
          attachments: [
            {
              filename: "consultation.ics",
              contentType: `text/calendar; charset=utf-8; method=${cancelled ? "CANCEL" : "REQUEST"}`,
              content: base64Text(ics),
            },
          ],
        }
      : {}),
    ...(manageToken ? { secrets: [manageToken] } : {}),
    about: mailAbout(a.id),
  });
}

/** The page the visitor booked from, with `edgechat=video`: the widget opens there ready for the call. */
export function joinLink(page: string): string {
  const url = new URL(page);
  url.hash = "";
  url.searchParams.set("edgechat", "video");
  return url.href;
}

async function owned(sql: SqlStorage, id: string, token: string): Promise<Row | Failure> {
  const row = sql.exec<Row & { manage_hash: string }>("SELECT * FROM appointments WHERE id = ?", id).toArray()[0];
  if (!row || row.manage_hash !== (await sha256Hex(token)))
    return failure(403, "invalid_link", "this link is not valid for any booking");
  return row;
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
    lang: r.lang === "ru" ? "ru" : "en",
    timezone: r.zone,
    page: r.page_url,
    product: r.product ? (JSON.parse(r.product) as ProductContext) : null,
    outcome: r.outcome,
  };
}
