import { describe, expect, it } from "vitest";
import { formatNextOpening, normalizeLocale } from "./format";

// Weekdays of January 2026: Thu 1, Sun 4, Mon 5, Wed 14, Thu 15, Fri 16, Mon 19.
// Offsets: Moscow +3, Berlin +1, New York −5 (EDT −4 from 8 March), Kolkata +5:30, Kathmandu +5:45.
type Row = [label: string, instant: string, now: string, visitorTz: string | undefined, en: string, ru: string];

const MSK = "Europe/Moscow";
const rows: Row[] = [
  // Site Moscow, visitor New York: 06:00Z is Thu 09:00 in Moscow but Thu 01:00 in New York,
  // and now (22:00Z) is still Wednesday 17:00 in New York (Thu 01:00 in Moscow).
  [
    "visitor New York",
    "2026-01-15T06:00:00Z",
    "2026-01-14T22:00:00Z",
    "America/New_York",
    "tomorrow at 01:00",
    "завтра в 01:00",
  ],
  ["visitor Moscow", "2026-01-15T06:00:00Z", "2026-01-14T22:00:00Z", MSK, "today at 09:00", "сегодня в 09:00"],
  [
    "unknown zone → site",
    "2026-01-15T06:00:00Z",
    "2026-01-14T22:00:00Z",
    "Not/A_Zone",
    "today at 09:00",
    "сегодня в 09:00",
  ],
  ["no zone → site", "2026-01-15T06:00:00Z", "2026-01-14T22:00:00Z", undefined, "today at 09:00", "сегодня в 09:00"],
  [
    "Berlin today",
    "2026-01-15T11:00:00Z",
    "2026-01-15T08:00:00Z",
    "Europe/Berlin",
    "today at 12:00",
    "сегодня в 12:00",
  ],
  [
    "midnight is 00:00",
    "2026-01-15T23:00:00Z",
    "2026-01-15T20:00:00Z",
    "Europe/Berlin",
    "tomorrow at 00:00",
    "завтра в 00:00",
  ],
  ["Kolkata", "2026-01-15T06:00:00Z", "2026-01-15T03:00:00Z", "Asia/Kolkata", "today at 11:30", "сегодня в 11:30"],
  ["Kathmandu", "2026-01-15T06:00:00Z", "2026-01-15T03:00:00Z", "Asia/Kathmandu", "today at 11:45", "сегодня в 11:45"],
  // Fri 16 18:00 Berlin → Mon 19 09:00 Berlin: 3 days ahead
  [
    "Monday",
    "2026-01-19T08:00:00Z",
    "2026-01-16T17:00:00Z",
    "Europe/Berlin",
    "on Monday at 09:00",
    "в понедельник в 09:00",
  ],
  // New York across the March switch: Fri 6 18:00 EST → Mon 9 09:00 EDT (13:00Z)
  [
    "NY over DST",
    "2026-03-09T13:00:00Z",
    "2026-03-06T23:00:00Z",
    "America/New_York",
    "on Monday at 09:00",
    "в понедельник в 09:00",
  ],
  // now Sun 4 Jan 12:00 MSK (09:00Z); 06:00Z is 09:00 MSK
  ["Tuesday", "2026-01-06T06:00:00Z", "2026-01-04T09:00:00Z", MSK, "on Tuesday at 09:00", "во вторник в 09:00"],
  ["Wednesday", "2026-01-07T06:00:00Z", "2026-01-04T09:00:00Z", MSK, "on Wednesday at 09:00", "в среду в 09:00"],
  ["Thursday", "2026-01-08T06:00:00Z", "2026-01-04T09:00:00Z", MSK, "on Thursday at 09:00", "в четверг в 09:00"],
  ["Friday", "2026-01-09T06:00:00Z", "2026-01-04T09:00:00Z", MSK, "on Friday at 09:00", "в пятницу в 09:00"],
  ["Saturday", "2026-01-10T06:00:00Z", "2026-01-04T09:00:00Z", MSK, "on Saturday at 09:00", "в субботу в 09:00"],
  // now Thu 1 Jan 12:00 MSK
  ["Sunday", "2026-01-04T06:00:00Z", "2026-01-01T09:00:00Z", MSK, "on Sunday at 09:00", "в воскресенье в 09:00"],
  [
    "Monday from Thursday",
    "2026-01-05T06:00:00Z",
    "2026-01-01T09:00:00Z",
    MSK,
    "on Monday at 09:00",
    "в понедельник в 09:00",
  ],
  // a week or more ahead: the date
  ["7 days ahead", "2026-01-11T06:00:00Z", "2026-01-04T09:00:00Z", MSK, "on 11 January at 09:00", "11 января в 09:00"],
  ["8 days ahead", "2026-01-12T06:00:00Z", "2026-01-04T09:00:00Z", MSK, "on 12 January at 09:00", "12 января в 09:00"],
  [
    "next year, 373 days",
    "2027-01-12T06:00:00Z",
    "2026-01-04T09:00:00Z",
    MSK,
    "on 12 January 2027 at 09:00",
    "12 января 2027 года в 09:00",
  ],
];

describe("formatNextOpening", () => {
  it.each(rows)("%s", (_, instant, now, visitorTz, en, ru) => {
    expect(formatNextOpening(new Date(instant), new Date(now), visitorTz, "en", MSK)).toBe(en);
    expect(formatNextOpening(new Date(instant), new Date(now), visitorTz, "ru", MSK)).toBe(ru);
  });
});

describe("normalizeLocale", () => {
  it.each([
    ["ru", "ru"],
    ["ru-RU", "ru"],
    ["RU_ru", "ru"],
    ["en-US", "en"],
    ["de", "en"],
    ["rus", "en"],
    [undefined, "en"],
  ] as const)("%s → %s", (tag, want) => {
    expect(normalizeLocale(tag)).toBe(want);
  });
});
