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
    // Arriving together, their 1,000 messages read as more within the second under way...
    expect(t.messagesPerSecond(2_500)).toBeGreaterThanOrEqual(500);
    // ...and when nothing has arrived for two seconds, the rates hold.
    expect(t.messagesPerSecond(4_100)).toBeCloseTo(500, 0);
  });

  it("counts the messages a summary folds in, and none twice when a preview showed it first", () => {
    const t = new InboxTraffic();
    for (let i = 0; i < 10; i++) t.summary(`c${i}`, 1, 0);
    // A second on, each summary folds 30 messages: 300 within half a second of it.
    for (let i = 0; i < 10; i++) t.summary(`c${i}`, 31, 1_000);
    expect(t.messagesPerSecond(1_500)).toBeCloseTo(600, 0);

    const w = new InboxTraffic();
    for (let i = 0; i < 10; i++) w.summary(`c${i}`, 1, 0);
    // Previews show 5 new messages of each; the summaries that follow fold the same 5.
    for (let i = 0; i < 10; i++) w.preview(`c${i}`, 6, 1_000);
    for (let i = 0; i < 10; i++) w.summary(`c${i}`, 6, 1_100);
    expect(w.messagesPerSecond(1_500)).toBeCloseTo(100, 0); // 50 within half a second
    // A preview without a seq (from an object of an older version) counts nothing.
    w.preview("c0", Number.NaN, 1_600);
    expect(w.messagesPerSecond(1_600)).toBeCloseTo(50 / 0.6, 0);
  });

  it("tells a crowd of new conversations starting together from the same number coming steadily", () => {
    const t = new InboxTraffic();
    for (let i = 0; i < 51; i++) t.summary(`c${i}`, 1, 1_000 + i * 4); // 51 within 200 ms
    for (let i = 0; i < 51; i++) t.summary(`c${i}`, 2, 1_300); // known: not new again
    t.preview("unknown", 3, 1_300); // a preview makes no conversation known
    expect(t.crowdStarting(50, 250, 1_300)).toBe(true);
    expect(t.crowdStarting(51, 250, 1_300)).toBe(false); // not more than 51
    expect(t.crowdStarting(50, 250, 1_500)).toBe(false); // the last came 300 ms ago

    const steady = new InboxTraffic();
    for (let i = 0; i < 200; i++) steady.summary(`c${i}`, 1, i * 10); // 100 a second for two seconds
    expect(steady.crowdStarting(50, 250, 2_000)).toBe(false);
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
