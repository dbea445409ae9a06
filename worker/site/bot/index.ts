/**
 * The bot as a Site capability: its settings and scenario (./config.ts), the knowledge base
 * (./knowledge.ts), lead cards (./leads.ts) and their deliveries (./delivery.ts). This file
 * answers what a Conversation asks in one round trip each: an answer to a question, the
 * greeting, a lead field, a finished lead, a handoff.
 */
import {
  activePeriod,
  formatNextOpening,
  nextOpening,
  normalizeLocale,
  scheduleFor,
  type Locale,
} from "../../autoreply";
import type { FaqMatch } from "../../bot/match";
import type { InboxEntry } from "../../protocol";
import type { Lead, Scenario } from "../../protocol/bot";
import { settingsInForce } from "../autoreply";
import { contactOf } from "../contacts";
import { defer, type SiteHost } from "../host";
import { notifyOperatorsOfNewChat } from "../mail/notices";
import { onlineOperators } from "../presence";
import { assignTarget } from "../routing";
import { siteSettingsOf } from "../settings";
import { botName, greetingScenario, readBotSettings, readScenario } from "./config";
import { search } from "./knowledge";
import { completeLead, saveLeadField, type LeadSubject } from "./leads";

export { LEAD_DELIVERY_TIMER, runDelivery, listDeliveries } from "./delivery";
export * as config from "./config";
export * as knowledge from "./knowledge";
export * as leads from "./leads";

/** Whether the bot may speak on this site at all: a Conversation asks once and remembers a while. */
export function botOn(sql: SqlStorage): { faq: boolean; scenario: boolean } {
  return { faq: readBotSettings(sql).enabled, scenario: !!readScenario(sql)?.enabled };
}

/** The answer to a visitor's question when the bot is on and sure enough; null otherwise. */
export function answerFor(sql: SqlStorage, question: string): { match: FaqMatch; name?: string } | null {
  const settings = readBotSettings(sql);
  if (!settings.enabled) return null;
  const top = search(sql, question, 1)[0];
  if (!top || top.confidence < settings.threshold) return null;
  const name = botName(sql);
  return { match: top, ...(name ? { name } : {}) };
}

/** Records "did this help?" for reports. */
export function recordFeedback(
  sql: SqlStorage,
  conversationId: string,
  seq: number,
  entryId: string | null,
  value: string,
): void {
  sql.exec(
    "INSERT OR IGNORE INTO bot_feedback (conversation_id, seq, entry_id, value, at) VALUES (?, ?, ?, ?, ?)",
    conversationId,
    seq,
    entryId,
    value,
    Date.now(),
  );
}

/** Feedback counts per entry, for reports. */
export function feedbackReport(sql: SqlStorage): { entryId: string | null; yes: number; no: number; person: number }[] {
  return sql
    .exec<{ entryId: string | null; yes: number; no: number; person: number }>(
      `SELECT entry_id AS entryId, SUM(value = 'yes') AS yes, SUM(value = 'no') AS no, SUM(value = 'person') AS person
     FROM bot_feedback GROUP BY entry_id ORDER BY COUNT(*) DESC`,
    )
    .toArray();
}

/** The greeting scenario for a visitor now (their last page, the schedule), with the bot's name. */
export function greetingFor(
  sql: SqlStorage,
  visitorId: string,
): { scenario: Scenario; name?: string; locale: string } | null {
  const contact = contactOf(sql, visitorId);
  const page = contact?.trail?.pages?.at(-1)?.url ?? contact?.trail?.landing;
  const scenario = greetingScenario(sql, page);
  if (!scenario) return null;
  const name = botName(sql);
  return { scenario, ...(name ? { name } : {}), locale: contact?.locale ?? siteSettingsOf(sql)?.locale ?? "en" };
}

/** Saves a field of the lead card. */
export function leadField(sql: SqlStorage, who: LeadSubject, key: string, value: string): Lead {
  return saveLeadField(sql, who, key, value);
}

/** The card is complete: deliveries start. */
export async function finishLead(host: SiteHost, who: LeadSubject): Promise<Lead | null> {
  return completeLead(host, who);
}

/** Who is handed off, in which language and zone; the summary for the operators' notice. */
export interface HandoffRequest extends LeadSubject {
  locale: string | null;
  timezone: string | null;
  summary?: InboxEntry;
}

/** What a handoff needs: the department and assignee routing picks, and the honest words on when a person answers. */
export interface Handoff {
  department: string | null;
  assignee: string | null;
  text: string;
}

/**
 * Hands a conversation to people: picks the department's next operator with room (or
 * none: it waits in the queue), tells operators by email when none is online, and words
 * when a person will answer — now, or the auto-reply's next opening in the visitor's zone
 * and language.
 */
export function handoff(host: SiteHost, who: HandoffRequest): Handoff {
  const target = assignTarget(host, { departmentId: who.department });
  const routed = "error" in target ? { assignee: null, department: null } : target;
  const settings = settingsInForce(host.sql);
  const site = siteSettingsOf(host.sql);
  const contact = contactOf(host.sql, who.visitorId);
  const locale = normalizeLocale(who.locale ?? contact?.locale ?? site?.locale);
  const now = new Date();
  let text = HANDOFF_TEXT[locale].soon;
  if (settings && site) {
    const schedule = scheduleFor(settings, routed.department);
    const open = activePeriod(schedule, now).open;
    const next = open ? null : nextOpening(schedule, now);
    const zone = who.timezone ?? contact?.timezone ?? undefined;
    if (!open)
      text = next
        ? HANDOFF_TEXT[locale].at(formatNextOpening(next, now, zone, locale, schedule.timezone))
        : HANDOFF_TEXT[locale].later;
  }
  if (who.summary && onlineOperators(host).size === 0)
    defer(host, "handoff notice", notifyOperatorsOfNewChat(host, who.summary));
  return { ...routed, text };
}

const HANDOFF_TEXT: Record<Locale, { soon: string; at: (when: string) => string; later: string }> = {
  en: {
    soon: "I have passed your question to our team; a person will answer here shortly.",
    at: (when) =>
      `I have passed your question to our team. We are back ${when}; a person will answer you then, here and by email if you leave it.`,
    later: "I have passed your question to our team; a person will answer as soon as we can, by email if you leave it.",
  },
  ru: {
    soon: "Я передал ваш вопрос команде; человек скоро ответит здесь.",
    at: (when) =>
      `Я передал ваш вопрос команде. Мы вернёмся ${when}; тогда вам ответит человек — здесь и по почте, если вы её оставите.`,
    later: "Я передал ваш вопрос команде; человек ответит, как только сможет, — по почте, если вы её оставите.",
  },
};
