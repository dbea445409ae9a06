import { describe, expect, it } from "vitest";
import { pickRoundRobin } from "./routing";

const op = (id: string, load: number, capacity = 2) => ({ id, load, capacity });

describe("pickRoundRobin", () => {
  it("takes turns in id order, wrapping after the last", () => {
    const all = [op("b", 0), op("a", 0), op("c", 0)];
    expect(pickRoundRobin(all, null)).toBe("a");
    expect(pickRoundRobin(all, "a")).toBe("b");
    expect(pickRoundRobin(all, "c")).toBe("a");
    expect(pickRoundRobin(all, "bb")).toBe("c"); // the last one left the team
  });

  it("skips operators at capacity, and finds nobody when all are full", () => {
    expect(pickRoundRobin([op("a", 0), op("b", 2), op("c", 1)], "a")).toBe("c");
    expect(pickRoundRobin([op("a", 1, 1), op("b", 0, 0)], null)).toBeNull();
    expect(pickRoundRobin([], null)).toBeNull();
  });
});
