/**
 * One WebSocket that comes back, for the widget and the admin's inbox and conversation
 * sockets: exponential backoff with jitter between attempts, an immediate retry when the
 * browser says it is online again, frames that are not what a server sends dropped with a
 * warning (never thrown), and a flag telling the next attempt whether the last socket was
 * refused before it opened (an expired token looks exactly like that to a browser, so the
 * widget refreshes its session first).
 *
 *   const socket = new Connection<ServerFrame, ClientFrame>({ url, open, frame, down });
 *   socket.start();
 */

/** What every server frame has: a string `type`. */
export interface Frame {
  type: string;
}

export interface ConnectionHandlers<In extends Frame> {
  /** The URL to connect to, or null to try again later. `refused`: the last attempt never opened. */
  url(refused: boolean): Promise<string | null> | string | null;
  open(): void;
  frame(frame: In): void;
  /** The socket is gone; `code` is its close code, none when this side dropped it. */
  down(code?: number): void;
}

const BASE_MS = 500;
const MAX_MS = 30_000;

/** The wait before attempt `n` (0-based): half fixed, half random, so tabs do not stampede. */
export function backoff(n: number, random = Math.random()): number {
  const ceiling = Math.min(MAX_MS, BASE_MS * 2 ** n);
  return ceiling / 2 + (random * ceiling) / 2;
}

/** A reconnecting socket receiving `In` frames and sending `Out` (JSON, or a string as it is). */
export class Connection<In extends Frame, Out = unknown> {
  #ws: WebSocket | null = null;
  #connecting = false;
  #attempt = 0;
  #refused = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;

  #on: ConnectionHandlers<In>;

  constructor(on: ConnectionHandlers<In>) {
    this.#on = on;
  }

  /** Starts connecting (no-op when already running). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    addEventListener("online", this.#online);
    void this.#connect();
  }

  /** Closes the socket for good: no reconnect until `start()`, and no `down()` for this close. */
  stop(): void {
    this.#running = false;
    removeEventListener("online", this.#online);
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
  send(frame: Out): boolean {
    if (this.#ws?.readyState != WebSocket.OPEN) return false;
    this.#ws.send(typeof frame == "string" ? frame : JSON.stringify(frame));
    return true;
  }

  #online = (): void => this.retryNow();

  async #connect(): Promise<void> {
    if (!this.#running || this.#ws || this.#connecting) return;
    this.#connecting = true;
    let url: string | null = null;
    try {
      url = await this.#on.url(this.#refused);
    } catch {}
    this.#connecting = false;
    if (!this.#running || this.#ws) return;
    if (!url) return this.#schedule();
    const ws = new WebSocket(url);
    this.#ws = ws;
    // Until it opens, this attempt counts as refused.
    this.#refused = true;
    ws.onopen = () => {
      this.#refused = false;
      this.#on.open();
    };
    ws.onmessage = (e) => {
      if (this.#ws !== ws) return;
      let frame: In | undefined;
      try {
        frame = JSON.parse(e.data);
      } catch {}
      // Text from a proxy or a broken frame is skipped, so the frames after it still arrive.
      if (typeof frame?.type == "string") this.#on.frame(frame);
      else console.warn("edgechat: frame dropped:", e.data);
    };
    ws.onclose = (e) => this.#closed(ws, e.code);
  }

  #closed(ws: WebSocket, code?: number): void {
    if (this.#ws !== ws) return;
    this.#ws = null;
    this.#on.down(code);
    this.#schedule();
  }

  #schedule(): void {
    if (!this.#running) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#connect(), backoff(this.#attempt++));
  }
}
