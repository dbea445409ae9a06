import { describe, expect, it } from "vitest";
import { InboxTraffic } from "./traffic";

describe("InboxTraffic", () => {
  it("sees a rush from quiet within a quarter second, from what arrives", () => {
    const t = new InboxTraffic();
    t.summary("a", 1, 10_000);
    expect(t.messagesPerSecond(10_000)).toBeLessThan(10);
    for (let i = 0; i < 100; i++) t.summary(`c${i}`, 1, 10_100); // a hundred conversations start at once
    expect(t.messagesPerSecond(10_100)).toBeGreaterThan(200);
  });

  it("keeps each conversation's own rate when only its summaries come (no previews)", () => {
    const t = new InboxTraffic();
    for (let i = 0; i < 50; i++) t.summary(`c${i}`, 1, 0);
    // Two seconds later each summary brings 20 messages: 10 a second each, 500 together.
    for (let i = 0; i < 50; i++) t.summary(`c${i}`, 21, 2_000);
    expect(t.messagesPerSecond(2_500)).toBeCloseTo(500, 0);
    expect(t.messagesPerSecond(3_900)).toBeCloseTo(500, 0); // few arrivals now, the rates hold
  });

  it("forgets conversations quiet for five seconds, and their rates", () => {
    const t = new InboxTraffic();
    t.summary("a", 1, 0);
    t.summary("a", 101, 1_000);
    t.summary("b", 1, 1_000);
    expect(t.active(1_000)).toBe(2);
    expect(t.messagesPerSecond(1_500)).toBeGreaterThanOrEqual(100);
    expect(t.active(6_500)).toBe(0);
    expect(t.messagesPerSecond(6_500)).toBe(0);
  });
});
