/**
 * Messages written but not yet acknowledged, and their sending. Kept in localStorage so they
 * survive a reload, a crash or a closed tab, and shared by the site's tabs: whichever tab is
 * connected sends them. One at a time, oldest first, each with its `clientId`, so order holds
 * across reconnects and tabs, and a message sent twice is stored once.
 */
import type { SiteStorage } from "./storage";

export interface OutboxItem {
  clientId: string;
  text: string;
  /** Epoch ms when the visitor wrote it. */
  at: number;
}

/** An unacknowledged message this long means the link is dead even if the socket looks open. */
const ACK_TIMEOUT_MS = 10_000;

/** A fresh clientId (the server allows letters, digits and `_ . : -`, up to 64). */
export function newClientId(): string {
  return `w-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

export class Outbox {
  /** Unacknowledged items this tab wrote or sent: kept even if another tab overwrites storage meanwhile. */
  #own = new Map<string, OutboxItem>();
  #store: SiteStorage;
  #send: (item: OutboxItem) => boolean;
  #stuck: () => void;
  #inflight?: string;
  #ackTimer?: ReturnType<typeof setTimeout>;
  #pausedUntil = 0;

  /** `send` puts an item on the socket (false when closed); `stuck` is called when no ack comes. */
  constructor(store: SiteStorage, send: (item: OutboxItem) => boolean, stuck: () => void) {
    this.#store = store;
    this.#send = send;
    this.#stuck = stuck;
  }

  /** Every unacknowledged item of the site, oldest first. */
  items(): OutboxItem[] {
    const stored = this.#store.get<OutboxItem[]>("outbox") ?? [];
    const ids = new Set(stored.map((i) => i.clientId));
    return [...stored, ...[...this.#own.values()].filter((i) => !ids.has(i.clientId))];
  }

  add(item: OutboxItem): void {
    this.#own.set(item.clientId, item);
    this.#store.set("outbox", this.items());
  }

  /** Forgets an item the server has (or refused for good); ends its wait for an ack. */
  remove(clientId: string): void {
    if (clientId === this.#inflight) this.reset();
    this.#own.delete(clientId);
    const items = this.items();
    const left = items.filter((i) => i.clientId !== clientId);
    if (left.length < items.length) this.#store.set("outbox", left.length ? left : null);
  }

  /** Nothing is in flight any more (the socket went down): the next flush starts over. */
  reset(): void {
    this.#inflight = undefined;
    clearTimeout(this.#ackTimer);
  }

  /** Sends the oldest item, unless one is in flight or the server asked us to wait. */
  flush(): void {
    if (this.#inflight || Date.now() < this.#pausedUntil) return;
    const next = this.items()[0];
    if (!next || !this.#send(next)) return;
    // Another tab may have written it, and may see it stored and drop it from storage before
    // this tab's ack comes: kept here too, the ack still finds its text to show.
    this.#own.set((this.#inflight = next.clientId), next);
    this.#ackTimer = setTimeout(this.#stuck, ACK_TIMEOUT_MS);
  }

  /**
   * An `error` frame, which names no message: with one in flight it is about that one. Rate
   * limited: wait as long as the server says, then send again. Empty or too long: sending
   * again cannot help, so the message is dropped. Returns true when the error was handled.
   */
  refused(code: string, message: string): boolean {
    const id = this.#inflight;
    if (!id) return false;
    this.reset();
    if (code === "rate_limited") {
      const wait = (Number(message.match(/(\d+) s/)?.[1]) || 5) * 1000;
      this.#pausedUntil = Date.now() + wait;
      setTimeout(() => this.flush(), wait);
      return true;
    }
    if (code.endsWith("text")) this.remove(id);
    this.flush();
    return false;
  }
}
