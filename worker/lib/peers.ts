/**
 * Hibernatable sockets of both objects (a Conversation's visitor and operator sockets, a
 * Site's operator sockets). What a socket is (visitor or operator, and who) lives in its attachment, namespaced under `edgechat` and validated on every read, because
 * after hibernation the attachment is all the object knows about the socket.
 * (Attachments are limited to 2,048 bytes: https://developers.cloudflare.com/durable-objects/api/websockets/#serializeattachment)
 */
import type { ErrorCode } from "../protocol";

export type Role = "visitor" | "operator";

export interface Peer {
  role: Role;
  /** Visitor id or operator id. */
  id: string;
  /** Operator's display name (visitors' names live in the conversation state). */
  name?: string;
}

/**
 * Who each socket is, once read from its attachment, while the object is awake: every frame
 * asks, and an attachment read is a copy out of the runtime. Attachments are only written by
 * `attachPeer`, so the two never disagree; a woken object starts with new sockets and reads.
 */
const peers = new WeakMap<WebSocket, Peer | null>();

/** Stores who a socket belongs to. */
export function attachPeer(ws: WebSocket, peer: Peer): void {
  ws.serializeAttachment({ edgechat: { role: peer.role, id: peer.id, name: peer.name?.slice(0, 120) } });
  peers.delete(ws);
}

/** Who a socket belongs to, or null if its attachment is not ours. */
export function peerOf(ws: WebSocket): Peer | null {
  let peer = peers.get(ws);
  if (peer === undefined) {
    peer = readPeer(ws);
    peers.set(ws, peer);
  }
  return peer;
}

function readPeer(ws: WebSocket): Peer | null {
  const data = (ws.deserializeAttachment() as { edgechat?: Partial<Peer> } | null)?.edgechat;
  if (!data || (data.role !== "visitor" && data.role !== "operator") || typeof data.id !== "string") return null;
  return { role: data.role, id: data.id, ...(typeof data.name === "string" ? { name: data.name } : {}) };
}

/** Sends one frame; a socket that is already closing is skipped. */
export function send<F extends { type: string }>(ws: WebSocket, frame: F): void {
  try {
    ws.send(JSON.stringify(frame));
  } catch {
    // The peer went away between our read and our write; its close event follows.
  }
}

/** Sends an `error` frame; `clientId` names the message it refuses, when there is one. */
export function sendError(ws: WebSocket, code: ErrorCode, message: string, clientId?: unknown): void {
  send(ws, {
    type: "error",
    code,
    message,
    ...(typeof clientId === "string" && clientId.length <= 64 ? { clientId } : {}),
  });
}

/** Sends a frame to every socket in `sockets` except `except`. */
export function broadcast<F extends { type: string }>(sockets: WebSocket[], frame: F, except?: WebSocket): void {
  broadcastText(sockets, JSON.stringify(frame), except);
}

/** Sends an already serialized frame to every socket in `sockets` except `except`. */
export function broadcastText(sockets: WebSocket[], text: string, except?: WebSocket): void {
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
 * Completes a closing handshake the other side started; 1005/1006 carry no code we may echo.
 * The same for every hibernatable socket of both objects.
 */
export function closeBack(ws: WebSocket, code: number): void {
  try {
    ws.close(code === 1005 || code === 1006 ? 1000 : code, "bye");
  } catch {
    // already closed
  }
}

/** Closes every socket in `sockets`; ones already closing are skipped. */
export function closeAll(sockets: WebSocket[], code: number, reason: string): void {
  for (const ws of sockets) {
    try {
      ws.close(code, reason);
    } catch {
      // already closing
    }
  }
}
