import { describe, expect, it } from "vitest";
import { isValidTimezone, offsetAt, wallClock, wallToInstant } from "./zone";

const DAY = 86_400_000;
/** "YYYY-MM-DD" → day number, computed with Date.parse, not with the code under test. */
const day = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY;
const hm = (h: number, m: number) => h * 60 + m;

// 2026 switches: EU last Sundays 29 March (01:00Z) and 25 October (01:00Z); US second
// Sunday of March (8th, 02:00 local) and first of November (1st, 02:00 local); Lord Howe
// first Sunday of April (5th, 02:00 +11 → 01:30 +10:30) and of October (4th, 02:00 +10:30
// → 02:30 +11). Expected instant = wall time − offset.
describe("wallToInstant", () => {
  it.each([
    // plain offsets
    { tz: "Asia/Kolkata", date: "2026-01-05", time: hm(9, 0), want: "2026-01-05T03:30:00.000Z" }, // 09:00 − 5:30
    { tz: "Asia/Kathmandu", date: "2026-01-05", time: hm(9, 0), want: "2026-01-05T03:15:00.000Z" }, // 09:00 − 5:45
    { tz: "Europe/Moscow", date: "2026-03-29", time: hm(2, 30), want: "2026-03-28T23:30:00.000Z" }, // no DST: − 3:00
    { tz: "Europe/Moscow", date: "2026-10-25", time: hm(2, 30), want: "2026-10-24T23:30:00.000Z" },
    // spring forward: a time in the gap → the first instant after it
    { tz: "Europe/Berlin", date: "2026-03-29", time: hm(2, 30), want: "2026-03-29T01:00:00.000Z" }, // 03:00 CEST
    { tz: "Europe/Berlin", date: "2026-03-29", time: hm(1, 59), want: "2026-03-29T00:59:00.000Z" }, // CET, − 1:00
    { tz: "Europe/Berlin", date: "2026-03-29", time: hm(3, 0), want: "2026-03-29T01:00:00.000Z" }, // CEST, − 2:00
    { tz: "America/New_York", date: "2026-03-08", time: hm(2, 0), want: "2026-03-08T07:00:00.000Z" }, // 03:00 EDT
    { tz: "America/New_York", date: "2026-03-08", time: hm(2, 59), want: "2026-03-08T07:00:00.000Z" },
    { tz: "Australia/Lord_Howe", date: "2026-10-04", time: hm(2, 15), want: "2026-10-03T15:30:00.000Z" }, // 02:30 − 11:00
    // fall back: an ambiguous time → its first occurrence (the summer offset)
    { tz: "Europe/Berlin", date: "2026-10-25", time: hm(2, 30), want: "2026-10-25T00:30:00.000Z" }, // − 2:00
    { tz: "Europe/Berlin", date: "2026-10-25", time: hm(3, 0), want: "2026-10-25T02:00:00.000Z" }, // CET − 1:00
    { tz: "America/New_York", date: "2026-11-01", time: hm(1, 30), want: "2026-11-01T05:30:00.000Z" }, // EDT + 4:00
    { tz: "America/New_York", date: "2026-11-01", time: hm(2, 0), want: "2026-11-01T07:00:00.000Z" }, // EST + 5:00
    { tz: "Australia/Lord_Howe", date: "2026-04-05", time: hm(1, 45), want: "2026-04-04T14:45:00.000Z" }, // − 11:00
    { tz: "Australia/Lord_Howe", date: "2026-04-05", time: hm(2, 0), want: "2026-04-04T15:30:00.000Z" }, // − 10:30
  ])("$tz $date $time min → $want", ({ tz, date, time, want }) => {
    expect(new Date(wallToInstant(tz, day(date), time)).toISOString()).toBe(want);
  });
});

describe("offsetAt and wallClock", () => {
  it.each([
    { tz: "Europe/Berlin", at: "2026-03-29T00:59:00Z", offset: 60, date: "2026-03-29", minute: hm(1, 59) },
    { tz: "Europe/Berlin", at: "2026-03-29T01:00:00Z", offset: 120, date: "2026-03-29", minute: hm(3, 0) },
    { tz: "America/New_York", at: "2026-11-01T06:00:00Z", offset: -300, date: "2026-11-01", minute: hm(1, 0) },
    { tz: "Asia/Kathmandu", at: "2026-01-01T00:00:00Z", offset: 345, date: "2026-01-01", minute: hm(5, 45) },
    { tz: "Australia/Lord_Howe", at: "2026-04-04T14:59:00Z", offset: 660, date: "2026-04-05", minute: hm(1, 59) },
    { tz: "Australia/Lord_Howe", at: "2026-04-04T15:00:00Z", offset: 630, date: "2026-04-05", minute: hm(1, 30) },
  ])("$tz at $at", ({ tz, at, offset, date, minute }) => {
    const ms = Date.parse(at);
    expect(offsetAt(tz, ms)).toBe(offset * 60_000);
    expect(wallClock(tz, ms)).toEqual({ day: day(date), minute });
  });
});

describe("isValidTimezone", () => {
  it("knows IANA names and rejects others", () => {
    expect(isValidTimezone("Australia/Lord_Howe")).toBe(true);
    expect(isValidTimezone("UTC")).toBe(true);
    expect(isValidTimezone("Mars/Olympus")).toBe(false);
    expect(isValidTimezone("")).toBe(false);
  });

  it("answers the same when asked again, after a thousand other casings of a name", () => {
    for (let i = 0; i < 1_100; i++) {
      const casing = [..."europe/berlin"].map((c, k) => ((i >> k) & 1 ? c.toUpperCase() : c)).join("");
      expect(isValidTimezone(casing)).toBe(true);
    }
    for (const _ of [1, 2]) {
      expect(isValidTimezone("Asia/Kathmandu")).toBe(true);
      expect(isValidTimezone("Mars/Olympus")).toBe(false);
      expect(isValidTimezone("Europe/Berlinx")).toBe(false);
    }
  });
});
