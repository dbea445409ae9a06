/**
 * The conversation's hibernatable sockets. What a socket is (visitor or operator, and who)
 * lives in its attachment, namespaced under `edgechat` and validated on every read, because
 * after hibernation the attachment is all the object knows about the socket.
 * (Attachments are limited to 2,048 bytes: https://developers.cloudflare.com/durable-objects/api/websockets/#serializeattachment)
 */
import { RATE_LIMIT, type ErrorCode, type ServerFrame } from "../protocol";

export type Role = "visitor" | "operator";

export interface Peer {
  role: Role;
  /** Visitor id or operator id. */
  id: string;
  /** Operator's display name (visitors' names live in the conversation state). */
  name?: string;
}

/** Stores who a socket belongs to. */
export function attachPeer(ws: WebSocket, peer: Peer): void {
  ws.serializeAttachment({ edgechat: { role: peer.role, id: peer.id, name: peer.name?.slice(0, 120) } });
}

/** Who a socket belongs to, or null if its attachment is not ours. */
export function peerOf(ws: WebSocket): Peer | null {
  const data = (ws.deserializeAttachment() as { edgechat?: Partial<Peer> } | null)?.edgechat;
  if (!data || (data.role !== "visitor" && data.role !== "operator") || typeof data.id !== "string") return null;
  return { role: data.role, id: data.id, ...(typeof data.name === "string" ? { name: data.name } : {}) };
}

/** Sends one frame; a socket that is already closing is skipped. */
export function send(ws: WebSocket, frame: ServerFrame): void {
  try {
    ws.send(JSON.stringify(frame));
  } catch {
    // The peer went away between our read and our write; its close event follows.
  }
}

/** Sends an `error` frame; `clientId` names the message it refuses, when there is one. */
export function sendError(ws: WebSocket, code: ErrorCode, message: string, clientId?: unknown): void {
  send(ws, { type: "error", code, message, ...(typeof clientId === "string" && clientId.length <= 64 ? { clientId } : {}) });
}

/** Sends a frame to every socket in `sockets` except `except`. */
export function broadcast(sockets: WebSocket[], frame: ServerFrame, except?: WebSocket): void {
  const text = JSON.stringify(frame);
  for (const ws of sockets) {
    if (ws === except) continue;
    try {
      ws.send(text);
    } catch {
      // see send()
    }
  }
}

/**
 * Sliding-window limit of `message` frames per socket. Kept in memory: a window is ten
 * seconds, and an object evicted for longer than that has nothing worth remembering.
 */
export class RateLimiter {
  private readonly hits = new WeakMap<WebSocket, number[]>();

  /** Records a hit; returns the ms to wait when the socket is over the limit, or 0. */
  hit(ws: WebSocket, now: number): number {
    const recent = (this.hits.get(ws) ?? []).filter((t) => now - t < RATE_LIMIT.windowMs);
    if (recent.length >= RATE_LIMIT.messages) {
      this.hits.set(ws, recent);
      return RATE_LIMIT.windowMs - (now - recent[0]!);
    }
    recent.push(now);
    this.hits.set(ws, recent);
    return 0;
  }
}
