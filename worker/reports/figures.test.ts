import { describe, expect, it } from "vitest";
import { schedule as scheduleSchema, type Interval } from "../autoreply/schema";
import { aggregateDays, localDay } from "./days";
import { mergeFacts, pageKey, type ConversationFacts } from "./facts";
import { conversationFacts } from "./facts.fixture";
import { durations, figuresOf } from "./figures";

// Instants worked out by hand: Berlin is CET +1 until 29 Mar 2026 01:00Z, CEST +2 after.
// Weekdays of March 2026: 2 Mon, 3 Tue, 4 Wed, 6 Fri, 7 Sat, 9 Mon, 27 Fri, 28 Sat, 30 Mon.
const DAY: Interval[] = [
  { from: "09:00", to: "13:00" },
  { from: "14:00", to: "18:00" },
];
const office = scheduleSchema.parse({
  timezone: "Europe/Berlin",
  week: { mon: DAY, tue: DAY, wed: DAY, thu: DAY, fri: DAY },
});
const at = (iso: string) => Date.parse(iso);
const S = 1000;

const conv = conversationFacts;

const stream: ConversationFacts[] = [
  // Fri 17:30 CET → Mon 09:10 CET: 63h40m raw; open hours 17:30–18:00 + 09:00–09:10 = 40 min.
  conv("weekend", {
    firstVisitorAt: at("2026-03-06T16:30:00Z"),
    firstOperatorAt: at("2026-03-09T08:10:00Z"),
    resolvedAt: at("2026-03-09T09:00:00Z"),
    department: "sales",
    assignee: "op1",
  }),
  // Tue 12:50 → 14:05 CET: 75 min raw; lunch 13:00–14:00 is closed, so 15 min.
  conv("lunch", {
    firstVisitorAt: at("2026-03-03T11:50:00Z"),
    firstOperatorAt: at("2026-03-03T13:05:00Z"),
    department: "sales",
    assignee: "op2",
    rating: 4,
  }),
  // Wed 10:00 → 10:02 CET, resolved 10:30: 2 min both ways.
  conv("quick", {
    firstVisitorAt: at("2026-03-04T09:00:00Z"),
    firstOperatorAt: at("2026-03-04T09:02:00Z"),
    resolvedAt: at("2026-03-04T09:30:00Z"),
    assignee: "op1",
    rating: 5,
  }),
  // Fri 17:50 CET → Mon 09:05 CEST across the switch: 62h15m raw; 10 + 5 = 15 min open.
  conv("dst", {
    firstVisitorAt: at("2026-03-27T16:50:00Z"),
    firstOperatorAt: at("2026-03-30T07:05:00Z"),
    department: "support",
    assignee: "op1",
    rating: 2,
  }),
  // Sat: the auto-reply asked for an email, the visitor left one, went on by email, left unanswered.
  conv("left", {
    firstVisitorAt: at("2026-03-07T11:00:00Z"),
    resolvedAt: at("2026-03-07T11:20:00Z"),
    askedEmail: true,
    emailKnown: true,
    continuedByEmail: true,
  }),
  // Sat 11:00 CET, still waiting; asked for an email, none yet.
  conv("waiting", { firstVisitorAt: at("2026-03-28T10:00:00Z"), askedEmail: true }),
  // The visitor never wrote: not a conversation in the figures.
  conv("silent", { createdAt: at("2026-03-05T10:00:00Z") }),
];

const days = aggregateDays(stream, "Europe/Berlin", office);
const minutes5 = 5 * 60 * S;

describe("figures of a synthetic stream", () => {
  it("counts each conversation on the local day its visitor first wrote", () => {
    expect(days.map((d) => d.day)).toEqual([
      "2026-03-03",
      "2026-03-04",
      "2026-03-06",
      "2026-03-07",
      "2026-03-27",
      "2026-03-28",
    ]);
  });

  it("gives first response mean, median and p90", () => {
    const f = figuresOf(days, { missedAfterMs: minutes5, now: at("2026-03-28T10:03:00Z") });
    expect(f.conversations).toBe(6);
    expect(f.answered).toBe(4);
    // 120, 4500, 224100, 229200 s
    expect(f.firstResponse).toEqual({ count: 4, mean: 114_480 * S, median: 114_300 * S, p90: 229_200 * S });
  });

  it("counts only open hours across a weekend, a lunch break and a DST switch", () => {
    const f = figuresOf(days, { missedAfterMs: minutes5, now: 0 });
    // 120, 900 (lunch), 900 (DST), 2400 (weekend) s
    expect(f.firstResponseBusiness).toEqual({ count: 4, mean: 1080 * S, median: 900 * S, p90: 2400 * S });
  });

  it("gives resolution times of resolved conversations", () => {
    const f = figuresOf(days, { missedAfterMs: minutes5, now: 0 });
    // 1200 (left), 1800 (quick), 232200 (weekend: Fri 16:30Z → Mon 09:00Z) s
    expect(f.resolution).toEqual({ count: 3, mean: 78_400 * S, median: 1800 * S, p90: 232_200 * S });
  });

  it("counts missed: answered late, left unanswered, or waiting past the threshold", () => {
    // lunch, weekend, dst answered after 5 min; "left" never answered; "waiting" for 3 min
    expect(figuresOf(days, { missedAfterMs: minutes5, now: at("2026-03-28T10:03:00Z") }).missed).toBe(4);
    expect(figuresOf(days, { missedAfterMs: minutes5, now: at("2026-03-28T10:10:00Z") }).missed).toBe(5);
  });

  it("splits by local hour, weekday, department and operator", () => {
    const f = figuresOf(days, { missedAfterMs: minutes5, now: 0 });
    expect(f.byHour[17]).toBe(2);
    expect(f.byHour[12]).toBe(2);
    expect(f.byHour[10]).toBe(1);
    expect(f.byHour[11]).toBe(1);
    expect(f.byWeekday).toEqual([0, 1, 1, 0, 2, 2, 0]);
    expect(f.byOperator).toEqual([
      { id: "op1", conversations: 3, answered: 3, firstResponseMean: 151_140 * S },
      { id: "", conversations: 2, answered: 0, firstResponseMean: null },
      { id: "op2", conversations: 1, answered: 1, firstResponseMean: 4500 * S },
    ]);
    expect(f.byDepartment).toEqual([
      { id: "", conversations: 3, answered: 1, firstResponseMean: 120 * S },
      { id: "sales", conversations: 2, answered: 2, firstResponseMean: 116_850 * S },
      { id: "support", conversations: 1, answered: 1, firstResponseMean: 224_100 * S },
    ]);
  });

  it("gives email capture after auto-replies, email continuation and CSAT", () => {
    const f = figuresOf(days, { missedAfterMs: minutes5, now: 0 });
    expect(f.emailCapture).toEqual({ asked: 2, captured: 1, rate: 0.5 });
    expect(f.continuedByEmail).toEqual({ count: 1, share: 1 / 6 });
    expect(f.csat).toEqual({ ratings: [0, 1, 0, 1, 1], count: 3, mean: 11 / 3, satisfied: 2 / 3 });
    expect(f.bot).toBeNull();
  });

  it("gives the same figures from the rows of part-periods merged", () => {
    const whole = figuresOf(days, { missedAfterMs: minutes5, now: 0 });
    const split = figuresOf([...days.slice(3), ...days.slice(0, 3)], { missedAfterMs: minutes5, now: 0 });
    expect(split.firstResponse).toEqual(whole.firstResponse);
    expect(split.byOperator).toEqual(whole.byOperator);
  });
});

describe("durations", () => {
  it("takes the middle value of an odd count and the nearest rank for p90", () => {
    expect(durations([1, 2, 3, 4, 100])).toEqual({ count: 5, mean: 22, median: 3, p90: 100 });
    expect(durations([])).toEqual({ count: 0, mean: null, median: null, p90: null });
  });
});

describe("localDay", () => {
  it("reads the date in the site's zone", () => {
    expect(localDay("Europe/Berlin", at("2026-03-06T23:30:00Z"))).toBe("2026-03-07");
    expect(localDay("America/New_York", at("2026-03-06T23:30:00Z"))).toBe("2026-03-06");
  });
});

describe("conversations by the page the chat started on", () => {
  const shop = "https://shop.example";
  const started = (id: string, iso: string, startPage: string | null) =>
    conv(id, { firstVisitorAt: at(iso), startPage });

  it('counts each conversation once on its starting page, most first, the unknown page as ""', () => {
    // Three days in Berlin; a page's query and fragment are not part of it (pageKey).
    const facts = [
      started("a", "2026-03-02T09:00:00Z", pageKey(`${shop}/kettles?color=blue`)),
      started("b", "2026-03-02T10:00:00Z", pageKey(`${shop}/kettles#reviews`)),
      started("c", "2026-03-03T10:00:00Z", pageKey(`${shop}/delivery`)),
      started("d", "2026-03-04T10:00:00Z", pageKey(`${shop}/kettles`)),
      started("e", "2026-03-04T11:00:00Z", null),
      started("f", "2026-03-04T12:00:00Z", pageKey("javascript:alert(1)")),
    ];
    const days = aggregateDays(facts, "Europe/Berlin", office);
    expect(days.map((d) => d.byStartPage)).toEqual([
      { [`${shop}/kettles`]: 2 },
      { [`${shop}/delivery`]: 1 },
      { [`${shop}/kettles`]: 1, "": 2 },
    ]);
    expect(figuresOf(days, { missedAfterMs: 300 * S, now: at("2026-03-05T00:00:00Z") }).byStartPage).toEqual([
      { page: `${shop}/kettles`, conversations: 3 },
      { page: "", conversations: 2 },
      { page: `${shop}/delivery`, conversations: 1 },
    ]);
  });

  it('lists the 50 most frequent pages and sums the rest as "*"; day rows from before the field count nothing', () => {
    const facts = Array.from({ length: 53 }, (_, i) =>
      started(`p${i}`, "2026-03-02T09:00:00Z", `${shop}/p${String(i).padStart(2, "0")}`),
    );
    facts.push(started("again", "2026-03-02T10:00:00Z", `${shop}/p52`));
    const days = aggregateDays(facts, "Europe/Berlin", office);
    const old = { ...days[0]!, day: "2026-03-01", byStartPage: undefined };
    const pages = figuresOf([old, ...days], { missedAfterMs: 300 * S, now: 0 }).byStartPage;
    expect(pages).toHaveLength(51);
    expect(pages[0]).toEqual({ page: `${shop}/p52`, conversations: 2 });
    expect(pages[1]).toEqual({ page: `${shop}/p00`, conversations: 1 });
    // p00…p52 sorted: p52 first, then p00–p48 (49 pages); p49, p50, p51 are the rest.
    expect(pages[50]).toEqual({ page: "*", conversations: 3 });
  });

  it("keeps the first starting page of a conversation through later summaries", () => {
    const entry = { id: "x", createdAt: 1, firstVisitorAt: 1, firstOperatorAt: null, resolvedAt: null } as never;
    const first = mergeFacts(null, entry, `${shop}/a`);
    expect(mergeFacts(first, entry, `${shop}/b`).startPage).toBe(`${shop}/a`);
    expect(mergeFacts(null, entry).startPage).toBeNull();
  });
});
