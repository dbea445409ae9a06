/**
 * The site's team: listing operators, changing their name, role and capacity, removing them.
 * Rules: there is one owner, whose role nobody changes here and who cannot be removed;
 * nobody changes their own role or removes themselves; only owner/admin call these
 * (the route checks that, with a 403).
 */
import { failure, fieldFailure, type Failure } from "../../lib/errors";
import type { TeamMember } from "../../protocol";
import * as audit from "../audit";
import type { Role } from "./auth";

type Row = { id: string; email: string; name: string; role: Role; capacity: number };

/** Every operator, owner first, with whether they have the admin open and their departments. */
export function listTeam(sql: SqlStorage, online: ReadonlySet<string>): TeamMember[] {
  const members = new Map<string, string[]>();
  for (const m of sql.exec<{ department_id: string; operator_id: string }>("SELECT * FROM department_members")) {
    members.set(m.operator_id, [...(members.get(m.operator_id) ?? []), m.department_id]);
  }
  return sql
    .exec<Row>(
      `SELECT id, email, name, role, capacity FROM operators
       ORDER BY CASE role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, name COLLATE NOCASE`,
    )
    .toArray()
    .map((r) => ({ ...r, online: online.has(r.id), departmentIds: members.get(r.id) ?? [] }));
}

/** One operator, or null. */
export function operatorRow(sql: SqlStorage, id: string): Row | null {
  return sql.exec<Row>("SELECT id, email, name, role, capacity FROM operators WHERE id = ?", id).toArray()[0] ?? null;
}

/** Changes an operator's name, role or capacity, and records it in the audit log. */
export function updateOperator(
  sql: SqlStorage,
  actor: audit.Actor,
  id: string,
  patch: { name?: string; role?: Role; capacity?: number },
): Failure | Row {
  const row = operatorRow(sql, id);
  if (!row) return failure(404, "not_found", "no such operator");
  if (patch.role && patch.role !== row.role) {
    if (id === actor.id) return fieldFailure(403, "own_role", "role", "you cannot change your own role");
    if (row.role === "owner") return fieldFailure(403, "owner_role", "role", "the owner's role cannot be changed");
    if (patch.role === "owner")
      return fieldFailure(400, "invalid_role", "role", "there is one owner; make them admin instead");
    if (row.role === "admin" && actor.role !== "owner")
      return fieldFailure(403, "forbidden", "role", "only the owner changes an admin's role");
    // The same rule as invites: only the owner makes admins.
    if (patch.role === "admin" && actor.role !== "owner")
      return fieldFailure(403, "forbidden", "role", "only the owner makes someone an admin");
  }
  const next = { ...row, ...patch };
  sql.exec(
    "UPDATE operators SET name = ?, role = ?, capacity = ? WHERE id = ?",
    next.name,
    next.role,
    next.capacity,
    id,
  );
  const changes = audit.diff(
    { name: row.name, role: row.role, capacity: row.capacity },
    { name: next.name, role: next.role, capacity: next.capacity },
  );
  if (Object.keys(changes).length) audit.record(sql, actor, "operator.update", row.email, changes);
  return next;
}

/** Removes an operator with their sessions and department memberships. */
export function removeOperator(sql: SqlStorage, actor: audit.Actor, id: string): Failure | Row {
  const row = operatorRow(sql, id);
  if (!row) return failure(404, "not_found", "no such operator");
  if (row.role === "owner") return failure(403, "owner_role", "the owner cannot be removed");
  if (id === actor.id) return failure(403, "remove_self", "you cannot remove yourself");
  if (row.role === "admin" && actor.role !== "owner")
    return failure(403, "forbidden", "only the owner removes an admin");
  sql.exec("DELETE FROM sessions WHERE operator_id = ?", id);
  sql.exec("DELETE FROM department_members WHERE operator_id = ?", id);
  sql.exec("DELETE FROM password_resets WHERE operator_id = ?", id);
  sql.exec("DELETE FROM operators WHERE id = ?", id);
  audit.record(sql, actor, "operator.remove", row.email, { role: row.role });
  return row;
}
