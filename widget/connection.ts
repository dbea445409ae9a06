/**
 * One WebSocket that comes back: exponential backoff with jitter between attempts, an
 * immediate retry when the browser says it is online again, and a flag telling the next
 * attempt whether the last socket was refused before it opened (an expired token looks
 * exactly like that to a browser, so the caller refreshes its session first).
 */
import type { ClientFrame, ServerFrame } from "../worker/protocol";

export interface ConnectionHandlers {
  /** The URL to connect to, or null to try again later. `refused`: the last attempt never opened. */
  url(refused: boolean): Promise<string | null>;
  open(): void;
  frame(frame: ServerFrame): void;
  down(): void;
}

const BASE_MS = 500;
const MAX_MS = 30_000;

/** The wait before attempt `n` (0-based): half fixed, half random, so tabs do not stampede. */
export function backoff(n: number, random = Math.random()): number {
  const ceiling = Math.min(MAX_MS, BASE_MS * 2 ** n);
  return ceiling / 2 + (random * ceiling) / 2;
}

export class Connection {
  #ws: WebSocket | null = null;
  #connecting = false;
  #attempt = 0;
  #refused = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;

  #on: ConnectionHandlers;

  constructor(on: ConnectionHandlers) {
    this.#on = on;
  }

  get isOpen(): boolean {
    return this.#ws?.readyState === WebSocket.OPEN;
  }

  /** Starts connecting (no-op when already running). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#connect();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#ws?.close(1000);
    this.#ws = null;
  }

  /** The conversation works: the next failure starts the backoff from the beginning. */
  healthy(): void {
    this.#attempt = 0;
  }

  /** Tries now instead of waiting out the backoff (the browser came online, the tab woke). */
  retryNow(): void {
    if (!this.#running || this.#ws || this.#connecting) return;
    clearTimeout(this.#timer);
    this.#attempt = 0;
    void this.#connect();
  }

  /** Gives up the current socket (dead link, stuck ack, offline) and reconnects after a backoff. */
  drop(): void {
    const ws = this.#ws;
    if (!ws) return;
    this.#closed(ws);
    ws.close(1000);
  }

  /** Sends a frame if the socket is open; false otherwise. */
  send(frame: ClientFrame): boolean {
    if (!this.isOpen) return false;
    this.#ws!.send(JSON.stringify(frame));
    return true;
  }

  async #connect(): Promise<void> {
    if (!this.#running || this.#ws || this.#connecting) return;
    this.#connecting = true;
    let url: string | null = null;
    try {
      url = await this.#on.url(this.#refused);
    } catch {
      url = null;
    }
    this.#connecting = false;
    if (!this.#running || this.#ws) return;
    if (!url) return this.#schedule();
    const ws = new WebSocket(url);
    this.#ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.#refused = false;
      this.#on.open();
    };
    ws.onmessage = (e) => {
      if (this.#ws !== ws) return;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(e.data);
      } catch {
        return;
      }
      this.#on.frame(frame);
    };
    ws.onclose = () => {
      if (!opened) this.#refused = true;
      this.#closed(ws);
    };
  }

  #closed(ws: WebSocket): void {
    if (this.#ws !== ws) return;
    this.#ws = null;
    this.#on.down();
    this.#schedule();
  }

  #schedule(): void {
    if (!this.#running) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#connect(), backoff(this.#attempt++));
  }
}
