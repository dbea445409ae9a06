import { describe, expect, it } from "vitest";
import { tableCsv } from "./csv";
import { figuresOf } from "./figures";
import { parsePeriod } from "./period";

describe("parsePeriod", () => {
  it("accepts a period and names the one before it", () => {
    expect(parsePeriod({ from: "2026-03-01", to: "2026-03-31", tz: "Europe/Berlin" }, "UTC")).toEqual({
      ok: true,
      period: {
        from: "2026-03-01",
        to: "2026-03-31",
        timeZone: "Europe/Berlin",
        days: 31,
        previous: { from: "2026-01-29", to: "2026-02-28" },
      },
    });
  });
  it("falls back to the site's zone", () => {
    const r = parsePeriod({ from: "2026-03-01", to: "2026-03-01" }, "Asia/Kolkata");
    expect(r.ok && r.period.timeZone).toBe("Asia/Kolkata");
  });
  it("refuses from after to, over two years, unknown zones and non-dates", () => {
    expect(parsePeriod({ from: "2026-03-02", to: "2026-03-01" }, "UTC")).toMatchObject({
      ok: false,
      field: "from",
      message: "from must not be after to",
    });
    expect(parsePeriod({ from: "2024-01-01", to: "2026-01-01" }, "UTC")).toMatchObject({ ok: false, field: "to" });
    expect(parsePeriod({ from: "2024-01-01", to: "2025-12-31" }, "UTC").ok).toBe(true);
    expect(parsePeriod({ from: "2026-03-01", to: "2026-03-02", tz: "Mars/Olympus" }, "UTC")).toMatchObject({
      ok: false,
      field: "tz",
    });
    expect(parsePeriod({ from: "2026-02-30", to: "2026-03-02" }, "UTC")).toMatchObject({ ok: false, field: "from" });
    expect(parsePeriod({ from: "2026-03-01" }, "UTC")).toMatchObject({ ok: false, field: "to" });
  });
});

describe("tableCsv", () => {
  it("quotes fields and defuses spreadsheet formulas in names", () => {
    const f = figuresOf([], { missedAfterMs: 1, now: 0 });
    f.byOperator = [{ id: "op1", conversations: 2, answered: 1, firstResponseMean: 1500 }];
    expect(tableCsv(f, "operators", { op1: '=HYPERLINK("x"), Ann' })).toBe(
      'id,name,conversations,answered,first_response_mean_s\r\nop1,"\'=HYPERLINK(""x""), Ann",2,1,2\r\n',
    );
    expect(tableCsv(f, "hours").split("\r\n")).toHaveLength(26);
  });
});
