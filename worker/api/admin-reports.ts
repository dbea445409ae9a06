/**
 * Reports in the admin API (owner and admin; definitions in docs/metrics.md):
 *
 * - `GET /reports?from=YYYY-MM-DD&to=YYYY-MM-DD&tz=Zone&missedAfter=minutes`: the figures of
 *   the period (local dates, both included, at most 731 days; `tz` defaults to the site's)
 *   and of the period of the same length before it.
 * - `GET /reports/:table.csv?…` (daily, hours, weekdays, departments, operators, pages, bot, video, conversion): one table.
 * - `GET|PUT /reports/digest` `{subscribed}`: whether this owner gets the weekly digest email.
 */
import { z } from "zod";
import { ApiError, unwrap } from "../lib/errors";
import { readJson } from "./http";
import { REPORT_TABLES, type ReportTable } from "../reports";
import type { ReportQuery } from "../site/reports";
import { adminRoutes, requireRole, siteOf } from "./admin-http";

export const adminReports = adminRoutes();

function queryOf(c: { req: { query(name: string): string | undefined } }): ReportQuery {
  const missed = c.req.query("missedAfter");
  if (missed !== undefined && !/^\d{1,4}$/.test(missed)) {
    const message = "missedAfter is a whole number of minutes, 1 to 1440";
    throw new ApiError(400, "invalid_period", message, {}, { missedAfter: message });
  }
  return {
    from: c.req.query("from"),
    to: c.req.query("to"),
    tz: c.req.query("tz"),
    ...(missed ? { missedAfter: Number(missed) } : {}),
  };
}

adminReports.get("/reports", async (c) => {
  requireRole(c, "owner", "admin");
  return c.json(unwrap(await siteOf(c).report(queryOf(c))));
});

const digestBody = z.strictObject({ subscribed: z.boolean("subscribed is true or false") });

adminReports.get("/reports/digest", async (c) => {
  requireRole(c, "owner");
  return c.json({ subscribed: await siteOf(c).digestSubscribed(c.var.operator.id) });
});

adminReports.put("/reports/digest", async (c) => {
  requireRole(c, "owner");
  const { subscribed } = await readJson(c, digestBody);
  await siteOf(c).setDigestSubscribed(c.var.operator.id, subscribed);
  return c.json({ subscribed });
});

adminReports.get("/reports/:file", async (c) => {
  requireRole(c, "owner", "admin");
  const table = c.req.param("file").replace(/\.csv$/, "");
  if (!c.req.param("file").endsWith(".csv") || !(REPORT_TABLES as readonly string[]).includes(table)) {
    throw new ApiError(404, "unknown_table", `tables are ${REPORT_TABLES.map((t) => `${t}.csv`).join(", ")}`);
  }
  const query = queryOf(c);
  const csv = unwrap(await siteOf(c).reportCsv(query, table as ReportTable));
  return c.body(csv, 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${table}-${query.from}-${query.to}.csv"`,
  });
});
