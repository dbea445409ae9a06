/**
 * Operators of a site, their logins and sessions. Passwords are PBKDF2-SHA256 with a salt per
 * user; sessions are random tokens stored only as their SHA-256; repeated failed logins for
 * one email are slowed down, and a failed login never says whether the email or the password
 * was wrong.
 */
import { failure, type Failure } from "../../lib/errors";
import { hashPassword, randomHex, randomToken, sha256Hex, verifyPassword } from "../../lib/crypto";

export type Role = "owner" | "admin" | "operator";

export type Operator = {
  id: string;
  email: string;
  name: string;
  role: Role;
};

type OperatorRow = Operator & {
  pw_hash: string;
  pw_salt: string;
  pw_iterations: number;
};

export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;
/**
 * Failures allowed for one email from one client before that client is slowed down for it.
 * Counted per email and client, so a stranger's wrong passwords never lock the owner out
 * of their own machine; and per client across emails (FREE_FAILURES_PER_CLIENT), so one
 * password tried against many emails is slowed down too.
 */
export const FREE_LOGIN_FAILURES = 5;
export const FREE_FAILURES_PER_CLIENT = 20;
const FAILURE_MEMORY_MS = 15 * 60 * 1000;
/** A fixed hash to check against when the email is unknown, so both paths take as long. */
export const DECOY = { hash: "0".repeat(64), salt: "decoy-salt-for-unknown-emails", iterations: 100_000 };

/** Creates an operator; fails with 409 when the email is taken. */
export async function createOperator(
  sql: SqlStorage,
  input: { email: string; name: string; role: Role; password: string },
): Promise<Operator | Failure> {
  const taken = sql.exec("SELECT id FROM operators WHERE email = ?", input.email).toArray().length > 0;
  if (taken) return failure(409, "email_taken", `an operator with email ${input.email} already exists`);
  const pw = await hashPassword(input.password);
  const id = `op_${randomHex(8)}`;
  sql.exec(
    `INSERT INTO operators (id, email, name, role, pw_hash, pw_salt, pw_iterations, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    id,
    input.email,
    input.name,
    input.role,
    pw.hash,
    pw.salt,
    pw.iterations,
    Date.now(),
  );
  return { id, email: input.email, name: input.name, role: input.role };
}

/** Seconds the caller must wait before trying this email again, or 0. */
export function lockoutSeconds(sql: SqlStorage, key: string, now: number, free = FREE_LOGIN_FAILURES): number {
  const row = sql
    .exec<{ count: number; last_at: number }>("SELECT count, last_at FROM login_failures WHERE key = ?", key)
    .toArray()[0];
  if (!row || now - row.last_at > FAILURE_MEMORY_MS || row.count < free) return 0;
  // 30 s after the last free failure, doubling with each further one, at most 15 minutes.
  const wait = Math.min(30_000 * 2 ** (row.count - free), FAILURE_MEMORY_MS);
  return Math.max(0, Math.ceil((row.last_at + wait - now) / 1000));
}

export function recordFailure(sql: SqlStorage, key: string, now: number): void {
  sql.exec(
    `INSERT INTO login_failures (key, count, last_at) VALUES (?, 1, ?)
     ON CONFLICT (key) DO UPDATE SET
       count = CASE WHEN ? - last_at > ? THEN 1 ELSE count + 1 END, last_at = excluded.last_at`,
    key,
    now,
    now,
    FAILURE_MEMORY_MS,
  );
}

/** True when `password` is the operator's; as slow for an unknown email as for a known one. */
export async function checkPassword(sql: SqlStorage, email: string, password: string): Promise<boolean> {
  const row = sql.exec<OperatorRow>("SELECT * FROM operators WHERE email = ?", email).toArray()[0];
  const stored = row ? { hash: row.pw_hash, salt: row.pw_salt, iterations: row.pw_iterations } : DECOY;
  return (await verifyPassword(password, stored)) && !!row;
}

/** Checks a password and opens a session. Returns the raw session token once. */
export async function login(
  sql: SqlStorage,
  email: string,
  password: string,
  client: { ip?: string; userAgent?: string },
  now = Date.now(),
): Promise<{ token: string; operator: Operator; expiresAt: number } | Failure> {
  const client_ = client.ip ?? "unknown";
  const key = `email:${email.toLowerCase()}|${client_}`;
  const clientKey = `client:${client_}`;
  const wait = Math.max(lockoutSeconds(sql, key, now), lockoutSeconds(sql, clientKey, now, FREE_FAILURES_PER_CLIENT));
  if (wait > 0) {
    return failure(429, "too_many_attempts", `too many failed logins; try again in ${wait} s`, { retryAfter: wait });
  }
  const row = sql.exec<OperatorRow>("SELECT * FROM operators WHERE email = ?", email).toArray()[0];
  const stored = row ? { hash: row.pw_hash, salt: row.pw_salt, iterations: row.pw_iterations } : DECOY;
  const ok = (await verifyPassword(password, stored)) && !!row;
  if (!ok) {
    recordFailure(sql, key, now);
    recordFailure(sql, clientKey, now);
    return failure(401, "invalid_login", "wrong email or password");
  }
  sql.exec("DELETE FROM login_failures WHERE key = ?", key);
  const token = randomToken();
  const expiresAt = now + SESSION_TTL_MS;
  sql.exec(
    `INSERT INTO sessions (token_hash, operator_id, created_at, expires_at, last_seen, user_agent, ip)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    await sha256Hex(token),
    row.id,
    now,
    expiresAt,
    now,
    client.userAgent?.slice(0, 300) ?? null,
    client.ip ?? null,
  );
  return { token, operator: { id: row.id, email: row.email, name: row.name, role: row.role }, expiresAt };
}

/** The operator a session token belongs to, or null when it is unknown or expired. */
export async function authenticate(sql: SqlStorage, token: string, now = Date.now()): Promise<Operator | null> {
  const hash = await sha256Hex(token);
  const row = sql
    .exec<Operator & { expires_at: number; last_seen: number }>(
      `SELECT o.id, o.email, o.name, o.role, s.expires_at, s.last_seen
     FROM sessions s JOIN operators o ON o.id = s.operator_id WHERE s.token_hash = ?`,
      hash,
    )
    .toArray()[0];
  if (!row) return null;
  if (row.expires_at <= now) {
    sql.exec("DELETE FROM sessions WHERE token_hash = ?", hash);
    return null;
  }
  if (now - row.last_seen > 5 * 60_000) sql.exec("UPDATE sessions SET last_seen = ? WHERE token_hash = ?", now, hash);
  return { id: row.id, email: row.email, name: row.name, role: row.role };
}

/** Ends a session. */
export async function logout(sql: SqlStorage, token: string): Promise<void> {
  sql.exec("DELETE FROM sessions WHERE token_hash = ?", await sha256Hex(token));
}
