/**
 * Settings as the admin app edits them and the widget receives them: a site's settings
 * (name, origins, time zone, language, look), its email settings, and the widget's config.
 */
import { z } from "zod";
import { FILE_LIMITS } from "./limits";

/** True when `tz` is an IANA time zone name this runtime knows. */
export function isTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * An allowed origin: `https://shop.example`, `https://shop.example:8443`, or with any port,
 * `http://localhost:*` (for development).
 */
export const originPattern = z
  .string()
  .trim()
  .regex(
    /^https?:\/\/(\[[0-9a-f:]+\]|[a-z0-9.-]+)(:(\d{1,5}|\*))?$/i,
    "an origin is scheme://host[:port] with no path, e.g. https://shop.example or http://localhost:*",
  )
  .transform((s) => s.toLowerCase());

/** The look's texts in one language. */
const lookTexts = z.object({
  greeting: z.string().trim().max(500).default(""),
  teamName: z.string().trim().max(80).default(""),
});

export const look = z.object({
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, "color is #RRGGBB")
    .default("#2563eb"),
  position: z.enum(["right", "left"]).default("right"),
  launcherText: z.string().trim().max(40).default(""),
  greeting: z.string().trim().max(500).default(""),
  teamName: z.string().trim().max(80).default(""),
  avatarUrl: z.union([z.url({ protocol: /^https?$/ }), z.literal("")]).default(""),
  /** The greeting and team name per widget language; empty falls back to the two above. */
  texts: z.object({ en: lookTexts.optional(), ru: lookTexts.optional() }).optional(),
});

/** How much a conversation may hold: per file and in all, in megabytes (10^6 bytes). */
export const fileSettings = z.object({
  maxFileMB: z
    .number()
    .int()
    .min(1, `between 1 and ${FILE_LIMITS.maxFileMB} MB`)
    .max(FILE_LIMITS.maxFileMB, `between 1 and ${FILE_LIMITS.maxFileMB} MB`)
    .default(FILE_LIMITS.defaultFileMB),
  maxConversationMB: z
    .number()
    .int()
    .min(1, `between 1 and ${FILE_LIMITS.maxConversationMB} MB`)
    .max(FILE_LIMITS.maxConversationMB, `between 1 and ${FILE_LIMITS.maxConversationMB} MB`)
    .default(FILE_LIMITS.defaultConversationMB),
});
export type FileSettings = z.infer<typeof fileSettings>;

/** Video calls from the widget and the admin (off until the shop turns them on). */
export const videoSettings = z.object({
  enabled: z.boolean().default(false),
});
export type VideoSettings = z.infer<typeof videoSettings>;

/**
 * How visitors rate a resolved conversation: five steps, or thumbs up / down (stored as 5
 * and 1, so figures stay one 1–5 scale).
 */
export const ratingSettings = z.object({
  scale: z.enum(["five", "thumbs"]).default("five"),
});
export type RatingSettings = z.infer<typeof ratingSettings>;

export const siteSettings = z.object({
  name: z.string().trim().min(1, "name is required").max(120),
  allowedOrigins: z.array(originPattern).max(50, "at most 50 allowed origins"),
  timezone: z.string().refine(isTimezone, "unknown timezone"),
  locale: z.enum(["en", "ru"]).default("en"),
  look: look.default(look.parse({})),
  files: fileSettings.default(fileSettings.parse({})),
  video: videoSettings.default(videoSettings.parse({})),
  rating: ratingSettings.default(ratingSettings.parse({})),
});
export type SiteSettings = z.infer<typeof siteSettings>;

/** What the widget needs to draw itself: never secrets. */
export interface WidgetConfig {
  siteName: string;
  locale: "en" | "ru";
  /** The look with the greeting and team name already in the widget's language. */
  look: Omit<SiteSettings["look"], "texts">;
  operatorsOnline: boolean;
  emailKnown: boolean;
  /** Video calls are on for the site (the widget shows its call button when operators are online). */
  video: boolean;
  /** Something to show beside the launcher (the widget loads widget/engage for it). */
  engage?: EngageOffer;
  /** The shop takes bookings of video consultations (the widget offers its slot picker). */
  appointments?: boolean;
  /** This visitor has a booked consultation now (the call button shows even with nobody online yet). */
  appointmentNow?: boolean;
  /** How the widget asks for a rating once an operator resolved the conversation. */
  rating: RatingSettings["scale"];
}

/**
 * A proactive message an operator wrote to this visitor (already in their conversation), or
 * a greeting rule that matched this page view (`delay` seconds on the page first; the widget
 * keeps which it showed and which were dismissed, so `period` hours pass between two showings).
 */
export type EngageOffer =
  | { kind: "message"; id: string; text: string; name: string }
  | { kind: "greeting"; id: string; text: string; name: string; delay: number; period: number };

export const emailSettings = z.object({
  /** Minutes an operator's answer may stay unseen in the widget before it is emailed (0: at once). */
  followupDelayMinutes: z
    .number()
    .int()
    .min(0, "between 0 and 1440 minutes")
    .max(1440, "between 0 and 1440 minutes")
    .default(2),
  /** Email operators when a conversation starts and none of them is online. */
  notifyOperators: z.boolean().default(true),
});
export type EmailSettings = z.infer<typeof emailSettings>;

/** What a visitor would get at an instant: the body of `POST /api/v1/admin/autoreply/preview`. */
export interface Preview {
  period: string;
  /** The rule's name, or null. */
  rule: string | null;
  text: string | null;
  /** ISO instant, or null for a never-open schedule. */
  nextOpening: string | null;
}
