/**
 * Events a CMS plugin reports server-to-server (signed with the plugin secret). For now one:
 * `order_placed`, kept per site for the conversion reports: which visitor (the widget's
 * visitor id from its cookie, else the shop's user id mapped to a contact) bought what total.
 * An order is stored once however often it is reported.
 */
import { z } from "zod";

export const EVENT_TYPES = ["order_placed"] as const;

export const orderPlacedEvent = z.object({
  type: z.literal("order_placed"),
  visitorId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,128}$/, "visitorId is the widget's visitor id")
    .nullable()
    .optional(),
  userId: z.string().trim().max(64).nullable().optional(),
  orderId: z.string().trim().min(1, "orderId is required").max(64),
  total: z.number().finite().min(0, "total is not negative").max(1e12),
  currency: z.string().regex(/^[A-Z]{3}$/, "currency is an ISO 4217 code such as EUR"),
  at: z.iso.datetime({ offset: true, error: "at is an ISO 8601 instant" }).optional(),
});
export type OrderPlacedEvent = z.infer<typeof orderPlacedEvent>;

/** An order as stored: `at` in epoch ms. */
export interface OrderEvent {
  orderId: string;
  visitorId: string | null;
  userId: string | null;
  total: number;
  currency: string;
  at: number;
}

/** Stores an order; `duplicate` when this order id was reported before. */
export function recordOrder(
  sql: SqlStorage,
  e: OrderPlacedEvent,
  now = Date.now(),
): { duplicate: boolean; visitorId: string | null } {
  const userId = e.userId || null;
  const visitorId =
    e.visitorId ??
    (userId
      ? sql.exec<{ visitor_id: string }>("SELECT visitor_id FROM contacts WHERE user_id = ?", userId).toArray()[0]
          ?.visitor_id
      : undefined) ??
    null;
  const at = e.at ? Date.parse(e.at) : now;
  const { rowsWritten } = sql.exec(
    `INSERT INTO order_events (order_id, visitor_id, user_id, total, currency, at, received_at)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (order_id) DO NOTHING`,
    e.orderId,
    visitorId,
    userId,
    e.total,
    e.currency,
    at,
    now,
  );
  return { duplicate: rowsWritten === 0, visitorId };
}

/** Orders placed in `[since, until)`, oldest first (for the reports). */
export function orderEvents(
  sql: SqlStorage,
  range: { since?: number; until?: number; limit?: number } = {},
): OrderEvent[] {
  const limit = Math.min(Math.max(range.limit ?? 1000, 1), 10_000);
  return sql
    .exec<{
      order_id: string;
      visitor_id: string | null;
      user_id: string | null;
      total: number;
      currency: string;
      at: number;
    }>(
      "SELECT * FROM order_events WHERE at >= ? AND at < ? ORDER BY at LIMIT ?",
      range.since ?? 0,
      range.until ?? Number.MAX_SAFE_INTEGER,
      limit,
    )
    .toArray()
    .map((r) => ({
      orderId: r.order_id,
      visitorId: r.visitor_id,
      userId: r.user_id,
      total: r.total,
      currency: r.currency,
      at: r.at,
    }));
}

/** Signatures of POSTs seen in the last window, to refuse a replay inside the ±300 s window. */
export function firstUse(sql: SqlStorage, signature: string, now = Date.now(), windowMs = 600_000): boolean {
  sql.exec("DELETE FROM plugin_nonces WHERE at < ?", now - windowMs);
  const { rowsWritten } = sql.exec(
    "INSERT INTO plugin_nonces (signature, at) VALUES (?, ?) ON CONFLICT (signature) DO NOTHING",
    signature.toLowerCase(),
    now,
  );
  return rowsWritten > 0;
}
