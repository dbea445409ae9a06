/**
 * The texts of the emails a conversation sends: the follow-up with an operator's unseen
 * answers, the transcript, and the note to operators when nobody is online. Pure; every
 * piece of user text in the HTML goes through escapeHtml. Times are written with Intl in the
 * reader's zone, with the date spelt out and the zone named ("2 December 2026, 15:04
 * (Asia/Vladivostok, GMT+10)"), so nobody has to guess whose clock or which date order.
 */
import { isValidTimezone } from "../autoreply/zone";
import type { Message } from "../protocol";
import { escapeHtml } from "./mime";

export type Locale = "en" | "ru";

export interface Composed {
  subject: string;
  text: string;
  html: string;
}

const WORDS = {
  en: {
    followupSubject: (site: string) => `New answer from ${site}`,
    transcriptSubject: (site: string) => `Your conversation with ${site}`,
    greeting: (name: string) => (name ? `Hello ${name},` : "Hello,"),
    answered: "We answered your question in the chat:",
    earlier: "Earlier in the conversation:",
    reply: "Just reply to this email, or continue in the chat:",
    open: "Open the chat",
    unsubscribe: "Do not email me about this chat again",
    you: "You",
    byEmail: (from: string) => `${from} by email`,
    transcript: "Here is your conversation:",
    newChat: (site: string) => `New chat on ${site} while nobody is online`,
    visitorWrote: "A visitor wrote:",
    answerIn: "Answer in the admin:",
  },
  ru: {
    followupSubject: (site: string) => `Новый ответ от ${site}`,
    transcriptSubject: (site: string) => `Ваша переписка с ${site}`,
    greeting: (name: string) => (name ? `Здравствуйте, ${name}!` : "Здравствуйте!"),
    answered: "Мы ответили на ваш вопрос в чате:",
    earlier: "Ранее в переписке:",
    reply: "Просто ответьте на это письмо или продолжите в чате:",
    open: "Открыть чат",
    unsubscribe: "Больше не присылать письма об этом чате",
    you: "Вы",
    byEmail: (from: string) => `${from} по почте`,
    transcript: "Ваша переписка:",
    newChat: (site: string) => `Новый чат на ${site}, а операторов нет в сети`,
    visitorWrote: "Посетитель написал:",
    answerIn: "Ответить в админке:",
  },
} as const;

function who(m: Message, locale: Locale, site: string): string {
  if (m.author.kind === "visitor") return WORDS[locale].you;
  if (m.author.kind === "guest") return WORDS[locale].byEmail(m.author.name ?? "");
  return m.author.name || site;
}

/** Day-month-year in words in both languages: "2 December 2026", never "12/02/26". */
const INTL_LOCALE: Record<Locale, string> = { en: "en-GB", ru: "ru-RU" };

/**
 * An instant as the reader reads it: "2 December 2026, 15:04 (Asia/Vladivostok, GMT+10)" /
 * "2 декабря 2026 г., 15:04 (Asia/Vladivostok, GMT+10)". An unknown zone is written in UTC.
 */
export function emailTime(at: number, timezone: string, locale: Locale): string {
  const zone = isValidTimezone(timezone) ? timezone : "UTC";
  const date = new Intl.DateTimeFormat(INTL_LOCALE[locale], {
    timeZone: zone,
    day: "numeric",
    month: "long",
    year: "numeric",
  }).format(at);
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "shortOffset",
  }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const offset = part("timeZoneName");
  const label = /^(UTC|Etc\/UTC|Etc\/GMT)$/.test(zone) ? "UTC" : `${zone.replace(/_/g, " ")}, ${offset}`;
  return `${date}, ${part("hour")}:${part("minute")} (${label})`;
}

function asText(messages: Message[], locale: Locale, site: string, tz: string): string {
  return messages.map((m) => `${who(m, locale, site)} (${emailTime(m.at, tz, locale)}):\n${m.text}`).join("\n\n");
}

function asHtml(messages: Message[], locale: Locale, site: string, tz: string): string {
  return messages
    .map(
      (m) =>
        `<p><b>${escapeHtml(who(m, locale, site))}</b> <small>${escapeHtml(emailTime(m.at, tz, locale))}</small><br>${escapeHtml(m.text).replace(/\n/g, "<br>")}</p>`,
    )
    .join("");
}

function link(url: string, label: string): string {
  return `<p><a href="${escapeHtml(url)}">${escapeHtml(label)}</a></p>`;
}

/** The follow-up: the operator's unseen answers, a little context, and how to go on. */
export function followupEmail(input: {
  site: string;
  locale: Locale;
  timezone: string;
  visitorName?: string | null;
  answers: Message[];
  context: Message[];
  chatUrl?: string | null;
  unsubscribeUrl: string;
}): Composed {
  const w = WORDS[input.locale];
  const { site, locale, timezone: tz } = input;
  const text = [
    w.greeting(input.visitorName ?? ""),
    "",
    w.answered,
    "",
    asText(input.answers, locale, site, tz),
    ...(input.context.length ? ["", `— ${w.earlier}`, "", asText(input.context, locale, site, tz)] : []),
    "",
    w.reply,
    input.chatUrl ?? "",
    "",
    `${w.unsubscribe}: ${input.unsubscribeUrl}`,
  ].join("\n");
  const html = [
    `<p>${escapeHtml(w.greeting(input.visitorName ?? ""))}</p><p>${escapeHtml(w.answered)}</p>`,
    asHtml(input.answers, locale, site, tz),
    input.context.length
      ? `<hr><p><small>${escapeHtml(w.earlier)}</small></p>${asHtml(input.context, locale, site, tz)}`
      : "",
    `<p>${escapeHtml(w.reply)}</p>`,
    input.chatUrl ? link(input.chatUrl, w.open) : "",
    `<p><small><a href="${escapeHtml(input.unsubscribeUrl)}">${escapeHtml(w.unsubscribe)}</a></small></p>`,
  ].join("");
  return { subject: w.followupSubject(site), text, html };
}

/** The whole conversation, for the visitor or sent by an operator. */
export function transcriptEmail(input: {
  site: string;
  locale: Locale;
  timezone: string;
  messages: Message[];
  chatUrl?: string | null;
}): Composed {
  const w = WORDS[input.locale];
  const text = [
    w.transcript,
    "",
    asText(input.messages, input.locale, input.site, input.timezone),
    "",
    input.chatUrl ?? "",
  ].join("\n");
  const html = `<p>${escapeHtml(w.transcript)}</p>${asHtml(input.messages, input.locale, input.site, input.timezone)}${input.chatUrl ? link(input.chatUrl, w.open) : ""}`;
  return { subject: w.transcriptSubject(input.site), text, html };
}

/** To operators: a conversation started while none of them was online. */
export function newChatEmail(input: {
  site: string;
  locale: Locale;
  visitor: string;
  text: string;
  adminUrl: string;
}): Composed {
  const w = WORDS[input.locale];
  return {
    subject: w.newChat(input.site),
    text: `${w.visitorWrote}\n\n${input.visitor}: ${input.text}\n\n${w.answerIn} ${input.adminUrl}`,
    html: `<p>${escapeHtml(w.visitorWrote)}</p><p><b>${escapeHtml(input.visitor)}</b>: ${escapeHtml(input.text)}</p>${link(input.adminUrl, w.answerIn)}`,
  };
}
