/**
 * What a booking says to the visitor, in English and Russian: the emails, the manage page and
 * the bot's booking step. Times are written in the zone given (the visitor's when known).
 */
export type Lang = "en" | "ru";

/** "Thu, 3 Dec, 15:00" in `zone`, in the visitor's language. */
export function slotLabel(start: number, lang: Lang, zone: string): string {
  return new Intl.DateTimeFormat(lang === "ru" ? "ru-RU" : "en-GB", {
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: zone,
  }).format(start);
}

/** "Thursday, 3 December 2026, 15:00 (Europe/Berlin)". */
export function whenText(start: number, lang: Lang, zone: string): string {
  const text = new Intl.DateTimeFormat(lang === "ru" ? "ru-RU" : "en-GB", {
    dateStyle: "full",
    timeStyle: "short",
    timeZone: zone,
  }).format(start);
  return `${text} (${zone})`;
}

/** A zone Intl knows, else the fallback. */
export function knownZone(zone: string | null | undefined, fallback: string): string {
  if (!zone) return fallback;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return zone;
  } catch {
    return fallback;
  }
}

export const APPOINTMENT_TEXTS = {
  en: {
    summary: (shop: string) => `Video consultation with ${shop}`,
    bookedSubject: (shop: string, when: string) => `Booked: video consultation with ${shop}, ${when}`,
    movedSubject: (shop: string, when: string) => `Moved: video consultation with ${shop}, ${when}`,
    reminderSubject: (shop: string, when: string) => `Reminder: video consultation with ${shop}, ${when}`,
    cancelledSubject: (shop: string) => `Cancelled: video consultation with ${shop}`,
    booked: (shop: string, when: string) => `Your video consultation with ${shop} is booked for ${when}.`,
    moved: (shop: string, when: string) => `Your video consultation with ${shop} is now at ${when}.`,
    reminder: (shop: string, when: string) => `Your video consultation with ${shop} starts at ${when}.`,
    cancelled: (shop: string, when: string) => `Your video consultation with ${shop} on ${when} is cancelled.`,
    join: (link: string) => `At that time, open ${link} — the chat opens ready for the call.`,
    joinChat: 'At that time, open the shop\'s chat and choose "Video call".',
    manage: (link: string) => `To cancel or choose another time: ${link}`,
    invite: "The invitation for your calendar is attached.",
    // The manage page
    pageTitle: "Your video consultation",
    pageWhen: (when: string) => `Booked for ${when}.`,
    pageCancelledWhen: (when: string) => `The consultation on ${when} is cancelled.`,
    cancel: "Cancel the booking",
    moveTo: "Or move it to another time:",
    move: "Move",
    noSlots: "No other free times now.",
    // The bot's booking step
    askEmail: "Which email should we send the confirmation to?",
    pick: "Pick a time (your time zone):",
    none: "There are no free times in the next weeks. Leave a message and we will get back to you.",
    off: "Booking is not open right now. Leave a message and we will get back to you.",
    taken: "Someone has just booked that time. Here are the free ones:",
    past: "That time is no longer available. Here are the free ones:",
    done: (when: string, email: string) => `Booked for ${when}. The confirmation is on its way to ${email}.`,
  },
  ru: {
    summary: (shop: string) => `Видеоконсультация: ${shop}`,
    bookedSubject: (shop: string, when: string) => `Записано: видеоконсультация, ${shop}, ${when}`,
    movedSubject: (shop: string, when: string) => `Перенесено: видеоконсультация, ${shop}, ${when}`,
    reminderSubject: (shop: string, when: string) => `Напоминание: видеоконсультация, ${shop}, ${when}`,
    cancelledSubject: (shop: string) => `Отменено: видеоконсультация, ${shop}`,
    booked: (shop: string, when: string) => `Вы записаны на видеоконсультацию (${shop}): ${when}.`,
    moved: (shop: string, when: string) => `Видеоконсультация (${shop}) перенесена на ${when}.`,
    reminder: (shop: string, when: string) => `Видеоконсультация (${shop}) начнётся ${when}.`,
    cancelled: (shop: string, when: string) => `Видеоконсультация (${shop}) на ${when} отменена.`,
    join: (link: string) => `В назначенное время откройте ${link} — чат откроется готовым к звонку.`,
    joinChat: "В назначенное время откройте чат магазина и выберите «Видеозвонок».",
    manage: (link: string) => `Отменить или выбрать другое время: ${link}`,
    invite: "Приглашение для календаря — во вложении.",
    pageTitle: "Ваша видеоконсультация",
    pageWhen: (when: string) => `Запись на ${when}.`,
    pageCancelledWhen: (when: string) => `Консультация на ${when} отменена.`,
    cancel: "Отменить запись",
    moveTo: "Или перенести на другое время:",
    move: "Перенести",
    noSlots: "Других свободных окон сейчас нет.",
    askEmail: "На какой email прислать подтверждение?",
    pick: "Выберите время (по вашему часовому поясу):",
    none: "В ближайшие недели свободных окон нет. Оставьте сообщение — мы ответим.",
    off: "Запись сейчас закрыта. Оставьте сообщение — мы ответим.",
    taken: "Это время только что заняли. Свободные окна:",
    past: "Это время уже недоступно. Свободные окна:",
    done: (when: string, email: string) => `Записали на ${when}. Подтверждение отправлено на ${email}.`,
  },
} as const;
