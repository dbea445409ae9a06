/**
 * The platform plumbing both Durable Objects share: the alarm runs the object's timers
 * (many timers, one alarm), and a socket that closes or fails completes its handshake and
 * is handed to `socketGone` once. Subclasses keep only their own entry points and handlers.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { closeBack } from "./peers";
import type { Timers } from "./timers";

export abstract class SocketObject extends DurableObject<Env> {
  protected abstract readonly timers: Timers;

  /** A socket went away (closed or failed); it is still listed by `getWebSockets` now. */
  protected socketGone(_ws: WebSocket): void {}

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    closeBack(ws, code);
    this.socketGone(ws);
  }

  override async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    console.warn("socket error", error);
    this.socketGone(ws);
  }

  override async alarm(): Promise<void> {
    await this.timers.run(Date.now());
  }
}
