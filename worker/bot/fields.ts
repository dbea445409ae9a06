/**
 * Lead-card fields a scenario asks for: each value checked and tidied, or refused with a
 * message in the visitor's language. Pure.
 */
import type { LeadField } from "../protocol/bot";

type Lang = "en" | "ru";

const MESSAGES: Record<string, Record<Lang, string>> = {
  empty: { en: "Please type an answer.", ru: "Пожалуйста, напишите ответ." },
  name: { en: "Please write your name (up to 100 characters).", ru: "Пожалуйста, напишите имя (до 100 символов)." },
  phone: {
    en: "That does not look like a phone number: use digits, e.g. +44 20 7946 0958.",
    ru: "Похоже, это не номер телефона: напишите цифры, например +7 912 345-67-89.",
  },
  email: {
    en: "That does not look like an email address, e.g. anna@example.com.",
    ru: "Похоже, это не адрес почты, например anna@example.com.",
  },
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

/** The value to store, or the message to show the visitor. */
export function checkField(field: LeadField, raw: string, lang: Lang): { value: string } | { error: string } {
  const value = raw.trim().replace(/\s+/g, " ");
  if (!value) return { error: MESSAGES.empty![lang] };
  if (field === "name") return value.length <= 100 ? { value } : { error: MESSAGES.name![lang] };
  if (field === "email")
    return EMAIL.test(value) && value.length <= 254 ? { value: value.toLowerCase() } : { error: MESSAGES.email![lang] };
  if (field === "phone") {
    const digits = value.replace(/[\s()./-]/g, "");
    return /^\+?\d{7,15}$/.test(digits)
      ? { value: digits.startsWith("+") ? digits : `+${digits}` }
      : { error: MESSAGES.phone![lang] };
  }
  return { value: value.slice(0, 2000) };
}

/** "ru" for a Russian language tag, else "en". */
export function langOf(locale: string | null | undefined): Lang {
  return locale?.toLowerCase().startsWith("ru") ? "ru" : "en";
}
