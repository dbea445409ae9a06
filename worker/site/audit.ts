/**
 * The audit log of settings changes: who changed what, when. Written by every admin action
 * that changes settings, the team or routing; read by the owner in the admin app.
 */
import type { AuditEntry } from "../protocol";
import type { Operator } from "./team/auth";

/** Who did something: the operator of the session. */
export type Actor = Pick<Operator, "id" | "name" | "role">;

/** Appends one entry. `details` holds what changed (e.g. `{from, to}` pairs). */
export function record(
  sql: SqlStorage,
  actor: Actor,
  action: string,
  target: string | null,
  details: Record<string, unknown> | null = null,
  now = Date.now(),
): void {
  sql.exec(
    "INSERT INTO audit (at, actor_id, actor_name, action, target, details) VALUES (?, ?, ?, ?, ?, ?)",
    now,
    actor.id,
    actor.name,
    action,
    target,
    details ? JSON.stringify(details) : null,
  );
}

/** Newest entries first; pass the last id seen as `before` for the next page. */
export function list(sql: SqlStorage, opts: { before?: number; limit?: number } = {}): AuditEntry[] {
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 200);
  const rows = sql
    .exec<{
      id: number;
      at: number;
      actor_id: string;
      actor_name: string;
      action: string;
      target: string | null;
      details: string | null;
    }>("SELECT * FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?", opts.before ?? Number.MAX_SAFE_INTEGER, limit)
    .toArray();
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actor: { id: r.actor_id, name: r.actor_name },
    action: r.action,
    target: r.target,
    details: r.details ? JSON.parse(r.details) : null,
  }));
}

/**
 * What changed between two plain objects, one level of nesting deep:
 * `diff({look: {color: "#000"}}, {look: {color: "#fff"}})` → `{"look.color": {from: "#000", to: "#fff"}}`.
 */
export function diff(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  prefix = "",
): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[key];
    const b = after[key];
    if (!prefix && isPlainObject(a) && isPlainObject(b)) {
      Object.assign(out, diff(a, b, `${key}.`));
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      out[prefix + key] = { from: a ?? null, to: b ?? null };
    }
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
