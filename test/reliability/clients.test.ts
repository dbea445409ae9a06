/**
 * Clients killed and reconnected at random mid-send: every message is stored once, in the
 * order it was sent, and reaches the other side. 200 conversations × 20 messages in CI,
 * 1,000 × 20 with RELIABILITY_FULL=1. There each client waits for a message's ack before the
 * next (closed loop), so the load follows what the runtime holds: sent by the clock alone,
 * 1,000 conversations outrun it, and it queues for minutes, answering no new connection.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { startTarget, type Target } from "../load/target.mjs";
import { openConversations, sendAll, settleAndAudit } from "./support/load";
import { FULL, report } from "./support/report";

const CONVERSATIONS = FULL ? 1000 : 200;
const MESSAGES = 20;
let target: Target;

beforeAll(async () => {
  target = await startTarget("edgechat");
}, 120_000);

afterAll(async () => {
  await target?.stop();
});

test(
  `${CONVERSATIONS} conversations × ${MESSAGES} messages, sockets killed at random: nothing lost, duplicated or reordered`,
  async () => {
    const started = Date.now();
    const convs = await openConversations(target, CONVERSATIONS, FULL ? 600_000 : 180_000);
    await sendAll(convs, {
      conversations: CONVERSATIONS,
      messages: MESSAGES,
      killChance: 0.08,
      label: "k",
      gapMs: [100, 400],
      closedLoop: FULL,
      ackWithinMs: 600_000,
    });
    const result = await settleAndAudit(target, convs, FULL ? 600_000 : 180_000);
    report("reliability-clients", {
      conversations: CONVERSATIONS,
      messages: result.sent,
      kills: result.kills,
      lost: result.lost,
      duplicated: result.duplicated,
      outOfOrder: result.outOfOrder,
      notDelivered: result.notDelivered,
      redelivered: result.redelivered,
      clientErrors: result.errors,
      seconds: Math.round((Date.now() - started) / 1000),
    });
    expect(result.sent).toBe(CONVERSATIONS * MESSAGES);
    expect(result.kills).toBeGreaterThan(0);
    expect({
      lost: result.lost,
      duplicated: result.duplicated,
      outOfOrder: result.outOfOrder,
      notDelivered: result.notDelivered,
    }).toEqual({ lost: 0, duplicated: 0, outOfOrder: 0, notDelivered: 0 });
  },
  FULL ? 1_800_000 : 300_000,
);
