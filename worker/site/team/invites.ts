/**
 * Invites: an owner or admin invites someone by email; the link in the email lets them pick
 * a name and a password and join with the invited role. Tokens are random, stored only as
 * their SHA-256, single use, and expire after a week.
 */
import { failure, fieldFailure, type Failure } from "../../lib/errors";
import { randomHex, randomToken, sha256Hex } from "../../lib/crypto";
import type { PendingInvite } from "../../protocol";
import * as audit from "../audit";
import { createOperator, type Operator } from "./auth";

export const INVITE_TTL_MS = 7 * 24 * 3600 * 1000;

type InviteRow = {
  id: string;
  email: string;
  name: string | null;
  role: "admin" | "operator";
  created_at: number;
  expires_at: number;
};

function toInvite(r: InviteRow): PendingInvite {
  return { id: r.id, email: r.email, name: r.name, role: r.role, createdAt: r.created_at, expiresAt: r.expires_at };
}

/** Creates (or renews) the invite for an email. Returns the raw token once, for the email link. */
export async function createInvite(
  sql: SqlStorage,
  actor: audit.Actor,
  input: { email: string; name?: string; role: "admin" | "operator" },
  now = Date.now(),
): Promise<{ invite: PendingInvite; token: string } | Failure> {
  if (sql.exec("SELECT 1 FROM operators WHERE email = ?", input.email).toArray().length) {
    return fieldFailure(409, "email_taken", "email", `${input.email} is already on the team`);
  }
  if (input.role === "admin" && actor.role !== "owner") {
    return fieldFailure(403, "forbidden", "role", "only the owner invites admins");
  }
  sql.exec("DELETE FROM invites WHERE email = ?", input.email);
  const token = randomToken();
  const row: InviteRow = {
    id: `inv_${randomHex(6)}`,
    email: input.email,
    name: input.name || null,
    role: input.role,
    created_at: now,
    expires_at: now + INVITE_TTL_MS,
  };
  sql.exec(
    `INSERT INTO invites (id, token_hash, email, name, role, invited_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    row.id,
    await sha256Hex(token),
    row.email,
    row.name,
    row.role,
    actor.id,
    row.created_at,
    row.expires_at,
  );
  audit.record(sql, actor, "invite.create", row.email, { role: row.role }, now);
  return { invite: toInvite(row), token };
}

/** Invites not yet accepted nor expired, newest first. */
export function listInvites(sql: SqlStorage, now = Date.now()): PendingInvite[] {
  return sql
    .exec<InviteRow>("SELECT * FROM invites WHERE expires_at > ? ORDER BY created_at DESC", now)
    .toArray()
    .map(toInvite);
}

/** Withdraws an invite; its link stops working. */
export function revokeInvite(sql: SqlStorage, actor: audit.Actor, id: string): Failure | { ok: true } {
  const row = sql.exec<InviteRow>("SELECT * FROM invites WHERE id = ?", id).toArray()[0];
  if (!row) return failure(404, "not_found", "no such invite");
  sql.exec("DELETE FROM invites WHERE id = ?", id);
  audit.record(sql, actor, "invite.revoke", row.email);
  return { ok: true };
}

/** The invite a token belongs to, or null when unknown or expired. */
export async function findInvite(sql: SqlStorage, token: string, now = Date.now()): Promise<PendingInvite | null> {
  const row = sql
    .exec<InviteRow>("SELECT * FROM invites WHERE token_hash = ? AND expires_at > ?", await sha256Hex(token), now)
    .toArray()[0];
  return row ? toInvite(row) : null;
}

const INVALID = "this invite link is not valid or has expired; ask for a new one";

/** Turns an invite into an operator with the chosen name and password; the token is used up. */
export async function acceptInvite(
  sql: SqlStorage,
  token: string,
  input: { name: string; password: string },
  now = Date.now(),
): Promise<Operator | Failure> {
  const invite = await findInvite(sql, token, now);
  if (!invite) return failure(404, "invalid_invite", INVALID);
  const operator = await createOperator(sql, {
    email: invite.email,
    name: input.name,
    role: invite.role,
    password: input.password,
  });
  if ("error" in operator) return operator;
  sql.exec("DELETE FROM invites WHERE id = ?", invite.id);
  audit.record(sql, operator, "operator.join", operator.email, { role: operator.role }, now);
  return operator;
}
