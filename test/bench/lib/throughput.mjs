/**
 * Messages per second through ONE conversation (one Durable Object): `tabs` visitor sockets
 * of the same visitor send 20 messages each at once, for `rounds` rounds with fresh tabs; one
 * operator socket receives. Every stored message is relayed to the conversation's other
 * sockets, as in a real conversation with several tabs open. The real Worker allows one
 * sender 20 messages in 10 s across all their tabs (docs/api.md), so it stores the first 20
 * of a burst and refuses the rest with `rate_limited`: the figure is frames the object
 * handled per second (each stored and relayed, or refused), and the refusals are counted
 * apart, never as lost.
 */
import { Peer, pool, sleep } from "../../load/peer.mjs";
import { cpuMs } from "../../load/stats.mjs";

const PER_SOCKET = 20;

export async function runThroughput(target, { tabs = 10, rounds = 2, drainMs = 60_000 } = {}) {
  const session = await target.session();
  const first = await target.openVisitor(session, { keep: false });
  await first.hello(0);
  const operator = await target.openOperator(session.conversationId, { keep: false });
  await operator.hello(0);
  const pids = target.runtimePids();
  let sent = 0;
  let received = 0;
  let acked = 0;
  let refused = 0;
  let busyMs = 0; // the rounds' send → last delivery, summed (opening tabs is not counted)
  let lastAck = 0;
  let lastReceipt = 0;
  operator.onFrame((f, at) => {
    if (f.type === "message" && f.message.clientId?.startsWith("t")) {
      received++;
      lastReceipt = at;
    }
  });
  const cpu0 = cpuMs(pids);
  for (let round = 0; round < rounds; round++) {
    const sockets = await pool(
      Array.from({ length: tabs }, (_, i) => i),
      8,
      async () => {
        const tab = await Peer.open(target.visitorUrl(session), { keep: false });
        await tab.hello(1e9);
        return tab;
      },
    );
    const expect = acked + refused + tabs * PER_SOCKET;
    for (const tab of sockets) {
      tab.onFrame((f, at) => {
        if (f.type === "ack") {
          acked++;
          lastAck = at;
        } else if (f.type === "error" && f.code === "rate_limited") {
          refused++;
          lastAck = at;
        }
      });
    }
    const roundStart = performance.now();
    sockets.forEach((tab, t) => {
      for (let i = 0; i < PER_SOCKET; i++) {
        tab.send({ type: "message", clientId: `t${round}-${t}-${i}`, text: `burst ${round}/${t}/${i}` });
        sent++;
      }
    });
    const deadline = performance.now() + drainMs;
    while ((acked + refused < expect || received < acked) && performance.now() < deadline) await sleep(5);
    busyMs += Math.max(lastAck, lastReceipt) - roundStart;
    await Promise.all(sockets.map((s) => s.close()));
  }
  const cpu = cpuMs(pids) - cpu0;
  await Promise.all([first.close(), operator.close()]);
  const handled = received + refused;
  return {
    sent,
    acked,
    received,
    refused,
    perSec: handled / (busyMs / 1000),
    cpuMsPerMessage: cpu / sent,
    tabs,
    rounds,
  };
}
