import { describe, expect, it } from "vitest";
import { activePeriod, isNeverOpen, nextOpening } from "./schedule";
import { schedule as scheduleSchema, type Interval } from "./schema";

// Expected instants are wall time − the zone's offset, computed by hand:
// Berlin CET +1 / CEST +2 (2026 switches: 29 Mar 01:00Z, 25 Oct 01:00Z); Moscow +3 all year;
// New York EST −5 / EDT −4 (8 Mar 07:00Z, 1 Nov 06:00Z); Kolkata +5:30; Kathmandu +5:45;
// Lord Howe +11 in summer / +10:30 in winter (4 Apr 15:00Z back to +10:30, 3 Oct 15:30Z
// forward to +11). Weekdays of 2026: 1 Jan Thu, 5 Jan Mon, 1 Mar Sun, 1 Apr Wed,
// 1 Oct Thu, 1 Nov Sun; 31 Dec 2026 Thu, 1 Jan 2027 Fri.

const sched = (input: unknown) => scheduleSchema.parse(input);
const DAY: Interval[] = [
  { from: "09:00", to: "13:00" },
  { from: "14:00", to: "18:00" },
];
const office = (timezone: string) => sched({ timezone, week: { mon: DAY, tue: DAY, wed: DAY, thu: DAY, fri: DAY } });
const sunday = (timezone: string, from: string) => sched({ timezone, week: { sun: [{ from, to: "05:00" }] } });

const berlin = office("Europe/Berlin");
const berlinSunday = sunday("Europe/Berlin", "02:15"); // 02:15 is skipped on 29 Mar, twice on 25 Oct
const moscow = office("Europe/Moscow");
const newYork = office("America/New_York");
const nySpring = sunday("America/New_York", "02:15"); // skipped on 8 Mar
const nyFall = sunday("America/New_York", "01:45"); // twice on 1 Nov
const kolkata = office("Asia/Kolkata");
const kathmandu = office("Asia/Kathmandu");
const lordHowe = office("Australia/Lord_Howe");
const lhSpring = sunday("Australia/Lord_Howe", "02:15"); // skipped on 4 Oct (02:00 → 02:30)
const lhFall = sunday("Australia/Lord_Howe", "01:45"); // twice on 5 Apr (02:00 → 01:30)
const overnight = sched({
  timezone: "Europe/Berlin",
  week: {
    mon: [{ from: "09:00", to: "18:00" }],
    thu: [{ from: "09:00", to: "18:00" }],
    fri: [{ from: "22:00", to: "02:00", overnight: true, period: "late" }],
  },
});
const overnightDst = sched({
  timezone: "Europe/Berlin",
  week: { sat: [{ from: "22:00", to: "02:00", overnight: true }] }, // 29 Mar 02:00 does not exist → 03:00 CEST
});
const shifts = sched({
  timezone: "Europe/Berlin",
  week: {
    mon: [
      { from: "08:00", to: "10:00" },
      { from: "13:00", to: "15:00" }, // 3 h after 10:00: a break, not lunch
      { from: "17:59", to: "20:00" }, // 2 h 59 min after 15:00: lunch
    ],
  },
});
const holidays = sched({
  timezone: "Europe/Berlin",
  week: { mon: DAY, tue: DAY, wed: DAY, thu: DAY, fri: DAY },
  exceptions: [
    { date: "2026-12-20", intervals: [{ from: "12:00", to: "16:00", period: "sale" }] }, // a Sunday
    { date: "2026-12-31", intervals: [{ from: "10:00", to: "14:00" }] },
    { date: "2027-01-01", closed: true, note: "New Year" },
  ],
});
const never = sched({ timezone: "Europe/Berlin", week: {} });
const neverButHoliday = sched({
  timezone: "Europe/Berlin",
  week: {},
  exceptions: [{ date: "2026-05-01", closed: true }],
});
const oneDayIn300 = sched({
  timezone: "Europe/Berlin",
  week: {},
  exceptions: [{ date: "2026-10-28", intervals: [{ from: "10:00", to: "11:00" }] }], // 300 days after 1 Jan
});
const oneDayIn516 = sched({
  timezone: "Europe/Berlin",
  week: {},
  exceptions: [{ date: "2027-06-01", intervals: [{ from: "10:00", to: "11:00" }] }], // beyond 400 days
});

type Row = [label: string, schedule: typeof berlin, at: string, period: string, open: boolean, next: string | null];

// next: "=" means `at` itself (open now).
const rows: Row[] = [
  // Europe/Berlin, office hours, both switches (weekend switches: Fri before, Mon after)
  ["Berlin Fri 12:00 CET", berlin, "2026-03-27T11:00:00Z", "work", true, "="],
  ["Berlin Fri 13:30 CET lunch", berlin, "2026-03-27T12:30:00Z", "lunch", false, "2026-03-27T13:00:00Z"],
  ["Berlin Fri 19:00 CET → Mon 09:00 CEST", berlin, "2026-03-27T18:00:00Z", "night", false, "2026-03-30T07:00:00Z"],
  ["Berlin Sun 29 Mar 12:00 CEST", berlin, "2026-03-29T10:00:00Z", "weekend", false, "2026-03-30T07:00:00Z"],
  ["Berlin Fri 18:00 CEST closes (half-open)", berlin, "2026-10-23T16:00:00Z", "night", false, "2026-10-26T08:00:00Z"],
  ["Berlin Sat 10:00 CEST", berlin, "2026-10-24T08:00:00Z", "weekend", false, "2026-10-26T08:00:00Z"],
  ["Berlin Mon 08:59 CET", berlin, "2026-10-26T07:59:00Z", "night", false, "2026-10-26T08:00:00Z"],
  ["Berlin Mon 09:00 CET", berlin, "2026-10-26T08:00:00Z", "work", true, "="],
  // Europe/Berlin, an interval starting in the gap / in the repeated hour
  ["Berlin Sat 23:00 CET", berlinSunday, "2026-03-28T22:00:00Z", "weekend", false, "2026-03-29T01:00:00Z"],
  ["Berlin Sun 01:59 CET", berlinSunday, "2026-03-29T00:59:00Z", "night", false, "2026-03-29T01:00:00Z"],
  ["Berlin Sun 03:00 CEST (02:15 skipped)", berlinSunday, "2026-03-29T01:00:00Z", "work", true, "="],
  ["Berlin Sun 05:00 CEST closes", berlinSunday, "2026-03-29T03:00:00Z", "night", false, "2026-04-05T00:15:00Z"],
  ["Berlin Sun 02:14 CEST", berlinSunday, "2026-10-25T00:14:00Z", "night", false, "2026-10-25T00:15:00Z"],
  ["Berlin Sun 02:15 CEST (first)", berlinSunday, "2026-10-25T00:15:00Z", "work", true, "="],
  ["Berlin Sun 04:59 CET", berlinSunday, "2026-10-25T03:59:00Z", "work", true, "="],
  ["Berlin Sun 05:00 CET closes", berlinSunday, "2026-10-25T04:00:00Z", "night", false, "2026-11-01T01:15:00Z"],
  // Europe/Moscow: EU switch days change nothing (+3)
  ["Moscow Fri 18:30", moscow, "2026-03-27T15:30:00Z", "night", false, "2026-03-30T06:00:00Z"],
  ["Moscow Mon 08:59", moscow, "2026-03-30T05:59:00Z", "night", false, "2026-03-30T06:00:00Z"],
  ["Moscow Mon 09:00", moscow, "2026-03-30T06:00:00Z", "work", true, "="],
  ["Moscow Fri 17:59", moscow, "2026-10-23T14:59:00Z", "work", true, "="],
  ["Moscow Sun 04:00 (EU switch)", moscow, "2026-10-25T01:00:00Z", "weekend", false, "2026-10-26T06:00:00Z"],
  ["Moscow Mon 13:00 lunch", moscow, "2026-10-26T10:00:00Z", "lunch", false, "2026-10-26T11:00:00Z"],
  // America/New_York
  ["NY Fri 18:00 EST → Mon 09:00 EDT", newYork, "2026-03-06T23:00:00Z", "night", false, "2026-03-09T13:00:00Z"],
  ["NY Sun 12:00 EDT", newYork, "2026-03-08T16:00:00Z", "weekend", false, "2026-03-09T13:00:00Z"],
  ["NY Mon 12:59 EDT", newYork, "2026-03-09T16:59:00Z", "work", true, "="],
  ["NY Fri 17:00 EDT", newYork, "2026-10-30T21:00:00Z", "work", true, "="],
  ["NY Fri 18:00 EDT → Mon 09:00 EST", newYork, "2026-10-30T22:00:00Z", "night", false, "2026-11-02T14:00:00Z"],
  ["NY Mon 13:30 EST lunch", newYork, "2026-11-02T18:30:00Z", "lunch", false, "2026-11-02T19:00:00Z"],
  ["NY Sun 01:59 EST", nySpring, "2026-03-08T06:59:00Z", "night", false, "2026-03-08T07:00:00Z"],
  ["NY Sun 03:00 EDT (02:15 skipped)", nySpring, "2026-03-08T07:00:00Z", "work", true, "="],
  ["NY Sun 05:00 EDT closes", nySpring, "2026-03-08T09:00:00Z", "night", false, "2026-03-15T06:15:00Z"],
  ["NY Sat 19:00 EDT", nyFall, "2026-10-31T23:00:00Z", "weekend", false, "2026-11-01T05:45:00Z"],
  ["NY Sun 01:44 EDT", nyFall, "2026-11-01T05:44:00Z", "night", false, "2026-11-01T05:45:00Z"],
  ["NY Sun 01:30 EST (second)", nyFall, "2026-11-01T06:30:00Z", "work", true, "="],
  ["NY Sun 05:00 EST closes", nyFall, "2026-11-01T10:00:00Z", "night", false, "2026-11-08T06:45:00Z"],
  // Asia/Kolkata +5:30 and Asia/Kathmandu +5:45
  ["Kolkata Mon 08:59", kolkata, "2026-01-05T03:29:00Z", "night", false, "2026-01-05T03:30:00Z"],
  ["Kolkata Mon 09:00", kolkata, "2026-01-05T03:30:00Z", "work", true, "="],
  ["Kolkata Mon 13:00 lunch", kolkata, "2026-01-05T07:30:00Z", "lunch", false, "2026-01-05T08:30:00Z"],
  ["Kolkata Fri 18:00", kolkata, "2026-01-09T12:30:00Z", "night", false, "2026-01-12T03:30:00Z"],
  ["Kathmandu Mon 08:59", kathmandu, "2026-01-05T03:14:00Z", "night", false, "2026-01-05T03:15:00Z"],
  ["Kathmandu Mon 09:00", kathmandu, "2026-01-05T03:15:00Z", "work", true, "="],
  ["Kathmandu Mon 13:59 lunch", kathmandu, "2026-01-05T08:14:00Z", "lunch", false, "2026-01-05T08:15:00Z"],
  ["Kathmandu Sat 12:00", kathmandu, "2026-01-10T06:15:00Z", "weekend", false, "2026-01-12T03:15:00Z"],
  // Australia/Lord_Howe: 30-minute DST
  [
    "Lord Howe Fri 18:00 +11 → Mon 09:00 +10:30",
    lordHowe,
    "2026-04-03T07:00:00Z",
    "night",
    false,
    "2026-04-05T22:30:00Z",
  ],
  [
    "Lord Howe Fri 18:00 +10:30 → Mon 09:00 +11",
    lordHowe,
    "2026-10-02T07:30:00Z",
    "night",
    false,
    "2026-10-04T22:00:00Z",
  ],
  ["Lord Howe Mon 13:00 +11 lunch", lordHowe, "2026-10-05T02:00:00Z", "lunch", false, "2026-10-05T03:00:00Z"],
  ["Lord Howe Sun 01:59 +10:30", lhSpring, "2026-10-03T15:29:00Z", "night", false, "2026-10-03T15:30:00Z"],
  ["Lord Howe Sun 02:30 +11 (02:15 skipped)", lhSpring, "2026-10-03T15:30:00Z", "work", true, "="],
  ["Lord Howe Sun 04:59 +11", lhSpring, "2026-10-03T17:59:00Z", "work", true, "="],
  ["Lord Howe Sun 01:44 +11", lhFall, "2026-04-04T14:44:00Z", "night", false, "2026-04-04T14:45:00Z"],
  ["Lord Howe Sun 01:40 +10:30 (second)", lhFall, "2026-04-04T15:10:00Z", "work", true, "="],
  ["Lord Howe Sun 05:00 +10:30 closes", lhFall, "2026-04-04T18:30:00Z", "night", false, "2026-04-11T15:15:00Z"],
  // overnight 22:00–02:00 on Friday belongs to Friday, spills into Saturday
  ["overnight Thu 18:00 → Fri 22:00", overnight, "2026-01-08T17:00:00Z", "night", false, "2026-01-09T21:00:00Z"],
  ["overnight Fri 12:00", overnight, "2026-01-09T11:00:00Z", "night", false, "2026-01-09T21:00:00Z"],
  ["overnight Fri 23:00", overnight, "2026-01-09T22:00:00Z", "late", true, "="],
  ["overnight Sat 01:59", overnight, "2026-01-10T00:59:00Z", "late", true, "="],
  ["overnight Sat 02:00 closes", overnight, "2026-01-10T01:00:00Z", "weekend", false, "2026-01-12T08:00:00Z"],
  ["overnight into the gap: Sun 01:30 CET", overnightDst, "2026-03-29T00:30:00Z", "work", true, "="],
  [
    "overnight into the gap: Sun 03:00 CEST",
    overnightDst,
    "2026-03-29T01:00:00Z",
    "weekend",
    false,
    "2026-04-04T20:00:00Z",
  ],
  // lunch (< 3 h) versus break (≥ 3 h)
  ["Mon 11:00 CET, 3 h gap", shifts, "2026-01-12T10:00:00Z", "break", false, "2026-01-12T12:00:00Z"],
  ["Mon 16:00 CET, 2 h 59 gap", shifts, "2026-01-12T15:00:00Z", "lunch", false, "2026-01-12T16:59:00Z"],
  ["Mon 21:00 CET", shifts, "2026-01-12T20:00:00Z", "night", false, "2026-01-19T07:00:00Z"],
  // exceptions: special hours, a closed day, a Sunday opened for a sale
  ["Sat 19 Dec 12:00", holidays, "2026-12-19T11:00:00Z", "weekend", false, "2026-12-20T11:00:00Z"],
  ["Sun 20 Dec 13:00 sale", holidays, "2026-12-20T12:00:00Z", "sale", true, "="],
  ["Thu 31 Dec 09:30 (opens 10:00)", holidays, "2026-12-31T08:30:00Z", "night", false, "2026-12-31T09:00:00Z"],
  ["Thu 31 Dec 13:59", holidays, "2026-12-31T12:59:00Z", "work", true, "="],
  ["Thu 31 Dec 15:00 → Mon 4 Jan", holidays, "2026-12-31T14:00:00Z", "night", false, "2027-01-04T08:00:00Z"],
  ["Fri 1 Jan closed", holidays, "2027-01-01T11:00:00Z", "holiday", false, "2027-01-04T08:00:00Z"],
  // never open
  ["empty schedule", never, "2026-01-12T10:00:00Z", "weekend", false, null],
  ["empty schedule, holiday", neverButHoliday, "2026-05-01T10:00:00Z", "holiday", false, null],
  ["one day 300 days ahead", oneDayIn300, "2026-01-01T00:00:00Z", "weekend", false, "2026-10-28T09:00:00Z"],
  ["one day 516 days ahead", oneDayIn516, "2026-01-01T00:00:00Z", "weekend", false, null],
];

describe("activePeriod and nextOpening", () => {
  it.each(rows)("%s", (_, schedule, at, period, open, next) => {
    const instant = new Date(at);
    expect(activePeriod(schedule, instant)).toEqual({ period, open });
    const want = next === "=" ? instant.toISOString() : next === null ? null : new Date(next).toISOString();
    expect(nextOpening(schedule, instant)?.toISOString() ?? null).toBe(want);
  });
});

describe("isNeverOpen", () => {
  it("is true only without any interval", () => {
    expect(isNeverOpen(never)).toBe(true);
    expect(isNeverOpen(neverButHoliday)).toBe(true);
    expect(isNeverOpen(oneDayIn300)).toBe(false);
    expect(isNeverOpen(berlin)).toBe(false);
  });
});
