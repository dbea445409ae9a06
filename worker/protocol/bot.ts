/**
 * The bot's part of the contract: knowledge-base entries, the bot's settings, scenario
 * steps, lead cards and the visitor's `bot` frame. Scenario rules that need the whole list
 * (targets, cycles, reachability) are checked in worker/bot/scenario.ts.
 */
import { z } from "zod";
import { stepId } from "./frames";

export const BOT_LANGS = ["ru", "en"] as const;
export const MAX_KB_ENTRIES = 2000;

const line = (max: number) => z.string().trim().min(1, "is empty").max(max, `is longer than ${max} characters`);

/** A knowledge-base entry as the admin sends it. */
export const kbEntryInput = z.strictObject({
  questions: z.array(line(300)).min(1, "give at least one question").max(30, "at most 30 question variants"),
  answer: line(4000),
  tags: z.array(line(40)).max(20, "at most 20 tags").default([]),
  lang: z.enum(BOT_LANGS, "lang is ru or en"),
});
/** Plain interfaces rather than z.infer: they cross RPC, where deep inferred types make the stubs' types too deep for tsc. */
export interface KbEntryInput {
  questions: string[];
  answer: string;
  tags: string[];
  lang: (typeof BOT_LANGS)[number];
}
export interface KbEntry extends KbEntryInput {
  id: string;
  updatedAt: number;
}

/** A JSON import: the whole base, replacing what is there. */
export const kbImport = z.strictObject({
  entries: z.array(kbEntryInput.extend({ id: z.string().max(64).optional() })).max(MAX_KB_ENTRIES),
});

export const tryQuery = z.strictObject({ question: line(1000) });

/** A language-dependent text: one string for all, or one per language. */
export const localText = z.union([line(2000), z.strictObject({ en: line(2000), ru: line(2000).optional() })]);
export type LocalText = string | { en: string; ru?: string | undefined };

export const scenarioButton = z.strictObject({
  label: localText,
  /** goto: another step; department: route there and hand off; handoff: to a person now. */
  action: z.enum(["goto", "department", "handoff"]),
  target: stepId.optional(),
  department: z.string().max(64).optional(),
});

/** Every step type; the parser accepts any `type` so the validator can name an unknown one. */
export const STEP_TYPES = ["message", "buttons", "field", "handoff", "booking", "end"] as const;
export const LEAD_FIELDS = ["name", "phone", "email", "text"] as const;
export type LeadField = (typeof LEAD_FIELDS)[number];

export const scenarioStep = z.object({
  id: stepId,
  type: z.string(),
  text: localText.optional(),
  next: stepId.optional(),
  buttons: z.array(scenarioButton).max(8, "at most 8 buttons").optional(),
  field: z.enum(LEAD_FIELDS, "field is name, phone, email or text").optional(),
  /** The lead card's key for a free-text field ("comment"). */
  key: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,30}$/, "key is a-z, 0-9, _")
    .optional(),
  department: z.string().max(64).optional(),
  /** Booking: the length of a slot in minutes. */
  durationMin: z.number().int().min(5).max(240).optional(),
});
export interface ScenarioButton {
  label: LocalText;
  action: "goto" | "department" | "handoff";
  target?: string | undefined;
  department?: string | undefined;
}
export interface ScenarioStep {
  id: string;
  type: string;
  text?: LocalText | undefined;
  next?: string | undefined;
  buttons?: ScenarioButton[] | undefined;
  field?: LeadField | undefined;
  key?: string | undefined;
  department?: string | undefined;
  durationMin?: number | undefined;
}

export const scenario = z.strictObject({
  enabled: z.boolean().default(false),
  start: stepId,
  /** The greeting only on pages like this ("/product/*") and in these schedule periods ("closed"). */
  when: z
    .strictObject({
      urlPattern: z.string().max(300).optional(),
      periods: z.array(z.string().max(40)).max(10).optional(),
    })
    .optional(),
  steps: z.array(scenarioStep).min(1, "give at least one step").max(50, "at most 50 steps"),
});
export interface Scenario {
  enabled: boolean;
  start: string;
  when?: { urlPattern?: string | undefined; periods?: string[] | undefined } | undefined;
  steps: ScenarioStep[];
}

const url = z
  .url("not a valid URL")
  .max(500)
  .refine((u) => /^https?:\/\//.test(u), "use http or https");

export const botSettings = z.strictObject({
  enabled: z.boolean().default(false),
  /** Confidence in [0, 1] a match needs before the bot answers. */
  threshold: z.number().min(0.2).max(1).default(0.5),
  name: z.string().trim().max(60).optional(),
  leads: z
    .strictObject({
      webhookUrl: url.optional(),
      webhookSecret: z.string().min(16, "the secret is at least 16 characters").max(200).optional(),
      email: z.email("not a valid email address").optional(),
      /** departmentId → address that gets its leads. */
      departmentEmails: z.record(z.string().max(64), z.email("not a valid email address")).optional(),
      /** Bitrix24 inbound webhook, e.g. https://shop.bitrix24.ru/rest/1/abc123/ */
      bitrix24Url: url.optional(),
    })
    .default({}),
  /** Off by default: fetch the public Gravatar profile of a lead's email once. */
  gravatar: z
    .strictObject({ enabled: z.boolean().default(false), baseUrl: url.optional() })
    .default({ enabled: false }),
  /** Off by default: answers written by Workers AI from the top entries. */
  llm: z.strictObject({ enabled: z.boolean().default(false) }).default({ enabled: false }),
});
export interface BotSettings {
  enabled: boolean;
  threshold: number;
  name?: string | undefined;
  leads: {
    webhookUrl?: string | undefined;
    webhookSecret?: string | undefined;
    email?: string | undefined;
    departmentEmails?: Record<string, string> | undefined;
    bitrix24Url?: string | undefined;
  };
  gravatar: { enabled: boolean; baseUrl?: string | undefined };
  llm: { enabled: boolean };
}

/** One line of the admin's "try it" box: an entry's best variant with its BM25 score and confidence. */
export interface FaqMatchView {
  id: string;
  question: string;
  answer: string;
  score: number;
  confidence: number;
}

/** A lead card: what the scenario asked, who, and where it goes. */
export interface Lead {
  id: string;
  conversationId: string;
  visitorId: string;
  department: string | null;
  fields: Record<string, string>;
  enrichment?: { name?: string; avatarUrl?: string; links?: string[] } | null;
  status: "open" | "complete";
  createdAt: number;
  completedAt: number | null;
}

export interface LeadDelivery {
  leadId: string;
  target: "webhook" | "email" | "bitrix24";
  status: "pending" | "sending" | "delivered" | "failed";
  attempts: number;
  lastError: string | null;
  at: number;
}
