/**
 * Blocked visitors: by visitor id and, optionally, by the address they last came from (the
 * Worker's HMAC key of the IP, never the IP itself), until a time. A blocked visitor's
 * session request is refused with `visitor_blocked` (the widget says chat is unavailable)
 * and the sockets of their conversation are closed.
 */
import { randomHex } from "../../lib/crypto";
import { failure, type Failure } from "../../lib/errors";
import type { BlockedEntry } from "../../protocol";
import * as audit from "../audit";

/** The refusal a blocked visitor's widget gets. */
export function blockedFailure(until: number): Failure {
  return failure(403, "visitor_blocked", `chat is unavailable for this visitor until ${new Date(until).toISOString()}`);
}

/** The block in force on the visitor or the address, or null. */
export function blockOn(sql: SqlStorage, visitorId: string | undefined, ipKey: string | undefined, now = Date.now()) {
  const row = sql
    .exec<{ until: number }>(
      `SELECT MAX(until) AS until FROM blocks WHERE until > ? AND
         ((kind = 'visitor' AND value = ?) OR (kind = 'ip' AND value = ?))`,
      now,
      visitorId ?? "",
      ipKey ?? "",
    )
    .one();
  return row.until ? { until: row.until } : null;
}

/** Blocks a visitor (and their address when known and asked) for `hours`. */
export function block(
  sql: SqlStorage,
  actor: audit.Actor,
  target: { visitorId: string; ipKey: string | null; conversationId: string },
  options: { hours: number; ip: boolean; reason: string },
  now = Date.now(),
): BlockedEntry[] {
  const until = now + options.hours * 3600_000;
  const made: BlockedEntry[] = [];
  const kinds: Array<["visitor" | "ip", string]> = [["visitor", target.visitorId]];
  if (options.ip && target.ipKey) kinds.push(["ip", target.ipKey]);
  for (const [kind, value] of kinds) {
    const id = `b_${randomHex(8)}`;
    sql.exec("DELETE FROM blocks WHERE kind = ? AND value = ?", kind, value);
    sql.exec(
      "INSERT INTO blocks (id, kind, value, visitor_id, until, reason, by, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      id,
      kind,
      value,
      target.visitorId,
      until,
      options.reason,
      actor.name,
      now,
    );
    made.push({ id, kind, visitorId: target.visitorId, until, reason: options.reason, by: actor.name, at: now });
  }
  audit.record(sql, actor, "visitor.block", target.visitorId, {
    conversation: target.conversationId,
    hours: options.hours,
    ip: kinds.length > 1,
    ...(options.reason ? { reason: options.reason } : {}),
  });
  return made;
}

/** Blocks in force, the latest first; expired ones are deleted on the way. */
export function blocks(sql: SqlStorage, now = Date.now()): BlockedEntry[] {
  sql.exec("DELETE FROM blocks WHERE until <= ?", now);
  return sql
    .exec<{
      id: string;
      kind: "visitor" | "ip";
      visitor_id: string;
      until: number;
      reason: string;
      by: string;
      at: number;
    }>("SELECT * FROM blocks ORDER BY at DESC")
    .toArray()
    .map((r) => ({
      id: r.id,
      kind: r.kind,
      visitorId: r.visitor_id,
      until: r.until,
      reason: r.reason,
      by: r.by,
      at: r.at,
    }));
}

/** Lifts a block (both of a visitor's when `id` is one of them); 404 when there is none. */
export function unblock(sql: SqlStorage, actor: audit.Actor, id: string): { visitorId: string } | Failure {
  const row = sql.exec<{ visitor_id: string }>("SELECT visitor_id FROM blocks WHERE id = ?", id).toArray()[0];
  if (!row) return failure(404, "not_found", "no such block");
  sql.exec("DELETE FROM blocks WHERE visitor_id = ?", row.visitor_id);
  audit.record(sql, actor, "visitor.unblock", row.visitor_id);
  return { visitorId: row.visitor_id };
}
