/**
 * Sockets end with their session. The Site's own admin sockets are tagged with the session's
 * public id (./presence.ts); the conversation sockets an operator opens are recorded here
 * (session, operator, conversation), so that a logout, an ended session, a password reset,
 * a removal or a change of role closes every one of them at once.
 */
import { sha256Hex } from "../lib/crypto";
import { conversationStub } from "../lib/jurisdiction";
import { peerOf } from "../lib/peers";
import { defer, type SiteHost } from "./host";
import { disconnectOperator, disconnectSession } from "./presence";
import { SESSION_TTL_MS } from "./team/auth";

/** The public id of a session (first 16 hex of its token's SHA-256, as in ./team/sessions.ts). */
export async function sessionIdOf(token: string): Promise<string> {
  return (await sha256Hex(token)).slice(0, 16);
}

/** The session's id and expiry for a socket about to open; records a conversation socket. */
export async function openSocket(
  host: SiteHost,
  token: string,
  conversationId?: string,
  now = Date.now(),
): Promise<{ sessionId: string; expiresAt: number } | null> {
  const hash = await sha256Hex(token);
  const row = host.sql
    .exec<{ operator_id: string; expires_at: number }>(
      "SELECT operator_id, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?",
      hash,
      now,
    )
    .toArray()[0];
  if (!row) return null;
  const sessionId = hash.slice(0, 16);
  if (conversationId) {
    host.sql.exec("DELETE FROM operator_sockets WHERE opened_at < ?", now - SESSION_TTL_MS);
    host.sql.exec(
      `INSERT INTO operator_sockets (session_id, operator_id, conversation_id, opened_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (session_id, conversation_id) DO UPDATE SET opened_at = excluded.opened_at`,
      sessionId,
      row.operator_id,
      conversationId,
      now,
    );
  }
  return { sessionId, expiresAt: row.expires_at };
}

/** Closes every socket of a session (the Site's and the conversations'). */
export function endSessionSockets(host: SiteHost, sessionId: string): void {
  disconnectSession(host, sessionId);
  const rows = host.sql
    .exec<{ conversation_id: string }>("SELECT conversation_id FROM operator_sockets WHERE session_id = ?", sessionId)
    .toArray();
  host.sql.exec("DELETE FROM operator_sockets WHERE session_id = ?", sessionId);
  for (const r of rows) closeIn(host, r.conversation_id, { session: sessionId });
}

/** Closes every socket of an operator (removed, role changed, password reset). */
export function endOperatorSockets(host: SiteHost, operatorId: string, reason: string): void {
  disconnectOperator(host, operatorId, reason);
  const rows = host.sql
    .exec<{ conversation_id: string }>(
      "SELECT DISTINCT conversation_id FROM operator_sockets WHERE operator_id = ?",
      operatorId,
    )
    .toArray();
  host.sql.exec("DELETE FROM operator_sockets WHERE operator_id = ?", operatorId);
  for (const r of rows) closeIn(host, r.conversation_id, { operator: operatorId });
}

/** On an admin socket's ping: closes it when its session is gone or expired. */
export function checkSiteSocket(host: SiteHost, ws: WebSocket, now = Date.now()): boolean {
  const tag = host.ctx.getTags(ws).find((t) => t.startsWith("session:"));
  const sessionId = tag?.slice(8) ?? "";
  const live =
    /^[0-9a-f]{16}$/.test(sessionId) &&
    host.sql
      .exec(
        "SELECT 1 FROM sessions WHERE substr(token_hash, 1, 16) = ? AND operator_id = ? AND expires_at > ?",
        sessionId,
        peerOf(ws)?.id ?? "",
        now,
      )
      .toArray().length > 0;
  if (!live) {
    try {
      ws.close(4001, "your session has ended; log in again");
    } catch {
      /* already closing */
    }
  }
  return live;
}

function closeIn(host: SiteHost, conversationId: string, who: { session?: string; operator?: string }): void {
  const stub = conversationStub(host.env, conversationId);
  if (stub) defer(host, "closing an ended session's sockets", stub.closeOperators(who));
}
