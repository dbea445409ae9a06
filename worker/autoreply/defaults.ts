/**
 * Settings a new site starts with: Monday to Friday 09:00–13:00 and 14:00–18:00 (so 13:00
 * is lunch, evenings night, Saturday and Sunday weekend); a working-hours reply after 60 s
 * and an off-hours reply at once, each in Russian and English, with and without the email
 * question, and off-hours texts that promise no time for a schedule that never opens.
 */
import type { Locale } from "./format";
import type { AutoReplySettings, Interval, Variant } from "./schema";
import { isValidTimezone } from "./zone";

/**
 * The zone a site gets before its owner sets one: Moscow for a Russian site, Berlin (CET,
 * the widest European zone) otherwise. Onboarding passes the owner's browser zone instead.
 */
export const DEFAULT_TIMEZONE: Record<Locale, string> = { ru: "Europe/Moscow", en: "Europe/Berlin" };

const workday = (): Interval[] => [
  { from: "09:00", to: "13:00" },
  { from: "14:00", to: "18:00" },
];

// "All our operators are busy" only when someone is signed in; otherwise the truth: nobody
// is at the chat this minute (the widget's header then says "We'll answer as soon as we can").
const BUSY: Variant[] = [
  {
    when: { locale: "ru", emailKnown: false, operatorsOnline: true },
    text: "Спасибо за сообщение, {name}! Все операторы сейчас заняты, скоро кто-нибудь ответит здесь. Оставьте email — ответ придёт и на почту, даже если вы закроете страницу.",
  },
  {
    when: { locale: "ru", emailKnown: true, operatorsOnline: true },
    text: "Спасибо за сообщение, {name}! Все операторы сейчас заняты, скоро кто-нибудь ответит здесь, а копию ответа пришлём вам на почту.",
  },
  {
    when: { locale: "en", emailKnown: false, operatorsOnline: true },
    text: "Thanks for your message, {name}! All our operators are busy right now; one will answer here shortly. Leave your email so the answer reaches you even if you close this page.",
  },
  {
    when: { locale: "en", emailKnown: true, operatorsOnline: true },
    text: "Thanks for your message, {name}! All our operators are busy right now; one will answer here shortly, and we will copy the answer to your email.",
  },
  {
    when: { locale: "ru", emailKnown: false },
    text: "Спасибо за сообщение, {name}! Сейчас за чатом никого нет; ответим здесь, как только кто-нибудь вернётся. Оставьте email — ответ придёт и на почту, даже если вы закроете страницу.",
  },
  {
    when: { locale: "ru", emailKnown: true },
    text: "Спасибо за сообщение, {name}! Сейчас за чатом никого нет; ответим здесь, как только кто-нибудь вернётся, а копию ответа пришлём вам на почту.",
  },
  {
    when: { locale: "en", emailKnown: false },
    text: "Thanks for your message, {name}! Nobody is at the chat this minute; we will answer here as soon as someone is back. Leave your email so the answer reaches you even if you close this page.",
  },
  {
    when: { locale: "en", emailKnown: true },
    text: "Thanks for your message, {name}! Nobody is at the chat this minute; we will answer here as soon as someone is back, and copy the answer to your email.",
  },
];

// Variants with {nextOpening} come first; the ones after them are chosen when the
// schedule never opens (see chooseReply), so no time is promised then.
const AWAY: Variant[] = [
  {
    when: { locale: "ru", emailKnown: false, operatorsOnline: true },
    text: "Спасибо за сообщение, {name}! Рабочее время закончилось, и оператор не успел ответить; он ответит {nextOpening}. Оставьте email — ответ придёт и на почту.",
  },
  {
    when: { locale: "ru", emailKnown: true, operatorsOnline: true },
    text: "Спасибо за сообщение, {name}! Рабочее время закончилось, и оператор не успел ответить; он ответит {nextOpening}, а копию ответа пришлём вам на почту.",
  },
  {
    when: { locale: "en", emailKnown: false, operatorsOnline: true },
    text: "Thanks for your message, {name}! We are outside our hours and nobody could answer yet; an operator will answer {nextOpening}. Leave your email and the answer will reach you by email too.",
  },
  {
    when: { locale: "en", emailKnown: true, operatorsOnline: true },
    text: "Thanks for your message, {name}! We are outside our hours and nobody could answer yet; an operator will answer {nextOpening}, and we will send the answer to your email as well.",
  },
  {
    when: { locale: "ru", emailKnown: false },
    text: "Спасибо за сообщение, {name}! Сейчас мы не на связи; оператор ответит {nextOpening}. Оставьте email — ответ придёт и на почту.",
  },
  {
    when: { locale: "ru", emailKnown: true },
    text: "Спасибо за сообщение, {name}! Сейчас мы не на связи; оператор ответит {nextOpening}, а копию ответа пришлём вам на почту.",
  },
  {
    when: { locale: "en", emailKnown: false },
    text: "Thanks for your message, {name}! We are away right now; an operator will answer {nextOpening}. Leave your email and the answer will reach you by email too.",
  },
  {
    when: { locale: "en", emailKnown: true },
    text: "Thanks for your message, {name}! We are away right now; an operator will answer {nextOpening}, and we will send the answer to your email as well.",
  },
  {
    when: { locale: "ru", emailKnown: false },
    text: "Спасибо за сообщение, {name}! Сейчас в чате никого нет. Оставьте email — мы ответим на почту, как только сможем.",
  },
  {
    when: { locale: "ru", emailKnown: true },
    text: "Спасибо за сообщение, {name}! Сейчас в чате никого нет; мы ответим вам на почту, как только сможем.",
  },
  {
    when: { locale: "en", emailKnown: false },
    text: "Thanks for your message, {name}! Nobody is in the chat right now. Leave your email and we will answer by email as soon as we can.",
  },
  {
    when: { locale: "en", emailKnown: true },
    text: "Thanks for your message, {name}! Nobody is in the chat right now; we will answer by email as soon as we can.",
  },
];

/**
 * Default settings for a new site, valid for `validateAutoReplySettings`. `timezone`, when
 * the runtime knows it, replaces the locale's default zone.
 */
export function defaultAutoReplySettings(locale: Locale, timezone?: string): AutoReplySettings {
  const ru = locale === "ru";
  // Fresh arrays (workday() per day, a clone of the texts): editing one day of one site's
  // settings never edits another day or the constants here.
  return structuredClone({
    schedule: {
      timezone: timezone && isValidTimezone(timezone) ? timezone : DEFAULT_TIMEZONE[locale],
      week: { mon: workday(), tue: workday(), wed: workday(), thu: workday(), fri: workday(), sat: [], sun: [] },
      exceptions: [],
    },
    departmentSchedules: {},
    rules: [
      {
        id: "working-hours",
        name: ru ? "Рабочее время" : "Working hours",
        periods: ["work"],
        timeoutSec: 60,
        variants: BUSY,
      },
      {
        id: "off-hours",
        name: ru ? "Нерабочее время" : "Off hours",
        periods: ["lunch", "break", "night", "weekend", "holiday"],
        timeoutSec: 0,
        variants: AWAY,
      },
    ],
    quietAfterOperatorMinutes: 10,
    askEmail: true,
  });
}
