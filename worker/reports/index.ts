/**
 * Reports: pure metric definitions and aggregation (docs/metrics.md). Facts of a
 * conversation: `facts.ts`; per-day rows in a time zone: `days.ts`; a period's figures:
 * `figures.ts`; the period itself: `period.ts`; CSV tables: `csv.ts`.
 */
export { factsDiffer, mergeFacts, pageKey, type ConversationFacts } from "./facts";
export { aggregateDays, dayOf, emptyDay, localDay, type DayAggregate, type GroupCounts } from "./days";
export {
  START_PAGES_SHOWN,
  durations,
  figuresOf,
  missedOn,
  type DurationFigures,
  type Figures,
  type GroupFigures,
} from "./figures";
export { MAX_PERIOD_DAYS, parsePeriod, type Period, type PeriodResult } from "./period";
export { REPORT_TABLES, tableCsv, toCsv, type ReportTable } from "./csv";
export { DIGEST_MINUTE, digestEmail, digestRows, digestWeeks, nextDigestAt, type DigestWeeks } from "./digest";
