/**
 * The Site's side of conversion: it counts the widget's visitors per local day in a sketch
 * that keeps no visitor (table `visitor_days`, see worker/reports/visitor-sketch.ts), and
 * reads a period's orders (`order_events`, reported by the shop's plugin) against the
 * conversations of `report_facts`. Definitions: docs/metrics.md.
 */
import { parseDate } from "../../autoreply/calendar";
import { wallToInstant } from "../../autoreply/zone";
import {
  ATTRIBUTION_WINDOW_MS,
  conversionFigures,
  type AttributedOrder,
  type ConversionFigures,
} from "../../reports/conversion";
import type { ConversationFacts } from "../../reports/facts";
import { localDay } from "../../reports/days";
import { addSlot, emptySketch, estimate, mergeInto, slotOf } from "../../reports/visitor-sketch";
import type { SiteHost } from "../host";

/** Today's sketch of each Site object, so a page view of a visitor already counted costs no SQL. */
const today = new WeakMap<SqlStorage, { day: string; sketch: Uint8Array }>();

function sketchOn(sql: SqlStorage, day: string): Uint8Array {
  const cached = today.get(sql);
  if (cached?.day === day) return cached.sketch;
  const row = sql.exec<{ sketch: ArrayBuffer }>("SELECT sketch FROM visitor_days WHERE day = ?", day).toArray()[0];
  const sketch = row ? new Uint8Array(row.sketch) : emptySketch();
  today.set(sql, { day, sketch });
  return sketch;
}

function storeSketch(sql: SqlStorage, day: string, sketch: Uint8Array): void {
  sql.exec(
    "INSERT INTO visitor_days (day, sketch) VALUES (?, ?) ON CONFLICT (day) DO UPDATE SET sketch = excluded.sketch",
    day,
    sketch,
  );
}

/** Counts a page view of the widget's visitor on the site's local day (once per visitor and day). */
export async function countVisitor(
  host: Pick<SiteHost, "sql">,
  visitorId: string,
  timeZone: string,
  now = Date.now(),
): Promise<void> {
  const slot = await slotOf(visitorId);
  const day = localDay(timeZone, now);
  const sketch = sketchOn(host.sql, day);
  if (addSlot(sketch, slot)) storeSketch(host.sql, day, sketch);
}

/** Adds another sketch of a day (an imported site's) to this site's count of that day. */
export function mergeVisitorDay(sql: SqlStorage, day: string, other: Uint8Array): void {
  const sketch = sketchOn(sql, day);
  mergeInto(sketch, other);
  storeSketch(sql, day, sketch);
}

/** Different visitors counted on the site's local days `from`–`to`; null when none was counted. */
export function visitorsOn(sql: SqlStorage, from: string, to: string): number | null {
  const rows = sql
    .exec<{ sketch: ArrayBuffer }>("SELECT sketch FROM visitor_days WHERE day BETWEEN ? AND ?", from, to)
    .toArray();
  if (rows.length === 0) return null;
  const all = emptySketch();
  for (const r of rows) mergeInto(all, new Uint8Array(r.sketch));
  return estimate(all);
}

/** The instants a period of local dates covers in a zone: [start, end). */
export function periodInstants(timeZone: string, from: string, to: string): [number, number] {
  return [wallToInstant(timeZone, parseDate(from) ?? 0, 0), wallToInstant(timeZone, (parseDate(to) ?? 0) + 1, 0)];
}

/**
 * The conversion figures of local dates `from`–`to` in `timeZone`, or null ("no data yet")
 * while the shop's plugin has reported no order. Visitors are counted in the site's local
 * days, so a report in another zone counts the site's days of the same dates.
 */
export function conversionOf(sql: SqlStorage, timeZone: string, from: string, to: string): ConversionFigures | null {
  if (sql.exec("SELECT 1 FROM order_events LIMIT 1").toArray().length === 0) return null;
  const [start, end] = periodInstants(timeZone, from, to);
  // Each order with the newest conversation its visitor wrote in during the window before it.
  const orders = sql
    .exec<{ visitor_id: string | null; total: number; currency: string; facts: string | null }>(
      `SELECT o.visitor_id, o.total, o.currency,
         (SELECT f.facts FROM report_facts f
           WHERE f.visitor_id = o.visitor_id AND f.first_visitor_at <= o.at AND f.first_visitor_at > o.at - ?
           ORDER BY f.first_visitor_at DESC LIMIT 1) AS facts
       FROM order_events o WHERE o.at >= ? AND o.at < ?`,
      ATTRIBUTION_WINDOW_MS,
      start,
      end,
    )
    .toArray()
    .map(
      (r): AttributedOrder => ({
        visitorId: r.visitor_id,
        total: r.total,
        currency: r.currency,
        conversation: r.facts ? (JSON.parse(r.facts) as ConversationFacts) : null,
      }),
    );
  const chatting = sql
    .exec<{ visitors: number; buyers: number }>(
      `SELECT COUNT(DISTINCT f.visitor_id) AS visitors,
         COUNT(DISTINCT CASE WHEN EXISTS (
           SELECT 1 FROM order_events o
            WHERE o.visitor_id = f.visitor_id AND o.at >= f.first_visitor_at AND o.at < f.first_visitor_at + ?)
         THEN f.visitor_id END) AS buyers
       FROM report_facts f
       WHERE f.first_visitor_at >= ? AND f.first_visitor_at < ? AND f.visitor_id IS NOT NULL`,
      ATTRIBUTION_WINDOW_MS,
      start,
      end,
    )
    .one();
  return conversionFigures({
    orders,
    visitors: visitorsOn(sql, from, to),
    chattingVisitors: chatting.visitors,
    chattingBuyers: chatting.buyers,
  });
}
