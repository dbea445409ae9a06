/**
 * An operator's own sessions: list them (device, IP, last seen) and end any of them.
 * A session's public id is the first 16 hex digits of its token's SHA-256: enough to name
 * it, useless to impersonate it.
 */
import { sha256Hex } from "../../lib/crypto";
import { describeUserAgent } from "../../lib/useragent";
import type { OperatorSession } from "../../protocol";

type Row = {
  token_hash: string;
  created_at: number;
  last_seen: number;
  expires_at: number;
  user_agent: string | null;
  ip: string | null;
};

/** The operator's live sessions, the current one marked, newest first. */
export async function listSessions(
  sql: SqlStorage,
  operatorId: string,
  currentToken: string,
  now = Date.now(),
): Promise<OperatorSession[]> {
  const current = await sha256Hex(currentToken);
  return sql
    .exec<Row>(
      "SELECT * FROM sessions WHERE operator_id = ? AND expires_at > ? ORDER BY last_seen DESC",
      operatorId,
      now,
    )
    .toArray()
    .map((r) => ({
      id: r.token_hash.slice(0, 16),
      createdAt: r.created_at,
      lastSeen: r.last_seen,
      expiresAt: r.expires_at,
      userAgent: r.user_agent,
      device: describeUserAgent(r.user_agent),
      ip: r.ip,
      current: r.token_hash === current,
    }));
}

/** Ends one of the operator's sessions by its public id. True when one was ended. */
export function endSession(sql: SqlStorage, operatorId: string, id: string): boolean {
  if (!/^[0-9a-f]{16}$/.test(id)) return false;
  const { rowsWritten } = sql.exec(
    "DELETE FROM sessions WHERE operator_id = ? AND substr(token_hash, 1, 16) = ?",
    operatorId,
    id,
  );
  return rowsWritten > 0;
}
