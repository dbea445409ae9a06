/** Formatting for the admin app: times, waiting durations, the visitor's local time. */
import { state } from "./app-state";
import { locale, t } from "./i18n";

/** "14:05", or "12 Mar" for another day. */
export function shortTime(at: number, now = Date.now()): string {
  const d = new Date(at);
  const sameDay = new Date(now).toDateString() === d.toDateString();
  return sameDay
    ? d.toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit" })
    : d.toLocaleDateString(locale(), { day: "numeric", month: "short" });
}

/** Full date and time, for titles. */
export function fullTime(at: number): string {
  return new Date(at).toLocaleString(locale());
}

/** How long someone has waited: "45 s", "12 min", "3 h", "2 d". */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return t("time.seconds", { n: s });
  if (s < 3600) return t("time.minutes", { n: Math.floor(s / 60) });
  if (s < 86400) return t("time.hours", { n: Math.floor(s / 3600) });
  return t("time.days", { n: Math.floor(s / 86400) });
}

/** The time now in an IANA zone, "18:42", or null for an unknown zone. */
export function localTimeIn(timezone: string | null, now = Date.now()): string | null {
  if (!timezone) return null;
  try {
    return new Date(now).toLocaleTimeString(locale(), { timeZone: timezone, hour: "2-digit", minute: "2-digit" });
  } catch {
    return null;
  }
}

/** A country's name from its two-letter code, in the app's language. */
export function countryName(code: string | null): string | null {
  if (!code) return null;
  try {
    return new Intl.DisplayNames([locale()], { type: "region" }).of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** Only http(s) URLs become links; anything else (javascript:, data:) is shown as text. */
export function safeHref(url: string | undefined | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

/** A rating as the site asks for it: "4 of 5", or thumbs up / down (stored as 5 and 1). */
export function ratingText(rating: number): string {
  if (state.settings?.rating?.scale === "thumbs")
    return rating >= 4 ? `👍 ${t("card.ratingUp")}` : `👎 ${t("card.ratingDown")}`;
  return `★ ${t("card.ratingOf", { n: rating })}`;
}
