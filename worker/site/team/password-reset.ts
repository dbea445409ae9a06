/**
 * Password reset by email. A request never says whether the email belongs to an operator;
 * links are single use, valid for an hour, and at most a few are sent per hour per account.
 * Setting a new password ends every session of the account.
 */
import { failure, type Failure } from "../../lib/errors";
import { hashPassword, randomToken, sha256Hex } from "../../lib/crypto";
import type { Operator } from "./auth";

export const RESET_TTL_MS = 3600 * 1000;
/** Reset emails per account per hour; further requests are dropped silently. */
export const MAX_RESETS_PER_HOUR = 3;

/** Makes a reset token for the operator with `email`, or null (unknown email, or too many asked). */
export async function createReset(
  sql: SqlStorage,
  email: string,
  now = Date.now(),
): Promise<{ token: string; operator: Operator } | null> {
  const op = sql.exec<Operator>("SELECT id, email, name, role FROM operators WHERE email = ?", email).toArray()[0];
  if (!op) return null;
  sql.exec("DELETE FROM password_resets WHERE expires_at <= ?", now);
  const recent = sql
    .exec<{ n: number }>(
      "SELECT COUNT(*) AS n FROM password_resets WHERE operator_id = ? AND created_at > ?",
      op.id,
      now - 3600_000,
    )
    .one().n;
  if (recent >= MAX_RESETS_PER_HOUR) return null;
  const token = randomToken();
  sql.exec(
    "INSERT INTO password_resets (token_hash, operator_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
    await sha256Hex(token),
    op.id,
    now,
    now + RESET_TTL_MS,
  );
  return { token, operator: { id: op.id, email: op.email, name: op.name, role: op.role } };
}

/** Sets a new password for the token's operator, uses the token up and ends their sessions. */
export async function completeReset(
  sql: SqlStorage,
  token: string,
  password: string,
  now = Date.now(),
): Promise<Operator | Failure> {
  const hash = await sha256Hex(token);
  const row = sql
    .exec<Operator>(
      `SELECT o.id, o.email, o.name, o.role FROM password_resets r JOIN operators o ON o.id = r.operator_id
     WHERE r.token_hash = ? AND r.expires_at > ?`,
      hash,
      now,
    )
    .toArray()[0];
  if (!row) return failure(404, "invalid_reset", "this reset link is not valid or has expired; ask for a new one");
  const pw = await hashPassword(password);
  sql.exec(
    "UPDATE operators SET pw_hash = ?, pw_salt = ?, pw_iterations = ? WHERE id = ?",
    pw.hash,
    pw.salt,
    pw.iterations,
    row.id,
  );
  sql.exec("DELETE FROM password_resets WHERE operator_id = ?", row.id);
  sql.exec("DELETE FROM sessions WHERE operator_id = ?", row.id);
  sql.exec(
    "DELETE FROM login_failures WHERE key LIKE ? ESCAPE '\\'",
    `email:${row.email.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}|%`,
  );
  return { id: row.id, email: row.email, name: row.name, role: row.role };
}
