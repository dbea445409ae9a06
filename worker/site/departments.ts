/** Departments: named groups of operators that conversations can be assigned and routed to. */
import { failure, fieldFailure, type Failure } from "../lib/errors";
import { randomHex } from "../lib/crypto";
import type { Department } from "../protocol";
import * as audit from "./audit";

/** All departments with their operators, by name. */
export function listDepartments(sql: SqlStorage): Department[] {
  const members = new Map<string, string[]>();
  for (const m of sql.exec<{ department_id: string; operator_id: string }>(
    "SELECT * FROM department_members ORDER BY operator_id",
  )) {
    members.set(m.department_id, [...(members.get(m.department_id) ?? []), m.operator_id]);
  }
  return sql
    .exec<{ id: string; name: string }>("SELECT id, name FROM departments ORDER BY name COLLATE NOCASE")
    .toArray()
    .map((d) => ({ id: d.id, name: d.name, operatorIds: members.get(d.id) ?? [] }));
}

/** One department, or null. */
export function department(sql: SqlStorage, id: string): Department | null {
  return listDepartments(sql).find((d) => d.id === id) ?? null;
}

/** True when department `id` exists. */
export function hasDepartment(sql: SqlStorage, id: string): boolean {
  return sql.exec("SELECT 1 FROM departments WHERE id = ?", id).toArray().length > 0;
}

/**
 * The department named `name` in any case (other than `except`), or undefined. Compared
 * here, not by the column's NOCASE, which folds only ASCII ("Продажи", "продажи").
 */
export function departmentByName(
  sql: SqlStorage,
  name: string,
  except?: string | null,
): { id: string; name: string } | undefined {
  const key = name.toLowerCase();
  return sql
    .exec<{ id: string; name: string }>("SELECT id, name FROM departments")
    .toArray()
    .find((d) => d.id !== except && d.name.toLowerCase() === key);
}

/** Creates (`id` null) or updates a department and its members. */
export function saveDepartment(
  sql: SqlStorage,
  actor: audit.Actor,
  id: string | null,
  input: { name: string; operatorIds: string[] },
): Department | Failure {
  const before = id ? department(sql, id) : null;
  if (id && !before) return failure(404, "not_found", "no such department");
  // Checked when the name changes, so a pair saved before in two cases stays editable.
  const renamed = before?.name.toLowerCase() !== input.name.toLowerCase();
  const clash = renamed && departmentByName(sql, input.name, id);
  if (clash) return fieldFailure(409, "name_taken", "name", `a department named ${input.name} exists already`);
  const operatorIds = [...new Set(input.operatorIds)].sort();
  const known = new Set(
    sql
      .exec<{ id: string }>("SELECT id FROM operators")
      .toArray()
      .map((r) => r.id),
  );
  const unknown = operatorIds.find((o) => !known.has(o));
  if (unknown) return fieldFailure(400, "unknown_operator", "operatorIds", `no operator with id ${unknown}`);
  const depId = id ?? `dep_${randomHex(6)}`;
  if (before) sql.exec("UPDATE departments SET name = ? WHERE id = ?", input.name, depId);
  else sql.exec("INSERT INTO departments (id, name, created_at) VALUES (?, ?, ?)", depId, input.name, Date.now());
  sql.exec("DELETE FROM department_members WHERE department_id = ?", depId);
  for (const op of operatorIds)
    sql.exec("INSERT INTO department_members (department_id, operator_id) VALUES (?, ?)", depId, op);
  const after = { id: depId, name: input.name, operatorIds };
  if (before) audit.record(sql, actor, "department.update", input.name, audit.diff({ ...before }, { ...after }));
  else audit.record(sql, actor, "department.create", input.name, { operatorIds });
  return after;
}

/**
 * Deletes a department. Conversations keep its id until reassigned; routing places those
 * still waiting as conversations without a department (./routing.ts).
 */
export function deleteDepartment(sql: SqlStorage, actor: audit.Actor, id: string): Failure | { ok: true } {
  const before = department(sql, id);
  if (!before) return failure(404, "not_found", "no such department");
  sql.exec("DELETE FROM department_members WHERE department_id = ?", id);
  sql.exec("DELETE FROM departments WHERE id = ?", id);
  audit.record(sql, actor, "department.delete", before.name);
  return { ok: true };
}
