/**
 * Reports of a site with 100,000 conversations over a year: how long counting the days
 * takes, and how long a year's report (with its previous year) answers, from the day rows
 * in the site's zone and from the facts in another zone — conversion included: an order
 * after every fifth conversation, as many orders of visitors who never chatted, and 1,000
 * visitors counted by the widget each day. Prints figures; asserts only that the counts are
 * right (never a timed test).
 */
import { env, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { type ConversationFacts, localDay } from "../../../worker/reports";
import { report } from "../../../worker/site/reports";
import { countVisitor } from "../../../worker/site/reports/conversion";
import { saveFacts, rollUp } from "../../../worker/site/reports/record";
import { recordOrder } from "../../../worker/site/plugin/events";
import type { SiteHost } from "../../../worker/site/host";
import { createSite } from "../helpers";

const N = Number(process.env.REPORTS_BENCH_N ?? 100_000);
const YEAR_MS = 365 * 86_400_000;

it(`reports a year of ${N} conversations`, async () => {
  await createSite("bench-reports");
  const stub = env.SITE.get(env.SITE.idFromName("bench-reports"));
  await runInDurableObject(stub, async (site) => {
    const host = (site as unknown as { host: SiteHost }).host;
    const end = Date.now();
    const start = end - YEAR_MS;
    let t = performance.now();
    host.ctx.storage.transactionSync(() => {
      for (let i = 0; i < N; i++) {
        const at = start + Math.floor((i / N) * YEAR_MS);
        const answered = i % 10 !== 0;
        const facts: ConversationFacts = {
          id: `c${i}`,
          createdAt: at,
          firstVisitorAt: at,
          firstOperatorAt: answered ? at + ((i * 7919) % 3_600_000) : null,
          resolvedAt: i % 3 === 0 ? at + 7_200_000 : null,
          channel: "chat",
          department: `d${i % 5}`,
          assignee: `op${i % 20}`,
          askedEmail: i % 4 === 0,
          emailKnown: i % 8 === 0,
          continuedByEmail: i % 16 === 0,
          rating: i % 5 === 0 ? 1 + (i % 5) : null,
        };
        saveFacts(host.sql, facts, `v${i % 60_000}`, "Europe/Berlin", null); // a new conversation each
        if (i % 5 === 0) {
          const order = { type: "order_placed" as const, currency: "EUR", total: 10 + (i % 90) };
          const placed = new Date(at + 60_000).toISOString();
          recordOrder(host.sql, { ...order, orderId: `o${i}`, visitorId: `v${i % 60_000}`, at: placed });
          recordOrder(host.sql, { ...order, orderId: `w${i}`, visitorId: `w${i}`, at: placed });
        }
      }
    });
    const stored = performance.now() - t;
    t = performance.now();
    for (let day = 0; day < 365; day++)
      for (let k = 0; k < 1000; k++)
        await countVisitor(host, `d${day}-${k}`, "Europe/Berlin", start + day * 86_400_000);
    const countedVisitors = performance.now() - t;
    t = performance.now();
    await rollUp(host, true);
    const counted = performance.now() - t;
    const q = { from: localDay("Europe/Berlin", start), to: localDay("Europe/Berlin", end) };
    t = performance.now();
    const year = await report(host, q);
    const fromRows = performance.now() - t;
    t = performance.now();
    const other = await report(host, { ...q, tz: "America/New_York" });
    const fromFacts = performance.now() - t;
    if ("error" in year || "error" in other) throw new Error("report refused");
    expect(year.figures.conversations).toBe(N);
    expect(year.figures.answered).toBe(N - Math.ceil(N / 10));
    expect(year.figures.conversion?.orders).toBe((2 * N) / 5);
    expect(year.figures.conversion?.attributedOrders).toBe(N / 5);
    console.log(
      JSON.stringify({
        conversations: N,
        storeFactsMs: Math.round(stored),
        countVisitorsMs: Math.round(countedVisitors),
        visitorsEstimated: year.figures.conversion?.visitors,
        visitorsCounted: 365_000,
        countDaysMs: Math.round(counted),
        yearReportFromDayRowsMs: Math.round(fromRows),
        yearReportInAnotherZoneMs: Math.round(fromFacts),
        dayRows: host.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM report_days").one().n,
      }),
    );
  });
});
