/**
 * Reports of a site: the facts and day rows it records (`record.ts`) read back as a
 * period's figures and the previous period's, or as CSV tables. Definitions: docs/metrics.md.
 */
import { DAY_MS, parseDate } from "../../autoreply/calendar";
import { fieldFailure, type Failure } from "../../lib/errors";
import {
  aggregateDays,
  figuresOf,
  localDay,
  parsePeriod,
  tableCsv,
  type Figures,
  type Period,
  type ReportTable,
} from "../../reports";
import { listDepartments } from "../departments";
import type { SiteHost } from "../host";
import { listTeam } from "../team/members";
import { conversionOf } from "./conversion";
import { dayRows, factsBetween, reportZone, rollUp, rowsAreIn } from "./record";

export { countVisitor } from "./conversion";
export { recordSummaries, REPORTS_ROLLUP_TIMER, rollUp } from "./record";
export {
  REPORTS_DIGEST_TIMER,
  digestSubscribed,
  readDigestToken,
  sendDigest,
  setDigestSubscribed,
} from "./digest";

/** What `GET /api/v1/admin/reports` asks: local dates, a zone, the missed threshold in minutes. */
export interface ReportQuery {
  from?: string;
  to?: string;
  tz?: string;
  missedAfter?: number;
}

/** The missed threshold when none is asked for, in minutes. */
export const DEFAULT_MISSED_AFTER_MIN = 5;

export interface Report {
  period: Period;
  missedAfterMin: number;
  figures: Figures;
  previous: Figures;
  /** Department and operator names by id, for labels. */
  names: Record<string, string>;
}

/** The figures of a period and of the one before it; a 400 names a bad field. */
export async function report(host: SiteHost, query: ReportQuery, now = Date.now()): Promise<Report | Failure> {
  const { timeZone } = reportZone(host.sql);
  const checked = parsePeriod(query, timeZone);
  if (!checked.ok) return fieldFailure(400, "invalid_period", checked.field, checked.message);
  const missedAfterMin = query.missedAfter ?? DEFAULT_MISSED_AFTER_MIN;
  if (!Number.isInteger(missedAfterMin) || missedAfterMin < 1 || missedAfterMin > 1440) {
    return fieldFailure(400, "invalid_period", "missedAfter", "missedAfter is a whole number of minutes, 1 to 1440");
  }
  await rollUp(host, true);
  const { period } = checked;
  const opts = { missedAfterMs: missedAfterMin * 60_000, now };
  const figures = (from: string, to: string) => ({
    ...figuresOf(daysOf(host.sql, period.timeZone, timeZone, from, to), opts),
    conversion: conversionOf(host.sql, period.timeZone, from, to),
  });
  return {
    period,
    missedAfterMin,
    figures: figures(period.from, period.to),
    previous: figures(period.previous.from, period.previous.to),
    names: namesOf(host.sql),
  };
}

/** One table of a report as CSV. */
export async function reportCsv(host: SiteHost, query: ReportQuery, table: ReportTable): Promise<string | Failure> {
  const result = await report(host, query);
  if ("error" in result) return result;
  return tableCsv(result.figures, table, result.names);
}

/**
 * Day rows of a period: the stored ones when asked in the zone they were counted in,
 * else counted now from the facts (a report in another zone, or after the site moved).
 */
function daysOf(sql: SqlStorage, asked: string, siteZone: string, from: string, to: string) {
  if (asked === siteZone && rowsAreIn(sql, siteZone)) return dayRows(sql, from, to);
  // Local dates are within 14 hours of UTC ones: a day of margin each side, then filter.
  const start = (parseDate(from) ?? 0) * DAY_MS - DAY_MS;
  const end = ((parseDate(to) ?? 0) + 1) * DAY_MS + DAY_MS;
  const facts = factsBetween(sql, start, end).filter((f) => {
    const day = localDay(asked, f.firstVisitorAt ?? 0);
    return day >= from && day <= to;
  });
  return aggregateDays(facts, asked, reportZone(sql).schedule);
}

function namesOf(sql: SqlStorage): Record<string, string> {
  const names: Record<string, string> = {};
  for (const d of listDepartments(sql)) names[d.id] = d.name;
  for (const m of listTeam(sql, new Set())) names[m.id] = m.name;
  return names;
}
