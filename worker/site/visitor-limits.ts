/**
 * Limits on visitor sessions and new conversations per client, so that one client cannot
 * open hundreds of sessions or conversations (each new conversation may email the team).
 * A sliding window of hits per key in SQLite; keys are the client's IP (keyed with HMAC
 * by the Worker, never stored in the clear) and the visitor id. Numbers are generous for
 * many shoppers behind one office NAT and far below what the probe sent (300 sessions in 3 s).
 */
import { isLocal, type Env } from "../env";
import { failure, type Failure } from "../lib/errors";

export const VISITOR_LIMITS = {
  sessionsPerIp: { max: 60, windowMs: 60_000 },
  conversationsPerIp: { max: 20, windowMs: 10 * 60_000 },
  conversationsPerVisitor: { max: 5, windowMs: 10 * 60_000 },
} as const;

type Limit = { max: number; windowMs: number };

/**
 * How many times the limits above a local runtime allows: load and reliability runs open
 * hundreds of conversations from 127.0.0.1 (`VISITOR_LIMITS_SCALE`, local and test only;
 * a deployment always keeps the limits as they are).
 */
export function limitScale(env: Pick<Env, "ENVIRONMENT" | "VISITOR_LIMITS_SCALE">): number {
  const scale = Number(env.VISITOR_LIMITS_SCALE ?? 1);
  return isLocal(env as Env) && Number.isFinite(scale) && scale >= 1 ? scale : 1;
}

function scaled(limit: Limit, scale: number): Limit {
  return { max: limit.max * scale, windowMs: limit.windowMs };
}

/** Seconds to wait when `key` already has `limit.max` hits in the window, else 0. */
function waitFor(sql: SqlStorage, key: string, limit: Limit, now: number): number {
  const rows = sql
    .exec<{ at: number }>(
      "SELECT at FROM client_hits WHERE key = ? AND at > ? ORDER BY at LIMIT ?",
      key,
      now - limit.windowMs,
      limit.max,
    )
    .toArray();
  if (rows.length < limit.max) return 0;
  return Math.max(1, Math.ceil((rows[0]!.at + limit.windowMs - now) / 1000));
}

function hit(sql: SqlStorage, key: string, now: number): void {
  sql.exec("INSERT INTO client_hits (key, at) VALUES (?, ?)", key, now);
}

function refuse(what: string, retryAfter: number): Failure {
  return failure(429, "rate_limited", `too many ${what} from this client; try again in ${retryAfter} s`, {
    retryAfter,
  });
}

/** Counts a session start from `ipKey`; 429 with retryAfter past the limit. */
export function countSession(sql: SqlStorage, ipKey: string | undefined, scale = 1, now = Date.now()): Failure | null {
  if (!ipKey) return null;
  if (Math.random() < 0.01) sql.exec("DELETE FROM client_hits WHERE at < ?", now - 3600_000);
  const wait = waitFor(sql, `s:${ipKey}`, scaled(VISITOR_LIMITS.sessionsPerIp, scale), now);
  if (wait) return refuse("chat sessions", wait);
  hit(sql, `s:${ipKey}`, now);
  return null;
}

/** Counts a new conversation for the client and the visitor; 429 past either limit. */
export function countNewConversation(
  sql: SqlStorage,
  ipKey: string | undefined,
  visitorId: string,
  scale = 1,
  now = Date.now(),
): Failure | null {
  const keys: Array<[string, Limit]> = [[`v:${visitorId}`, scaled(VISITOR_LIMITS.conversationsPerVisitor, scale)]];
  if (ipKey) keys.push([`c:${ipKey}`, scaled(VISITOR_LIMITS.conversationsPerIp, scale)]);
  for (const [key, limit] of keys) {
    const wait = waitFor(sql, key, limit, now);
    if (wait) return refuse("new conversations", wait);
  }
  for (const [key] of keys) hit(sql, key, now);
  return null;
}
