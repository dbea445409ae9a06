/**
 * Operators' notifications away from the admin tab: a device's Web Push subscription, quiet
 * hours, the Telegram bot, and the payload a push carries to the admin's service worker.
 */
import { z } from "zod";

const B64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/** Bytes of a base64url text, or null (no library here: the admin bundle may import types only). */
function base64UrlBytes(text: string): number[] | null {
  if (!B64URL.test(text)) return null;
  try {
    const bin = atob(text.replace(/=+$/, "").replace(/-/g, "+").replace(/_/g, "/"));
    return Array.from(bin, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

/** A device's PushSubscription as `PushSubscription.toJSON()` gives it (RFC 8291 keys). */
export const pushSubscriptionBody = z.object({
  endpoint: z.url("endpoint must be the push service's URL").max(2048, "endpoint is longer than 2048 characters"),
  expirationTime: z.number().nullable().optional(),
  keys: z.object({
    p256dh: z
      .string()
      .max(200)
      .refine((k) => {
        const bytes = base64UrlBytes(k);
        return bytes?.length === 65 && bytes[0] === 4;
      }, "p256dh must be an uncompressed P-256 public key (65 bytes, base64url)"),
    auth: z
      .string()
      .max(100)
      .refine((k) => base64UrlBytes(k)?.length === 16, "auth must be a 16-byte secret (base64url)"),
  }),
});
export type PushSubscriptionBody = z.infer<typeof pushSubscriptionBody>;

export const pushUnsubscribeBody = z.object({ endpoint: z.string().max(2048) });

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "use HH:MM, 00:00 to 23:59");

/** When an operator wants no notification: every day from `start` to `end` in `timezone`. */
export const quietHours = z.object({
  start: clock,
  end: clock,
  timezone: z
    .string()
    .max(64)
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat("en", { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, "not an IANA time zone such as Europe/Berlin"),
});
export type QuietHours = z.infer<typeof quietHours>;

const alertEventsPatch = z
  .object({
    newConversation: z.boolean(),
    myMessages: z.boolean(),
    departmentMessages: z.boolean(),
    assigned: z.boolean(),
    calls: z.boolean(),
  })
  .partial()
  .strict();

/** A change of an operator's notification settings: only the fields sent change. */
export const notificationPrefsBody = z
  .object({
    quietHours: quietHours.nullable().optional(),
    alerts: z
      .object({ sound: z.boolean(), desktop: z.boolean(), events: alertEventsPatch })
      .partial()
      .strict()
      .optional(),
  })
  .strict();
export type NotificationPrefsBody = z.infer<typeof notificationPrefsBody>;

/** The token BotFather gives: the bot's id, a colon, 35 characters. */
export const telegramBotBody = z.object({
  token: z
    .string()
    .trim()
    .regex(/^\d{3,20}:[A-Za-z0-9_-]{30,64}$/, "a bot token looks like 123456789:AAE… (from @BotFather)"),
});
