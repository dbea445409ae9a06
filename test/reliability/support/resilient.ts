/**
 * A chat client that behaves as the widget and the admin must: it keeps what it has seen,
 * resumes with `hello {lastSeq}` after any disconnect, and sends again every message not yet
 * acknowledged, with the same clientId. The suites kill its socket at will and then check
 * the server kept every message exactly once and in order.
 */
import { Peer, sleep } from "../../load/peer.mjs";
import { rawExchange } from "../../fuzz/support/raw-socket";

export interface Stored {
  seq: number;
  clientId?: string;
  author: { kind: string };
  text: string;
}

export class ResilientClient {
  /** Messages of the other side (and bots), by seq, from welcomes and live frames. */
  readonly received = new Map<number, Stored>();
  /** Frames that repeated a seq already received (a welcome overlapping live frames). */
  redelivered = 0;
  readonly acks = new Map<string, number>();
  /** Messages sent and not yet acknowledged, oldest first. */
  readonly pending: Array<{ clientId: string; text: string }> = [];
  readonly errors: string[] = [];
  /** Answers of failed upgrades, sampled while reconnecting. */
  readonly refusals: string[] = [];
  kills = 0;
  reconnects = 0;
  private peer: Peer | null = null;
  private connecting: Promise<void> | null = null;
  private lastSeq = 0;
  private stopped = false;
  private readonly mine = new Set<string>();

  constructor(
    private readonly url: () => string,
    private readonly headers: Record<string, string> | undefined,
    /** Gives up reconnecting after this long without success. */
    private readonly reconnectForMs = 180_000,
  ) {}

  get connected(): boolean {
    return !!this.peer?.open;
  }

  /** Connects (retrying while the server is down), resumes, and resends what is unacknowledged. */
  connect(): Promise<void> {
    this.connecting ??= this.doConnect().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async doConnect(): Promise<void> {
    const deadline = Date.now() + this.reconnectForMs;
    let wait = 100;
    let failures = 0;
    for (;;) {
      if (this.stopped) return;
      try {
        // Patient, as a browser is: an upgrade given up on is still work queued on the server.
        const peer = await Peer.open(this.url(), { headers: this.headers, keep: false, timeoutMs: 60_000 });
        peer.onFrame((f: any) => this.onFrame(f));
        const welcome: any = await peer.hello(this.lastSeq, 30_000);
        this.absorb(welcome.messages);
        if (welcome.more) throw new Error("more than a page missed; not expected in these runs");
        this.peer = peer;
        peer.closed.then(() => {
          if (this.peer === peer) this.peer = null;
        });
        for (const m of this.pending) peer.send({ type: "message", clientId: m.clientId, text: m.text });
        return;
      } catch (err) {
        // Now and then, why: the upgrade's status and body, asked without a client library.
        if (++failures % 10 === 3) this.refusals.push(await this.probe());
        if (Date.now() > deadline) {
          throw new Error(
            `could not reconnect within ${this.reconnectForMs} ms (${failures} tries): ${err}; upgrades answered: ${this.refusals.slice(-3).join(" / ")}; now: ${await this.probe()}`,
          );
        }
        await sleep(wait);
        wait = Math.min(wait * 2, 2000);
      }
    }
  }

  /** What an upgrade of this client's socket answers now: `status head+body`. */
  private async probe(): Promise<string> {
    const reply = await rawExchange(this.url(), this.headers ?? {}, [], 50).catch(() => null);
    return reply ? `${reply.status} ${reply.refusal.replace(/\r\n/g, " | ").slice(0, 300)}` : "no answer";
  }

  private absorb(messages: Stored[]): void {
    for (const m of messages) {
      this.lastSeq = Math.max(this.lastSeq, m.seq);
      if (m.clientId && this.mine.has(m.clientId)) {
        // Our own message in a welcome: it is stored even if its ack was lost.
        this.acked(m.clientId, m.seq);
        continue;
      }
      if (this.received.has(m.seq)) this.redelivered++;
      this.received.set(m.seq, m);
    }
  }

  private acked(clientId: string, seq: number): void {
    if (!this.acks.has(clientId)) this.acks.set(clientId, seq);
    const i = this.pending.findIndex((m) => m.clientId === clientId);
    if (i >= 0) this.pending.splice(i, 1);
  }

  private onFrame(f: any): void {
    if (f.type === "message") this.absorb([f.message]);
    else if (f.type === "ack") {
      this.lastSeq = Math.max(this.lastSeq, f.seq);
      this.acked(f.clientId, f.seq);
    } else if (f.type === "error") this.errors.push(`${f.code}: ${f.message}`);
  }

  /** Queues a message and sends it now if connected (else on the next connect). */
  send(clientId: string, text: string): void {
    this.mine.add(clientId);
    this.pending.push({ clientId, text });
    this.peer?.send({ type: "message", clientId, text });
  }

  /** Cuts the socket as a crashing tab would (no waiting for acks), then reconnects after `downMs`. */
  async kill(downMs: number): Promise<void> {
    const peer = this.peer;
    this.peer = null;
    if (peer) {
      this.kills++;
      void peer.close(4000);
    }
    await sleep(downMs);
    this.reconnects++;
    await this.connect().catch((err) => this.errors.push(`reconnect: ${err}`));
  }

  /** Waits until every sent message is acknowledged, reconnecting whenever the socket drops. */
  async settle(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    let resendAt = Date.now() + 5000;
    while (Date.now() < deadline) {
      if (!this.connected) await this.connect();
      if (!this.pending.length) return;
      if (Date.now() > resendAt) {
        // Refused for a while (e.g. rate_limited) or its frame lost: the same clientIds again.
        for (const m of this.pending) this.peer?.send({ type: "message", clientId: m.clientId, text: m.text });
        resendAt = Date.now() + 5000;
      }
      await sleep(50);
    }
    throw new Error(`${this.pending.length} messages still unacknowledged after ${ms} ms`);
  }

  async close(): Promise<void> {
    this.stopped = true;
    await this.peer?.close();
  }
}

/** The whole stored conversation, from an operator socket (`hello {lastSeq: 0}`, following `more`). */
export async function history(url: string, headers: Record<string, string>): Promise<Stored[]> {
  const peer = await Peer.open(url, { headers, keep: false });
  try {
    const out: Stored[] = [];
    let lastSeq = 0;
    for (;;) {
      const welcome: any = await peer.hello(lastSeq, 30_000);
      out.push(...welcome.messages);
      if (!welcome.more) return out;
      lastSeq = welcome.messages.at(-1).seq;
    }
  } finally {
    await peer.close();
  }
}

export interface Audit {
  sent: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  notDelivered: number;
}

/**
 * Checks one conversation's stored history against what each side sent (`sent[side]` in
 * send order) and what the other side's client received: every message stored once, in
 * send order, and delivered to the other side.
 */
export function audit(
  stored: Stored[],
  sent: Record<"visitor" | "operator", string[]>,
  received: Record<"visitor" | "operator", ResilientClient>,
): Audit {
  const result: Audit = { sent: 0, lost: 0, duplicated: 0, outOfOrder: 0, notDelivered: 0 };
  const seqsOf = new Map<string, number[]>();
  for (const m of stored) if (m.clientId) seqsOf.set(m.clientId, [...(seqsOf.get(m.clientId) ?? []), m.seq]);
  for (const side of ["visitor", "operator"] as const) {
    const other = received[side === "visitor" ? "operator" : "visitor"];
    const seen = new Set([...other.received.values()].map((m) => m.clientId));
    let previous = 0;
    for (const clientId of sent[side]) {
      result.sent++;
      const seqs = seqsOf.get(clientId) ?? [];
      if (!seqs.length) result.lost++;
      if (seqs.length > 1) result.duplicated += seqs.length - 1;
      if (seqs.length && seqs[0]! < previous) result.outOfOrder++;
      if (seqs.length) previous = seqs[0]!;
      if (!seen.has(clientId)) result.notDelivered++;
    }
  }
  return result;
}
