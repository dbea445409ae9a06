/**
 * A correct visitor and operator that keep chatting while a fuzz suite throws bad input at
 * the same Worker (and, for frames, at the same conversation): each side sends every
 * `everyMs` ms, within the per-socket limit. Counts what the other side got, and how late.
 */
import { type Peer, sleep } from "../../load/peer.mjs";
import type { Target } from "../../load/target.mjs";
import { percentile } from "../../load/stats.mjs";

export const LATE_MS = 1000;

export class ChattingPair {
  readonly sentAt = new Map<string, number>();
  readonly latency = new Map<string, number>();
  unexpectedCloses = 0;
  /** Messages refused as `rate_limited` and sent again (a burst arrives late under load). */
  retried = 0;
  readonly refusals: string[] = [];
  private running = false;
  private readonly retries = new Set<Promise<void>>();
  private loop: Promise<void> | null = null;

  private constructor(
    readonly session: { conversationId: string; visitorToken: string },
    readonly visitor: Peer,
    readonly operator: Peer,
  ) {
    for (const peer of [visitor, operator]) {
      peer.onFrame((f: any, at: number) => {
        if (f.type === "error" && this.sentAt.has(f.clientId)) return this.refused(peer, f);
        if (f.type !== "message" || !this.sentAt.has(f.message.clientId) || this.latency.has(f.message.clientId))
          return;
        this.latency.set(f.message.clientId, at - this.sentAt.get(f.message.clientId)!);
      });
      peer.closed.then(() => {
        if (this.running) this.unexpectedCloses++;
      });
    }
  }

  /** A refusal of one of our messages: rate_limited is sent again after the wait it names. */
  private refused(peer: Peer, f: { code: string; clientId: string; message: string }): void {
    if (f.code !== "rate_limited") {
      this.refusals.push(`${f.clientId}: ${f.code}`);
      return;
    }
    this.retried++;
    const waitS = Number(f.message.match(/in (\d+) s/)?.[1] ?? 2);
    const retry = sleep(waitS * 1000).then(() => {
      peer.send({ type: "message", clientId: f.clientId, text: `pair message ${f.clientId}` });
    });
    this.retries.add(retry);
    void retry.finally(() => this.retries.delete(retry));
  }

  get conversationId(): string {
    return this.session.conversationId;
  }

  static async open(target: Target): Promise<ChattingPair> {
    const session = await target.session();
    const visitor = await target.openVisitor(session, { keep: false });
    await visitor.hello(0);
    const operator = await target.openOperator(session.conversationId, { keep: false });
    await operator.hello(0);
    return new ChattingPair(session, visitor, operator);
  }

  /** Starts chatting in the background: the sides take turns, `everyMs` apart. */
  start(everyMs = 300): void {
    this.running = true;
    this.loop = (async () => {
      for (let n = 0; this.running; n++) {
        const side = n % 2 ? this.operator : this.visitor;
        const clientId = `pair-${n}`;
        this.sentAt.set(clientId, performance.now());
        side.send({ type: "message", clientId, text: `pair message ${n}` });
        await sleep(everyMs);
      }
    })();
  }

  /** Stops sending and waits up to `drainMs` for the last messages to arrive. */
  async stop(drainMs = 30_000): Promise<{
    sent: number;
    lost: number;
    late: number;
    retried: number;
    refused: number;
    p50: number;
    p99: number;
    unexpectedCloses: number;
  }> {
    this.running = false;
    await this.loop;
    const deadline = Date.now() + drainMs;
    while ((this.latency.size < this.sentAt.size || this.retries.size) && Date.now() < deadline) await sleep(50);
    const values = [...this.latency.values()];
    await Promise.all([this.visitor.close(), this.operator.close()]);
    return {
      sent: this.sentAt.size,
      lost: this.sentAt.size - this.latency.size,
      late: values.filter((v) => v > LATE_MS).length,
      retried: this.retried,
      refused: this.refusals.length,
      p50: Math.round(percentile(values, 0.5)),
      p99: Math.round(percentile(values, 0.99)),
      unexpectedCloses: this.unexpectedCloses,
    };
  }
}
