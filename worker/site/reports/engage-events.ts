/**
 * Counters of greetings and proactive messages for the Reports: how many times each was
 * shown, replied to and dismissed, per local day in the site's zone (`engage_counts`; the
 * id is a greeting rule's, or `message` for operators' proactive messages). See docs/metrics.md.
 */
import type { EngageCount } from "../../protocol";
import { localDay } from "../../reports/days";
import { reportZone } from "./record";

export type EngageEvent = "shown" | "replied" | "dismissed";

/** Counts one event of greeting `id` (or "message") now. */
export function recordEngageEvent(sql: SqlStorage, id: string, event: EngageEvent, now = Date.now()): void {
  const day = localDay(reportZone(sql).timeZone, now);
  sql.exec(
    `INSERT INTO engage_counts (day, id, event, count) VALUES (?, ?, ?, 1)
     ON CONFLICT (day, id, event) DO UPDATE SET count = count + 1`,
    day,
    id,
    event,
  );
}

/** The counters of the local days `from`–`to` (YYYY-MM-DD, both included), per id. */
export function engageCounts(sql: SqlStorage, from: string, to: string): EngageCount[] {
  const byId = new Map<string, EngageCount>();
  for (const row of sql
    .exec<{ id: string; event: EngageEvent; n: number }>(
      "SELECT id, event, SUM(count) AS n FROM engage_counts WHERE day >= ? AND day <= ? GROUP BY id, event",
      from,
      to,
    )
    .toArray()) {
    const c = byId.get(row.id) ?? { id: row.id, shown: 0, replied: 0, dismissed: 0 };
    c[row.event] = row.n;
    byId.set(row.id, c);
  }
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}
