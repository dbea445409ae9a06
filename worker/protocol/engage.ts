/**
 * Engaging visitors: who is on the site now, proactive messages, greeting rules, blocked
 * visitors. The zod schemas of their bodies and the shapes the admin receives.
 */
import { z } from "zod";
import { messageText } from "./frames";

/** Page patterns of a greeting: `*` matches anything, e.g. `/products/*` or `https://shop.example/cart`. */
const pagePattern = z
  .string()
  .trim()
  .min(1, "a page pattern is a path like /products/* or a full address")
  .max(300, "a page pattern is at most 300 characters");

/** A greeting rule: when it matches a page view, the widget shows its text beside the launcher. */
export const greetingRule = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/, "id is 1-40 lower-case letters, digits or -"),
  enabled: z.boolean().default(true),
  /** Texts per language; the widget's language picks one, else the first given. */
  text: z
    .object({
      en: z.string().trim().max(500, "at most 500 characters").default(""),
      ru: z.string().trim().max(500, "at most 500 characters").default(""),
    })
    .refine((t) => t.en || t.ru, { message: "write the greeting in at least one language", path: ["en"] }),
  /** Any page when empty. */
  pages: z.array(pagePattern).max(20, "at most 20 page patterns").default([]),
  /** Seconds on the page before it shows. */
  delaySeconds: z.number().int().min(0, "between 0 and 600 seconds").max(600, "between 0 and 600 seconds").default(10),
  visitors: z.enum(["all", "new", "returning"]).default("all"),
  /** Shown only when the shop reports a cart of at least this total (0: any, with or without a cart). */
  minCart: z.number().finite().min(0, "0 or more").max(1e9, "too large").default(0),
  /** The auto-reply schedule's open hours: any time, only while open, only while closed. */
  schedule: z.enum(["any", "open", "closed"]).default("any"),
  /** Hours before the same visitor may see it again (a dismissal is forever). */
  periodHours: z.number().int().min(1, "between 1 and 8760 hours").max(8760, "between 1 and 8760 hours").default(24),
});
export type GreetingRule = z.infer<typeof greetingRule>;

export const greetingRules = z.object({
  rules: z
    .array(greetingRule)
    .max(20, "at most 20 greeting rules")
    .refine((rules) => new Set(rules.map((r) => r.id)).size === rules.length, "two rules have the same id"),
});

/** `POST /api/v1/admin/online/:visitorId/message`: the operator's first words to a visitor on the site. */
export const proactiveBody = z.object({ text: messageText });

/** `POST /api/v1/admin/conversations/:id/block`: block the visitor of a conversation. */
export const blockBody = z.object({
  hours: z.number().int().min(1, "between 1 hour and 1 year").max(8760, "between 1 hour and 1 year"),
  /** Also block the address the visitor last came from. */
  ip: z.boolean().default(true),
  reason: z.string().trim().max(200, "at most 200 characters").default(""),
});

/** `POST /api/v1/sites/:site/engage`: what the widget did with an offer (for the counters). */
export const engageEventBody = z.object({
  visitorToken: z.string().max(2048),
  id: z.string().min(1).max(64),
  event: z.enum(["shown", "replied", "dismissed"]),
});

/** A visitor on the site now, for the Online now screen. */
export interface OnlineVisitor {
  visitorId: string;
  /** The conversation their widget would continue (may not exist yet). */
  conversationId: string;
  url: string;
  title: string;
  /** When this visit began (after 30 minutes without a page view a visit ends). */
  since: number;
  /** The last page view. */
  seenAt: number;
  returning: boolean;
  pages: number;
  referrer?: string;
  cart?: { total: number; currency: string };
  /** The visitor's browser language. */
  language?: string;
  /** They have a conversation in the inbox. */
  chatted: boolean;
}

/** A block on a visitor id or an address (the address keyed, never shown). */
export interface BlockedEntry {
  id: string;
  kind: "visitor" | "ip";
  visitorId: string;
  until: number;
  reason: string;
  by: string;
  at: number;
}

/** Counters of greetings and proactive messages per rule (or `message` for operators' own). */
export interface EngageCount {
  id: string;
  shown: number;
  replied: number;
  dismissed: number;
}
