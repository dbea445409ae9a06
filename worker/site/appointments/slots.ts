/**
 * Consultation slots from consultation hours: the auto-replies' schedule model (weekly
 * intervals in the site's zone, exceptions, DST-correct via worker/autoreply), cut into
 * slots of a fixed length. Pure: no storage, so the maths is tested on its own.
 */
import { z } from "zod";
import { schedule, type Schedule } from "../../autoreply/schema";
import { spansOn } from "../../autoreply/schedule";
import { wallClock } from "../../autoreply/zone";

/** How far ahead visitors may book, and how soon (a slot starting sooner is not offered). */
export const BOOKING_WINDOW = { days: 28, leadMinutes: 30 } as const;

export const appointmentSettings = z.strictObject({
  enabled: z.boolean().default(false),
  hours: schedule,
  slotMinutes: z
    .number()
    .int()
    .min(10, "between 10 and 240 minutes")
    .max(240, "between 10 and 240 minutes")
    .default(30),
});
export type AppointmentSettings = z.infer<typeof appointmentSettings>;

export interface Slot {
  start: number;
  end: number;
}

/** Every slot of the hours between `from` and `until` (epoch ms), earliest first. */
export function slotsBetween(hours: Schedule, slotMinutes: number, from: number, until: number): Slot[] {
  const length = slotMinutes * 60_000;
  const first = wallClock(hours.timezone, from).day - 1; // yesterday's overnight hours reach into today
  const last = wallClock(hours.timezone, until).day;
  const slots: Slot[] = [];
  for (let day = first; day <= last; day++) {
    for (const span of spansOn(hours, day)) {
      for (let start = span.start; start + length <= span.end; start += length) {
        if (start >= from && start < until) slots.push({ start, end: start + length });
      }
    }
  }
  return slots.sort((a, b) => a.start - b.start);
}

/** The slots a visitor may book at `now` (before taking out the booked ones). */
export function bookableSlots(settings: AppointmentSettings, now: number): Slot[] {
  const from = now + BOOKING_WINDOW.leadMinutes * 60_000;
  return slotsBetween(settings.hours, settings.slotMinutes, from, now + BOOKING_WINDOW.days * 86_400_000);
}
