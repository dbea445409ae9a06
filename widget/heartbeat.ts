/**
 * Finds a link that died without closing: a phone that moved to another network, a laptop
 * that slept behind a router that has since forgotten it. The browser then shows the socket
 * open, and nothing more arrives — a visitor would wait for an answer already written. Every
 * `everyMs` the socket sends "ping" (a conversation's runtime answers `{"type":"pong"}`
 * without waking the object; the site's answers with presence); when nothing at all arrives
 * within `waitMs` of a ping, the socket is dropped and the connection comes back as after any
 * other drop, with `hello {lastSeq}`, so what was missed arrives then.
 *
 *   const beat = new Heartbeat(connection);
 *   beat.start();          // and on every frame: beat.heard()
 */
import type { Connection, Frame } from "./connection";

/** Often enough that proxies keep an idle socket, rarely enough to cost nothing. */
export const PING_EVERY_MS = 25_000;
/** A ping's answer comes in milliseconds; this allows for a slow phone network. */
export const PONG_WAIT_MS = 10_000;

export class Heartbeat {
  #every: ReturnType<typeof setInterval> | undefined;
  #wait: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly socket: Pick<Connection<Frame, "ping">, "send" | "drop">,
    private readonly everyMs = PING_EVERY_MS,
    private readonly waitMs = PONG_WAIT_MS,
  ) {}

  start(): void {
    this.stop();
    this.#every = setInterval(() => this.#ping(), this.everyMs);
  }

  stop(): void {
    clearInterval(this.#every);
    clearTimeout(this.#wait);
    this.#wait = undefined;
  }

  /** Something arrived on the socket: the link is alive. */
  heard(): void {
    clearTimeout(this.#wait);
    this.#wait = undefined;
  }

  #ping(): void {
    // A ping already waiting keeps its deadline; a socket not open is the connection's to bring back.
    if (this.#wait !== undefined || !this.socket.send("ping")) return;
    this.#wait = setTimeout(() => {
      this.#wait = undefined;
      this.socket.drop();
    }, this.waitMs);
  }
}
