/**
 * Routing: round-robin assignment of new conversations among the online operators of a
 * department (or of the whole team), skipping anyone at their capacity of open
 * conversations. Conversations nobody can take wait in the unassigned queue and are handed
 * out when an operator comes online, frees capacity or joins their department.
 */
import { failure, fieldFailure, type Failure } from "../lib/errors";
import { conversationStub } from "../lib/jurisdiction";
import type { InboxEntry, Routing } from "../protocol";
import * as audit from "./audit";
import { department, hasDepartment } from "./departments";
import { defer, type SiteHost } from "./host";
import { onlineOperators } from "./presence";
import { readSetting, writeSetting } from "./settings";
import { operatorRow } from "./team/members";

/** A routing decision not yet confirmed by the conversation's summary is trusted this long. */
export const PENDING_MS = 30_000;

export interface Candidate {
  id: string;
  capacity: number;
  load: number;
}

/**
 * Pure round-robin: the first candidate after `lastId` (in id order, wrapping) with room.
 * `pickRoundRobin([{id:"a",capacity:1,load:0},{id:"b",capacity:1,load:1}], "a")` → "a".
 */
export function pickRoundRobin(candidates: readonly Candidate[], lastId: string | null): string | null {
  const sorted = [...candidates].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  const start = lastId === null ? 0 : sorted.findIndex((c) => c.id > lastId);
  const from = Math.max(start, 0);
  for (let i = 0; i < sorted.length; i++) {
    const c = sorted[(from + i) % sorted.length]!;
    if (c.load < c.capacity) return c.id;
  }
  return null;
}

/** The site's routing settings. Automatic assignment is off until an admin turns it on. */
export function readRouting(sql: SqlStorage): Routing {
  return readSetting<Routing>(sql, "routing") ?? { auto: false, defaultDepartmentId: null };
}

/** Saves routing settings (audited). */
export function saveRouting(sql: SqlStorage, actor: audit.Actor, input: Routing): Routing | Failure {
  if (input.defaultDepartmentId && !department(sql, input.defaultDepartmentId)) {
    return fieldFailure(400, "unknown_department", "defaultDepartmentId", "no such department");
  }
  const before = readRouting(sql);
  writeSetting(sql, "routing", input);
  const changes = audit.diff({ ...before }, { ...input });
  if (Object.keys(changes).length) audit.record(sql, actor, "routing.update", null, changes);
  return input;
}

/**
 * Routing's side of deleting a department: the default that was it goes back to the whole
 * team (a department without members would place nobody, while Settings showed no default),
 * and its round-robin turn is forgotten.
 */
export function forgetDepartment(sql: SqlStorage, actor: audit.Actor, id: string): void {
  sql.exec("DELETE FROM settings WHERE key = ?", `rr:${id}`);
  const before = readRouting(sql);
  if (before.defaultDepartmentId !== id) return;
  writeSetting(sql, "routing", { ...before, defaultDepartmentId: null });
  audit.record(sql, actor, "routing.update", null, { defaultDepartmentId: { from: id, to: null } });
}

/** Open conversations per operator, counting decisions still on their way. */
function loads(sql: SqlStorage, now: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of sql.exec<{ a: string; n: number }>(
    `SELECT json_extract(entry, '$.assignee') AS a, COUNT(*) AS n FROM inbox
     WHERE status = 'open' AND json_extract(entry, '$.assignee') IS NOT NULL GROUP BY a`,
  ))
    out.set(r.a, r.n);
  for (const r of sql.exec<{ operator_id: string; n: number }>(
    "SELECT operator_id, COUNT(*) AS n FROM route_pending WHERE at > ? GROUP BY operator_id",
    now - PENDING_MS,
  ))
    out.set(r.operator_id, (out.get(r.operator_id) ?? 0) + r.n);
  return out;
}

/** Picks the next operator for a department (null: the whole team), or null when all are full or away. */
export function chooseOperator(
  sql: SqlStorage,
  departmentId: string | null,
  online: ReadonlySet<string>,
  now = Date.now(),
): string | null {
  const pool = departmentId
    ? sql
        .exec<{ id: string; capacity: number }>(
          "SELECT o.id, o.capacity FROM operators o JOIN department_members m ON m.operator_id = o.id WHERE m.department_id = ?",
          departmentId,
        )
        .toArray()
    : sql.exec<{ id: string; capacity: number }>("SELECT id, capacity FROM operators").toArray();
  const load = loads(sql, now);
  const candidates = pool.filter((o) => online.has(o.id)).map((o) => ({ ...o, load: load.get(o.id) ?? 0 }));
  const cursorKey = `rr:${departmentId ?? "*"}`;
  const picked = pickRoundRobin(candidates, readSetting<string>(sql, cursorKey));
  if (picked) writeSetting(sql, cursorKey, picked);
  return picked;
}

/** Remembers a decision until the conversation's summary shows it. */
export function markPending(sql: SqlStorage, conversationId: string, operatorId: string, now = Date.now()): void {
  sql.exec(
    "INSERT INTO route_pending (conversation_id, operator_id, at) VALUES (?, ?, ?) ON CONFLICT (conversation_id) DO UPDATE SET operator_id = excluded.operator_id, at = excluded.at",
    conversationId,
    operatorId,
    now,
  );
}

/** Forgets a decision once the summary carries an assignee or the conversation is closed. */
export function settlePending(sql: SqlStorage, entry: InboxEntry): void {
  if (entry.assignee || entry.status !== "open")
    sql.exec("DELETE FROM route_pending WHERE conversation_id = ?", entry.id);
}

/** True when a new summary is a conversation routing should place: open, unassigned, the visitor wrote, not on its way. */
export function needsRouting(sql: SqlStorage, entry: InboxEntry, now = Date.now()): boolean {
  if (entry.status !== "open" || entry.assignee || entry.firstVisitorAt === null) return false;
  return !sql
    .exec("SELECT 1 FROM route_pending WHERE conversation_id = ? AND at > ?", entry.id, now - PENDING_MS)
    .toArray().length;
}

/**
 * The unassigned queue: the ids of open conversations nobody has, longest waiting first
 * (ids only: a pass reads each entry when it comes to it, see routeQueue).
 */
export function queue(sql: SqlStorage, limit = 20, now = Date.now()): string[] {
  return sql
    .exec<{ id: string }>(
      `SELECT id FROM inbox WHERE status = 'open' AND json_extract(entry, '$.assignee') IS NULL
         AND json_extract(entry, '$.firstVisitorAt') IS NOT NULL
         AND id NOT IN (SELECT conversation_id FROM route_pending WHERE at > ?)
       ORDER BY COALESCE(json_extract(entry, '$.waitingSince'), updated_at) LIMIT ?`,
      now - PENDING_MS,
      limit,
    )
    .toArray()
    .map((r) => r.id);
}

// ---- assigning: the parts that ask Conversations ----

/** After each stored summary: place it if routing is on, or hand out the queue when one closed. */
export function afterInboxChange(host: SiteHost, entry: InboxEntry, routing = readRouting(host.sql)): void {
  settlePending(host.sql, entry);
  if (!routing.auto) return;
  if (needsRouting(host.sql, entry)) defer(host, "routing", route(host, entry));
  else if (entry.status === "resolved") defer(host, "routing", routeQueue(host));
}

/** Hands out queued conversations while someone has room (operator online, capacity freed). */
export async function routeQueue(host: SiteHost): Promise<void> {
  if (!readRouting(host.sql).auto) return;
  for (const id of queue(host.sql)) {
    // While one assignment is awaited another pass (an operator online, a setting saved) or a
    // summary may place the next ones of this list: each is read again, so none goes twice.
    const entry = stillWaiting(host.sql, id);
    if (entry) await route(host, entry);
  }
}

/** A conversation's stored entry while routing should still place it, else null. */
function stillWaiting(sql: SqlStorage, id: string): InboxEntry | null {
  const row = sql.exec<{ entry: string }>("SELECT entry FROM inbox WHERE id = ?", id).toArray()[0];
  const entry = row ? (JSON.parse(row.entry) as InboxEntry) : null;
  return entry && needsRouting(sql, entry) ? entry : null;
}

/**
 * The assignee and department an assign request means: with only a department, the next
 * operator of it by round-robin (null when nobody has room: the conversation waits).
 */
export function assignTarget(
  host: SiteHost,
  input: { operatorId?: string | null; departmentId?: string | null },
): { assignee: string | null; department: string | null } | Failure {
  const dep = input.departmentId ?? null;
  if (dep && !department(host.sql, dep)) return failure(404, "unknown_department", "no such department");
  if (input.operatorId) {
    if (!operatorRow(host.sql, input.operatorId)) return failure(404, "unknown_operator", "no such operator");
    return { assignee: input.operatorId, department: dep };
  }
  if (input.operatorId === undefined && dep) {
    return { assignee: chooseOperator(host.sql, dep, onlineOperators(host)), department: dep };
  }
  return { assignee: null, department: dep };
}

async function route(host: SiteHost, entry: InboxEntry): Promise<void> {
  const { sql } = host;
  // A deleted department has no members: a conversation still in one (or a default stored
  // before deletions cleared it) is placed as a conversation without a department.
  const dep = [entry.department, readRouting(sql).defaultDepartmentId].find((d) => d && hasDepartment(sql, d)) ?? null;
  const picked = chooseOperator(sql, dep, onlineOperators(host));
  const siteKey = host.siteKey();
  const conversation = conversationStub(host.env, entry.id);
  if (!picked || !siteKey || !conversation) return;
  markPending(sql, entry.id, picked);
  try {
    const result = await conversation.operatorAction(siteKey, { type: "assign", assignee: picked, department: dep });
    if ("error" in result) throw new Error(result.error.message);
  } catch (err) {
    console.error("routing: assignment failed", err);
    sql.exec("DELETE FROM route_pending WHERE conversation_id = ?", entry.id);
  }
}
