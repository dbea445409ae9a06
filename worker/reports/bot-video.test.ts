import { describe, expect, it } from "vitest";
import { schedule as scheduleSchema } from "../autoreply/schema";
import type { InboxEntry } from "../protocol";
import { inboxEntry } from "../protocol/inbox-entry.fixture";
import { tableCsv } from "./csv";
import { aggregateDays } from "./days";
import { mergeFacts, type ConversationFacts } from "./facts";
import { conversationFacts } from "./facts.fixture";
import { figuresOf } from "./figures";

const utc = scheduleSchema.parse({ timezone: "UTC", week: {} });
const at = (iso: string) => Date.parse(iso);
const MIN = 60_000;

function conv(id: string, firstVisitorAt: string, f: Partial<ConversationFacts>): ConversationFacts {
  return conversationFacts(id, { firstVisitorAt: at(firstVisitorAt), ...f });
}

const bot = (b: Partial<NonNullable<ConversationFacts["bot"]>>): NonNullable<ConversationFacts["bot"]> => ({
  depth: 0,
  feedback: 0,
  helpful: 0,
  lead: false,
  booked: false,
  handoffAt: null,
  lastBotAt: 0,
  lastPersonAt: null,
  ...b,
});

const stream: ConversationFacts[] = [
  // Mon 4 May. A: two answers rated (one helpful), lead completed; the bot had the last word at 10:05.
  conv("A", "2026-05-04T10:00:00Z", {
    bot: bot({
      depth: 4,
      feedback: 2,
      helpful: 1,
      lead: true,
      lastBotAt: at("2026-05-04T10:05:00Z"),
      lastPersonAt: at("2026-05-04T10:04:00Z"),
    }),
  }),
  // B: one answer rated unhelpful, handed to people at 11:02; two calls: one missed, one of 5 min with a screen shared.
  conv("B", "2026-05-04T11:00:00Z", {
    bot: bot({
      depth: 3,
      feedback: 1,
      handoffAt: at("2026-05-04T11:02:00Z"),
      lastBotAt: at("2026-05-04T11:02:00Z"),
      lastPersonAt: at("2026-05-04T11:10:00Z"),
    }),
    calls: { requested: 2, answered: 1, missed: 1, declined: 0, durations: [5 * MIN], screenShared: 1 },
  }),
  // C: lead and booking; the visitor wrote last, so no drop-off.
  conv("C", "2026-05-04T12:00:00Z", {
    bot: bot({
      depth: 6,
      lead: true,
      booked: true,
      lastBotAt: at("2026-05-04T12:03:00Z"),
      lastPersonAt: at("2026-05-04T12:04:00Z"),
    }),
  }),
  // E: no bot; a 2 min call and an appointment booked and attended.
  conv("E", "2026-05-04T15:00:00Z", {
    calls: { requested: 1, answered: 1, missed: 0, declined: 0, durations: [2 * MIN], screenShared: 0 },
    appointments: { booked: 1, attended: 1, noShow: 0 },
  }),
  // Tue 5 May. D: one helpful answer; the bot spoke last at 09:00:30.
  conv("D", "2026-05-05T09:00:00Z", {
    bot: bot({
      depth: 2,
      feedback: 1,
      helpful: 1,
      lastBotAt: at("2026-05-05T09:00:30Z"),
      lastPersonAt: at("2026-05-05T09:00:00Z"),
    }),
  }),
  // F: a 10 min call, one declined; two bookings, one a no-show.
  conv("F", "2026-05-05T13:00:00Z", {
    calls: { requested: 2, answered: 1, missed: 0, declined: 1, durations: [10 * MIN], screenShared: 0 },
    appointments: { booked: 2, attended: 0, noShow: 1 },
  }),
  // G: a plain chat: neither bot nor video.
  conv("G", "2026-05-05T14:00:00Z", {}),
];

const days = aggregateDays(stream, "UTC", utc);
const opts = (now: string) => ({ missedAfterMs: 5 * MIN, now: at(now) });

describe("bot figures of a synthetic stream", () => {
  it("counts dialogs, depth, helpful rate, goals, handoffs and drop-offs", () => {
    const f = figuresOf(days, opts("2026-05-05T09:20:00Z"));
    expect(f.conversations).toBe(7);
    // Depth (4 + 3 + 6 + 2) / 4; feedback 2 of 4 helpful; goals A and C; handoff B; drop-off A only
    // (D's bot message is 19.5 min old at 09:20: the visitor may still answer).
    expect(f.bot).toEqual({
      dialogs: 4,
      depth: 3.75,
      feedback: 4,
      helpful: 2,
      helpfulRate: 0.5,
      leads: 2,
      bookings: 1,
      goals: 2,
      goalRate: 0.5,
      dropOffs: 1,
      dropOffRate: 0.25,
      handoffs: 1,
      handoffRate: 0.25,
    });
  });

  it("counts a dialog as dropped once the bot's last word is over 30 minutes old", () => {
    expect(figuresOf(days, opts("2026-05-05T09:30:29Z")).bot?.dropOffs).toBe(1);
    expect(figuresOf(days, opts("2026-05-05T09:30:31Z")).bot?.dropOffs).toBe(2);
  });

  it("reads a period's own days only", () => {
    const f = figuresOf(
      days.filter((d) => d.day === "2026-05-05"),
      opts("2026-05-06T00:00:00Z"),
    );
    expect(f.bot).toMatchObject({ dialogs: 1, depth: 2, helpfulRate: 1, goals: 0, dropOffs: 1, handoffs: 0 });
  });

  it("is null (no data yet) when the bot had no dialog, and on rows counted before bots were", () => {
    const plain = aggregateDays([stream[6]], "UTC", utc);
    expect(figuresOf(plain, opts("2026-05-06T00:00:00Z")).bot).toBeNull();
    const old = plain.map(({ bot: _b, video: _v, ...row }) => row);
    expect(figuresOf(old, opts("2026-05-06T00:00:00Z")).bot).toBeNull();
    expect(figuresOf(old, opts("2026-05-06T00:00:00Z")).video).toBeNull();
  });
});

describe("video figures of a synthetic stream", () => {
  it("counts calls, durations, screen sharing and appointments", () => {
    const f = figuresOf(days, opts("2026-05-06T00:00:00Z"));
    // Calls B 2 + E 1 + F 2; answered 3; durations 2, 5, 10 min: mean 340 s, median 300 s, p90 600 s.
    expect(f.video).toEqual({
      requested: 5,
      answered: 3,
      missed: 1,
      declined: 1,
      answerRate: 0.6,
      duration: { count: 3, mean: 340_000, median: 300_000, p90: 600_000 },
      screenShared: 1,
      appointments: { booked: 3, attended: 1, noShow: 1, attendRate: 0.5 },
    });
  });

  it("is null without calls or appointments", () => {
    const onlyBot = aggregateDays([stream[0]], "UTC", utc);
    expect(figuresOf(onlyBot, opts("2026-05-06T00:00:00Z")).video).toBeNull();
  });

  it("downloads as CSV tables, empty but for the header when there is no data", () => {
    const f = figuresOf(days, opts("2026-05-05T09:20:00Z"));
    const video = tableCsv(f, "video").split("\r\n");
    expect(video[0]).toBe("figure,value");
    expect(video).toContain("calls_requested,5");
    expect(video).toContain("duration_median_s,300");
    expect(tableCsv(f, "bot").split("\r\n")).toContain("helpful_rate,0.5");
    const none = figuresOf([], opts("2026-05-06T00:00:00Z"));
    expect(tableCsv(none, "bot")).toBe("figure,value\r\n");
  });
});

describe("activity in the facts", () => {
  const entry = (activity?: InboxEntry["activity"]): InboxEntry =>
    inboxEntry({ id: "c1", ...(activity ? { activity } : {}) });

  it("takes the newest activity, and keeps the last known one from a summary without it", () => {
    const first = mergeFacts(null, entry({ bot: bot({ depth: 2, lastBotAt: 5 }) }));
    expect(first.bot?.depth).toBe(2);
    const newer = mergeFacts(
      first,
      entry({ bot: bot({ depth: 3, lastBotAt: 6 }), appointments: { booked: 1, attended: 0, noShow: 0 } }),
    );
    expect(newer.bot?.depth).toBe(3);
    expect(newer.appointments?.booked).toBe(1);
    expect(newer.calls).toBeNull();
    expect(mergeFacts(newer, entry()).bot?.depth).toBe(3);
  });
});
