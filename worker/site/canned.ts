/** Canned responses: saved answers operators insert by typing `/shortcut` in the composer. */
import { failure, fieldFailure, type Failure } from "../lib/errors";
import { randomHex } from "../lib/crypto";
import type { CannedResponse } from "../protocol";
import * as audit from "./audit";

/** All canned responses, by shortcut. */
export function listCanned(sql: SqlStorage): CannedResponse[] {
  return sql
    .exec<{ id: string; shortcut: string; title: string; text: string }>(
      "SELECT id, shortcut, title, text FROM canned ORDER BY shortcut COLLATE NOCASE",
    )
    .toArray()
    .map((r) => ({ id: r.id, shortcut: r.shortcut, title: r.title, text: r.text }));
}

/**
 * The canned response whose shortcut is `shortcut` in any case (other than `except`), or
 * undefined. Compared here, not by the column's NOCASE, which folds only ASCII: "Доставка"
 * and "доставка" are one shortcut to the composer.
 */
export function cannedByShortcut(
  sql: SqlStorage,
  shortcut: string,
  except?: string | null,
): CannedResponse | undefined {
  const key = shortcut.toLowerCase();
  return listCanned(sql).find((c) => c.id !== except && c.shortcut.toLowerCase() === key);
}

/**
 * Creates (`id` null) or updates a canned response; shortcuts are unique regardless of case
 * (checked when the shortcut changes, so a pair saved before in two cases stays editable).
 */
export function saveCanned(
  sql: SqlStorage,
  actor: audit.Actor,
  id: string | null,
  input: { shortcut: string; title: string; text: string },
): CannedResponse | Failure {
  const before = id ? listCanned(sql).find((c) => c.id === id) : undefined;
  if (id && !before) return failure(404, "not_found", "no such canned response");
  const renamed = before?.shortcut.toLowerCase() !== input.shortcut.toLowerCase();
  const clash = renamed && cannedByShortcut(sql, input.shortcut, id);
  if (clash) return fieldFailure(409, "shortcut_taken", "shortcut", `/${input.shortcut} is used by another response`);
  const row = { id: id ?? `cr_${randomHex(6)}`, ...input };
  sql.exec(
    `INSERT INTO canned (id, shortcut, title, text, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET shortcut = excluded.shortcut, title = excluded.title, text = excluded.text, updated_at = excluded.updated_at`,
    row.id,
    row.shortcut,
    row.title,
    row.text,
    Date.now(),
  );
  if (before) audit.record(sql, actor, "canned.update", row.shortcut, audit.diff({ ...before }, { ...row }));
  else audit.record(sql, actor, "canned.create", row.shortcut);
  return row;
}

/** Deletes a canned response. */
export function deleteCanned(sql: SqlStorage, actor: audit.Actor, id: string): Failure | { ok: true } {
  const row = listCanned(sql).find((c) => c.id === id);
  if (!row) return failure(404, "not_found", "no such canned response");
  sql.exec("DELETE FROM canned WHERE id = ?", id);
  audit.record(sql, actor, "canned.delete", row.shortcut);
  return { ok: true };
}
