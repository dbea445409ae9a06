/**
 * The Deployment Durable Object: one per deployment (`idFromName("deployment")`), the only
 * state that belongs to no site. It keeps the one-time signup codes the deployment owner
 * hands out (SIGNUP=invite), the per-IP counter of the open signup (SIGNUP=open), and the
 * directory of operator emails → site keys the keyless login uses (./operator-directory.ts). Codes
 * are stored only as their SHA-256; IPs arrive already keyed (HMAC) by the Worker.
 *
 * A code is reserved while its site is being created and marked used once the site exists;
 * a failed creation releases it, and a reservation left behind by a crash lapses after two
 * minutes, so a code is never spent on a site that does not exist.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { randomHex, randomToken, sha256Hex, verifyPassword } from "../lib/crypto";
import { DECOY } from "../site/team/auth";
import { failure, type Failure } from "../lib/errors";
import { migrate } from "../lib/migrate";
import { generateVapidKeys } from "../site/push/vapid";
import * as directory from "./operator-directory";

export const DEPLOYMENT_OBJECT = "deployment";
export const SIGNUP_LIMIT = { perIp: 5, windowMs: 3600_000 } as const;
export const CODE_TTL_DAYS = 14;
export const MAX_CODE_TTL_DAYS = 90;
const RESERVATION_MS = 120_000;

const MIGRATIONS = [
  `CREATE TABLE signup_codes (
     id TEXT PRIMARY KEY,
     code_hash TEXT NOT NULL UNIQUE,
     email TEXT COLLATE NOCASE,
     note TEXT,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     reserved_at INTEGER,
     used_at INTEGER,
     site_key TEXT
   );
   CREATE TABLE signup_attempts (ip_key TEXT NOT NULL, at INTEGER NOT NULL);
   CREATE INDEX signup_attempts_ip ON signup_attempts (ip_key, at);`,
  // Web Push keys of a local run (a deployment on Cloudflare has them as secrets).
  `CREATE TABLE vapid_keys (id INTEGER PRIMARY KEY CHECK (id = 1), public_key TEXT NOT NULL, private_key TEXT NOT NULL, created_at INTEGER NOT NULL);`,
  // Which sites an operator's email signs in to, and the keyless login's failure counts.
  directory.DIRECTORY_MIGRATION,
  directory.DIRECTORY_VERSIONS_MIGRATION,
] as const;

export interface SignupCode {
  id: string;
  email: string | null;
  note: string | null;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  siteKey: string | null;
  state: "unused" | "used" | "expired";
}

type CodeRow = {
  id: string;
  email: string | null;
  note: string | null;
  created_at: number;
  expires_at: number;
  reserved_at: number | null;
  used_at: number | null;
  site_key: string | null;
};

export class Deployment extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    migrate(this.sql, MIGRATIONS);
  }

  /** The local run's VAPID keys, generated on first use and kept (worker/site/push/vapid.ts). */
  async localVapidKeys(): Promise<{ publicKey: string; privateKey: string }> {
    const row = this.sql.exec<{ public_key: string; private_key: string }>("SELECT * FROM vapid_keys").toArray()[0];
    if (row) return { publicKey: row.public_key, privateKey: row.private_key };
    const keys = await generateVapidKeys();
    this.sql.exec(
      "INSERT OR IGNORE INTO vapid_keys (id, public_key, private_key, created_at) VALUES (1, ?, ?, ?)",
      keys.publicKey,
      keys.privateKey,
      Date.now(),
    );
    return this.localVapidKeys();
  }

  // ---- the operator directory (./operator-directory.ts), for the keyless login ----

  async setSiteOperators(siteKey: string, emails: string[], version: number): Promise<boolean> {
    return directory.setSiteOperators(this.sql, siteKey, emails, version);
  }
  async sitesOfOperator(email: string): Promise<string[]> {
    return directory.sitesOf(this.sql, email);
  }
  /** The password hashing of a login, for an email no site has: as slow as a real check at a site. */
  async checkNoPassword(password: string): Promise<false> {
    await verifyPassword(password, DECOY);
    return false;
  }
  async loginAttempt(email: string, clientKey: string): Promise<number> {
    return directory.loginAttempt(this.sql, email, clientKey);
  }
  async loginSucceeded(email: string, clientKey: string): Promise<void> {
    directory.loginSucceeded(this.sql, email, clientKey);
  }

  /** A new one-time code (returned once), optionally only for `email`. */
  async createCode(
    input: { email?: string; note?: string; days?: number },
    now = Date.now(),
  ): Promise<SignupCode & { code: string }> {
    const code = randomToken(18);
    const id = `sc_${randomHex(8)}`;
    const expiresAt = now + (input.days ?? CODE_TTL_DAYS) * 86_400_000;
    this.sql.exec(
      "INSERT INTO signup_codes (id, code_hash, email, note, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
      id,
      await sha256Hex(code),
      input.email ?? null,
      input.note ?? null,
      now,
      expiresAt,
    );
    return { code, ...toCode(this.sql.exec<CodeRow>("SELECT * FROM signup_codes WHERE id = ?", id).one(), now) };
  }

  /** Every code, newest first (never the codes themselves). */
  async listCodes(now = Date.now()): Promise<SignupCode[]> {
    return this.sql
      .exec<CodeRow>("SELECT * FROM signup_codes ORDER BY created_at DESC LIMIT 500")
      .toArray()
      .map((r) => toCode(r, now));
  }

  /** Deletes an unused code. */
  async revokeCode(id: string): Promise<{ ok: true } | Failure> {
    const { rowsWritten } = this.sql.exec("DELETE FROM signup_codes WHERE id = ? AND used_at IS NULL", id);
    return rowsWritten ? { ok: true } : failure(404, "unknown_signup_code", "no unused signup code with this id");
  }

  /** Holds a code for one signup; the caller then calls `useCode` or `releaseCode`. */
  async reserveCode(code: string, email: string, now = Date.now()): Promise<{ id: string } | Failure> {
    const row = this.sql
      .exec<CodeRow>("SELECT * FROM signup_codes WHERE code_hash = ?", await sha256Hex(code))
      .toArray()[0];
    if (!row)
      return failure(
        403,
        "invalid_signup_code",
        "this signup code is not valid; check it or ask the deployment's owner for one",
      );
    if (row.used_at) return failure(409, "signup_code_used", "this signup code was used already; ask for a new one");
    if (row.expires_at <= now)
      return failure(403, "signup_code_expired", "this signup code has expired; ask for a new one");
    if (row.email && row.email.toLowerCase() !== email.toLowerCase()) {
      return failure(403, "signup_code_email_mismatch", "this signup code is for another owner email");
    }
    if (row.reserved_at && row.reserved_at > now - RESERVATION_MS) {
      return failure(409, "signup_code_in_use", "this signup code is being used by another signup right now");
    }
    this.sql.exec("UPDATE signup_codes SET reserved_at = ? WHERE id = ?", now, row.id);
    return { id: row.id };
  }

  /** Marks a reserved code used by the site just created. */
  async useCode(id: string, siteKey: string, now = Date.now()): Promise<void> {
    this.sql.exec(
      "UPDATE signup_codes SET used_at = ?, site_key = ?, reserved_at = NULL WHERE id = ?",
      now,
      siteKey,
      id,
    );
  }

  /** Gives a reserved code back after a failed signup. */
  async releaseCode(id: string): Promise<void> {
    this.sql.exec("UPDATE signup_codes SET reserved_at = NULL WHERE id = ? AND used_at IS NULL", id);
  }

  /** Counts one open signup from `ipKey`; 429 with Retry-After past the limit. */
  async countSignup(ipKey: string, now = Date.now()): Promise<{ ok: true; left: number } | Failure> {
    const since = now - SIGNUP_LIMIT.windowMs;
    this.sql.exec("DELETE FROM signup_attempts WHERE at <= ?", since);
    const rows = this.sql
      .exec<{ at: number }>("SELECT at FROM signup_attempts WHERE ip_key = ? ORDER BY at", ipKey)
      .toArray();
    if (rows.length >= SIGNUP_LIMIT.perIp) {
      const retryAfter = Math.max(1, Math.ceil((rows[0]!.at + SIGNUP_LIMIT.windowMs - now) / 1000));
      return failure(
        429,
        "signup_rate_limited",
        `too many signups from this address; try again in ${Math.ceil(retryAfter / 60)} min`,
        { retryAfter },
      );
    }
    this.sql.exec("INSERT INTO signup_attempts (ip_key, at) VALUES (?, ?)", ipKey, now);
    return { ok: true, left: SIGNUP_LIMIT.perIp - rows.length - 1 };
  }
}

function toCode(r: CodeRow, now: number): SignupCode {
  return {
    id: r.id,
    email: r.email,
    note: r.note,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    usedAt: r.used_at,
    siteKey: r.site_key,
    state: r.used_at ? "used" : r.expires_at <= now ? "expired" : "unused",
  };
}
