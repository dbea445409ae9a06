import { describe, expect, it } from "vitest";
import { aggregateDays } from "./days";
import { digestEmail, digestRows, digestWeeks, nextDigestAt } from "./digest";
import type { ConversationFacts } from "./facts";
import { conversationFacts } from "./facts.fixture";
import { figuresOf } from "./figures";
import { schedule } from "../autoreply/schema";

const at = (iso: string) => Date.parse(iso);

describe("when the weekly digest is due", () => {
  it("is the next Monday 08:00 in the site's zone, across the spring DST switch", () => {
    // Wed 25 Mar 2026, Berlin (CET, +1): next Monday is 30 Mar, after the switch on 29 Mar → CEST, +2.
    expect(new Date(nextDigestAt("Europe/Berlin", at("2026-03-25T12:00:00Z"))).toISOString()).toBe(
      "2026-03-30T06:00:00.000Z",
    );
    // Monday 07:59 local is still that morning; 08:00 is next week's.
    expect(new Date(nextDigestAt("Europe/Berlin", at("2026-03-30T05:59:00Z"))).toISOString()).toBe(
      "2026-03-30T06:00:00.000Z",
    );
    expect(new Date(nextDigestAt("Europe/Berlin", at("2026-03-30T06:00:00Z"))).toISOString()).toBe(
      "2026-04-06T06:00:00.000Z",
    );
    // Sunday 23:30 UTC is already Monday 08:30 in Tokyo: the next is a week on.
    expect(new Date(nextDigestAt("Asia/Tokyo", at("2026-03-29T23:30:00Z"))).toISOString()).toBe(
      "2026-04-05T23:00:00.000Z",
    );
  });

  it("compares last Monday–Sunday with the week before", () => {
    expect(digestWeeks("Europe/Berlin", at("2026-03-30T06:00:00Z"))).toEqual({
      last: { from: "2026-03-23", to: "2026-03-29" },
      before: { from: "2026-03-16", to: "2026-03-22" },
    });
  });
});

describe("the digest's figures", () => {
  it("shows last week's headline figures against the week before, worked out by hand", () => {
    const conv = (id: string, f: Partial<ConversationFacts>) => conversationFacts(id, { createdAt: 0, ...f });
    const hours = schedule.parse({ timezone: "UTC", week: {} });
    const days = aggregateDays(
      [
        // Last week: answered in 60 s and 180 s (median 120 s = 2 min), one never answered and resolved (missed), ratings 5 and 4.
        conv("a", {
          firstVisitorAt: at("2026-03-23T10:00:00Z"),
          firstOperatorAt: at("2026-03-23T10:01:00Z"),
          rating: 5,
        }),
        conv("b", {
          firstVisitorAt: at("2026-03-25T10:00:00Z"),
          firstOperatorAt: at("2026-03-25T10:03:00Z"),
          rating: 4,
        }),
        conv("c", { firstVisitorAt: at("2026-03-29T10:00:00Z"), resolvedAt: at("2026-03-29T11:00:00Z") }),
        // The week before: one answered in 30 s.
        conv("d", { firstVisitorAt: at("2026-03-18T10:00:00Z"), firstOperatorAt: at("2026-03-18T10:00:30Z") }),
      ],
      "UTC",
      hours,
    );
    const weeks = digestWeeks("UTC", at("2026-03-30T08:00:00Z"));
    const pick = (w: { from: string; to: string }) =>
      figuresOf(
        days.filter((d) => d.day >= w.from && d.day <= w.to),
        { missedAfterMs: 300_000, now: at("2026-03-30T08:00:00Z") },
      );
    const rows = digestRows(pick(weeks.last), pick(weeks.before), "en");
    expect(rows).toEqual([
      ["Conversations", "3", "1"],
      ["Answered by a person", "2", "1"],
      ["First response, median", "2 min", "30 s"],
      ["Missed", "1", "0"],
      ["Satisfaction (1–5)", "4.5", "—"],
    ]);
    // Once the shop reports orders, the digest names those placed after a chat.
    const orders = {
      ...pick(weeks.last),
      conversion: { attributedOrders: 3, attributedRevenue: 120.5, currency: "EUR" } as never,
    };
    expect(digestRows(orders, pick(weeks.before), "en").at(-1)).toEqual(["Orders after a chat", "3 · 120.50 EUR", "—"]);
    const mail = digestEmail({
      site: "Shop <b>",
      locale: "ru",
      weeks,
      last: pick(weeks.last),
      before: pick(weeks.before),
      reportsUrl: "https://chat.example/admin/settings/reports",
      unsubscribeUrl: "https://chat.example/api/v1/digest/unsubscribe?t=x",
    });
    expect(mail.subject).toBe("Shop <b>: неделя чата, 2026-03-23 – 2026-03-29");
    expect(mail.text).toContain("Диалоги: 3 (1)");
    expect(mail.html).not.toContain("<b>Shop");
  });
});
