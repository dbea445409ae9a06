/**
 * The owners' weekly digest, pure parts: when it is due (Monday 08:00 in the site's zone),
 * which two weeks it compares, and its email's text. Definitions of the figures:
 * docs/metrics.md ("Weekly digest").
 */
import { formatDate } from "../autoreply/calendar";
import { escapeHtml } from "../email";
import { wallClock, wallToInstant } from "../autoreply/zone";
import type { Figures } from "./figures";

/** Local minute of Monday the digest goes out: 08:00. */
export const DIGEST_MINUTE = 8 * 60;

/** The next Monday 08:00 in `timeZone` strictly after `now`. */
export function nextDigestAt(timeZone: string, now: number): number {
  const clock = wallClock(timeZone, now);
  const weekday = (clock.day + 3) % 7; // 0 = Monday (day 0, 1970-01-01, was a Thursday)
  let day = clock.day + ((7 - weekday) % 7);
  if (day === clock.day && clock.minute >= DIGEST_MINUTE) day += 7;
  return wallToInstant(timeZone, day, DIGEST_MINUTE);
}

export interface DigestWeeks {
  last: { from: string; to: string };
  before: { from: string; to: string };
}

/** The last full week (Monday–Sunday) before the local day of `now`, and the week before it. */
export function digestWeeks(timeZone: string, now: number): DigestWeeks {
  const today = wallClock(timeZone, now).day;
  const monday = today - ((today + 3) % 7);
  return {
    last: { from: formatDate(monday - 7), to: formatDate(monday - 1) },
    before: { from: formatDate(monday - 14), to: formatDate(monday - 8) },
  };
}

type Locale = "en" | "ru";

const WORDS = {
  en: {
    subject: (site: string, from: string, to: string) => `${site}: your chat week, ${from} – ${to}`,
    intro: (from: string, to: string) => `Your chat from ${from} to ${to}, against the week before:`,
    conversations: "Conversations",
    answered: "Answered by a person",
    firstResponse: "First response, median",
    missed: "Missed",
    csat: "Satisfaction (1–5)",
    ordersAfterChat: "Orders after a chat",
    none: "—",
    open: "Open the reports",
    unsubscribe: "Stop these weekly emails",
  },
  ru: {
    subject: (site: string, from: string, to: string) => `${site}: неделя чата, ${from} – ${to}`,
    intro: (from: string, to: string) => `Ваш чат с ${from} по ${to} в сравнении с прошлой неделей:`,
    conversations: "Диалоги",
    answered: "С ответом оператора",
    firstResponse: "Первый ответ, медиана",
    missed: "Пропущенные",
    csat: "Оценка (1–5)",
    ordersAfterChat: "Заказы после чата",
    none: "—",
    open: "Открыть отчёты",
    unsubscribe: "Больше не присылать эти письма",
  },
} as const;

function minutes(ms: number | null, locale: Locale): string | null {
  if (ms === null) return null;
  const s = Math.round(ms / 1000);
  if (s < 60) return locale === "ru" ? `${s} с` : `${s} s`;
  return locale === "ru" ? `${Math.round(s / 60)} мин` : `${Math.round(s / 60)} min`;
}

/** The headline rows of the digest: label, last week, the week before. */
export function digestRows(last: Figures, before: Figures, locale: Locale): [string, string, string][] {
  const w = WORDS[locale];
  const show = (v: string | number | null) => (v === null ? w.none : String(v));
  const rows: [string, (f: Figures) => string | number | null][] = [
    [w.conversations, (f) => f.conversations],
    [w.answered, (f) => f.answered],
    [w.firstResponse, (f) => minutes(f.firstResponse.median, locale)],
    [w.missed, (f) => f.missed],
    [w.csat, (f) => (f.csat.mean === null ? null : f.csat.mean.toFixed(1))],
  ];
  // Orders only once the shop's plugin reports them: their count and revenue.
  if (last.conversion)
    rows.push([
      w.ordersAfterChat,
      ({ conversion: c }) =>
        c && `${c.attributedOrders} · ${c.attributedRevenue.toFixed(2)}${c.currency ? ` ${c.currency}` : ""}`,
    ]);
  return rows.map(([label, read]) => [label, show(read(last)), show(read(before))]);
}

/** The digest email to one owner. */
export function digestEmail(input: {
  site: string;
  locale: Locale;
  weeks: DigestWeeks;
  last: Figures;
  before: Figures;
  reportsUrl: string;
  unsubscribeUrl: string;
}) {
  const w = WORDS[input.locale];
  const { from, to } = input.weeks.last;
  const rows = digestRows(input.last, input.before, input.locale);
  const text = [
    w.intro(from, to),
    "",
    ...rows.map(([label, now, prev]) => `${label}: ${now} (${prev})`),
    "",
    `${w.open}: ${input.reportsUrl}`,
    "",
    `${w.unsubscribe}: ${input.unsubscribeUrl}`,
  ].join("\n");
  const html =
    `<p>${escapeHtml(w.intro(from, to))}</p><table cellpadding="4">` +
    rows
      .map(
        ([label, now, prev]) =>
          `<tr><th align="left">${escapeHtml(label)}</th><td><b>${escapeHtml(now)}</b></td><td style="color:#666">${escapeHtml(prev)}</td></tr>`,
      )
      .join("") +
    `</table><p><a href="${escapeHtml(input.reportsUrl)}">${escapeHtml(w.open)}</a></p>` +
    `<p><small><a href="${escapeHtml(input.unsubscribeUrl)}">${escapeHtml(w.unsubscribe)}</a></small></p>`;
  return { subject: w.subject(input.site, from, to), text, html };
}
