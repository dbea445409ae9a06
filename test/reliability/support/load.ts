/**
 * The reliability load: conversations whose visitor and operator clients exchange messages
 * while their sockets are killed at random, then an audit of every conversation's history.
 */
import { pool, sleep } from "../../load/peer.mjs";
import type { Target } from "../../load/target.mjs";
import { audit, history, ResilientClient, type Audit } from "./resilient";

export interface LoadOptions {
  conversations: number;
  /** Messages per conversation; every `operatorEvery`-th is the operator's. */
  messages: number;
  operatorEvery?: number;
  gapMs?: [number, number];
  /** Chance, before each send, that the sender's socket is killed right after the send. */
  killChance?: number;
  label: string;
  /**
   * Wait for each message's ack (however many reconnects that takes) before the next, as a
   * person waits to see a message sent: the load then follows what the runtime can hold.
   * Without it the sends follow the clock alone.
   */
  closedLoop?: boolean;
  ackWithinMs?: number;
}

export interface Conversation {
  id: string;
  visitor: ResilientClient;
  operator: ResilientClient;
  sent: { visitor: string[]; operator: string[] };
}

const random = (min: number, max: number) => min + Math.random() * (max - min);

/**
 * Opens `n` conversations on the demo site, each with a resilient visitor and operator that
 * keep trying to reconnect for `reconnectForMs` (an overloaded local runtime answers late).
 */
export async function openConversations(target: Target, n: number, reconnectForMs = 180_000): Promise<Conversation[]> {
  return pool(
    Array.from({ length: n }, (_, i) => i),
    16,
    async () => {
      const session = await target.session();
      const visitor = new ResilientClient(() => target.visitorUrl(session), undefined, reconnectForMs);
      await visitor.connect();
      const operator = new ResilientClient(
        () => target.operatorUrl(session.conversationId),
        target.operatorHeaders,
        reconnectForMs,
      );
      await operator.connect();
      return { id: session.conversationId, visitor, operator, sent: { visitor: [], operator: [] } };
    },
  );
}

/** Sends every conversation's messages, killing sockets at random; resolves when all are sent. */
export async function sendAll(
  convs: Conversation[],
  o: LoadOptions,
  onProgress?: (sent: number) => void,
): Promise<void> {
  const gap = o.gapMs ?? [100, 400];
  const every = o.operatorEvery ?? 4;
  let sent = 0;
  await Promise.all(
    convs.map(async (c, ci) => {
      await sleep(random(0, gap[1]));
      for (let i = 0; i < o.messages; i++) {
        const side = (i + 1) % every === 0 ? "operator" : "visitor";
        const client = c[side];
        const clientId = `${o.label}-${ci}-${i}`;
        c.sent[side].push(clientId);
        client.send(clientId, `${side} message ${i} of ${ci}`);
        onProgress?.(++sent);
        if (Math.random() < (o.killChance ?? 0)) void client.kill(random(0, 300));
        if (o.closedLoop) await client.settle(o.ackWithinMs ?? 180_000);
        await sleep(random(gap[0], gap[1]));
      }
    }),
  );
}

/** Waits for every client to have everything acknowledged, then audits each conversation. */
export async function settleAndAudit(target: Target, convs: Conversation[], ms = 120_000) {
  await pool(convs, 32, async (c) => {
    await c.visitor.settle(ms);
    await c.operator.settle(ms);
  });
  // Deliveries of the last messages may trail their acks a little.
  const deadline = Date.now() + 30_000;
  const delivered = (c: Conversation) =>
    c.sent.visitor.every((id) => [...c.operator.received.values()].some((m) => m.clientId === id)) &&
    c.sent.operator.every((id) => [...c.visitor.received.values()].some((m) => m.clientId === id));
  while (Date.now() < deadline && !convs.every(delivered)) await sleep(100);
  const total: Audit & { kills: number; redelivered: number; errors: number } = {
    sent: 0,
    lost: 0,
    duplicated: 0,
    outOfOrder: 0,
    notDelivered: 0,
    kills: 0,
    redelivered: 0,
    errors: 0,
  };
  await pool(convs, 16, async (c) => {
    const stored = await history(target.operatorUrl(c.id), target.operatorHeaders);
    const a = audit(stored, c.sent, { visitor: c.visitor, operator: c.operator });
    for (const k of ["sent", "lost", "duplicated", "outOfOrder", "notDelivered"] as const) total[k] += a[k];
    total.kills += c.visitor.kills + c.operator.kills;
    total.redelivered += c.visitor.redelivered + c.operator.redelivered;
    total.errors += c.visitor.errors.length + c.operator.errors.length;
  });
  await Promise.all(convs.flatMap((c) => [c.visitor.close(), c.operator.close()]));
  return total;
}
