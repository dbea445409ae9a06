/**
 * Presence: operators' live admin sockets on the Site (`/api/v1/admin/ws`), tagged
 * `operator` with the operator id in the validated peer attachment. Through them the inbox
 * reaches operators, and their count tells visitors whether someone is online.
 */
import { attachPeer, broadcast, broadcastText, closeAll, peerOf } from "../lib/peers";
import type { SiteServerFrame } from "../protocol";
import type { SiteHost } from "./host";

const TAG = "operator";

/**
 * A live admin pings its site socket every 30 s (admin/src/inbox-store.ts; a background tab's
 * timers may slow to one a minute). A socket silent this long is still open on this side only:
 * a tab frozen in the background, a phone or laptop asleep. Its operator is away.
 */
export const SILENT_AFTER_MS = 150_000;

/** Accepts an operator's socket (the Worker has checked the session). */
export function acceptOperator(
  host: Pick<SiteHost, "ctx">,
  operatorId: string,
  sessionId: string,
): { client: WebSocket; server: WebSocket } {
  const { 0: client, 1: server } = new WebSocketPair();
  host.ctx.acceptWebSocket(server, [TAG, `session:${sessionId}`]);
  attachPeer(server, { role: "operator", id: operatorId });
  heard(server);
  return { client, server };
}

/** Notes that an admin socket spoke (its ping): its operator is at the admin now. */
export function heard(ws: WebSocket, now = Date.now()): void {
  const attachment = ws.deserializeAttachment() as Record<string, unknown> | null;
  ws.serializeAttachment({ ...attachment, heardAt: now });
}

/** How many admin sockets are open. */
export function operatorsOnline(host: Pick<SiteHost, "ctx">): number {
  return host.ctx.getWebSockets(TAG).length;
}

/** Ids of operators with the admin open, `leaving` not counted (it is closing). */
export function onlineOperators(host: Pick<SiteHost, "ctx">, leaving?: WebSocket): Set<string> {
  const ids = new Set<string>();
  for (const ws of host.ctx.getWebSockets(TAG)) {
    const peer = ws === leaving ? null : peerOf(ws);
    if (peer) ids.add(peer.id);
  }
  return ids;
}

/** The presence frame: operators online, each once however many tabs and devices they have open. */
export function presenceFrame(host: Pick<SiteHost, "ctx">, leaving?: WebSocket): SiteServerFrame {
  return { type: "presence", operatorsOnline: onlineOperators(host, leaving).size };
}

/**
 * Ids of operators at the admin now: a socket open and heard from within SILENT_AFTER_MS.
 * News waits for their admin then; an operator whose admin has gone silent gets it elsewhere.
 */
export function operatorsAtAdmin(host: Pick<SiteHost, "ctx">, now = Date.now()): Set<string> {
  const ids = new Set<string>();
  for (const ws of host.ctx.getWebSockets(TAG)) {
    const peer = peerOf(ws);
    const heardAt = (ws.deserializeAttachment() as { heardAt?: unknown } | null)?.heardAt;
    // A socket accepted before sockets were stamped counts as heard until its next ping stamps it.
    if (peer && (typeof heardAt !== "number" || now - heardAt < SILENT_AFTER_MS)) ids.add(peer.id);
  }
  return ids;
}

/** Sends a frame to every operator's admin socket. */
export function toOperators(host: Pick<SiteHost, "ctx">, frame: SiteServerFrame): void {
  broadcast(host.ctx.getWebSockets(TAG), frame);
}

/** Sends a frame serialized elsewhere (a Conversation's preview) to every operator's admin socket. */
export function toOperatorsAsIs(host: Pick<SiteHost, "ctx">, frameText: string): void {
  broadcastText(host.ctx.getWebSockets(TAG), frameText);
}

/** Tells every operator how many are online, `leaving` not counted (it is closing). */
export function announcePresence(host: Pick<SiteHost, "ctx">, leaving?: WebSocket): void {
  toOperators(host, presenceFrame(host, leaving));
}

/** Closes the admin sockets of an operator (removed from the team, or demoted). */
export function disconnectOperator(host: Pick<SiteHost, "ctx">, operatorId: string, reason: string): void {
  closeAll(
    host.ctx.getWebSockets(TAG).filter((ws) => peerOf(ws)?.id === operatorId),
    4001,
    reason,
  );
}

/** Closes the admin sockets opened with one session (logout, expiry). */
export function disconnectSession(host: Pick<SiteHost, "ctx">, sessionId: string): void {
  closeAll(host.ctx.getWebSockets(`session:${sessionId}`), 4001, "signed out");
}
