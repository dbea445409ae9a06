/**
 * The message-path run: N conversations, each a visitor socket and an operator socket (plus
 * one inbox socket for the real Worker); every visitor sends `messages` messages 50–150 ms
 * apart. Times, per message: send → the operator's copy, send → the ack, and send → the
 * first inbox update that covers its seq. The same client drives the baselines.
 */
import { pool, sleep } from "../../load/peer.mjs";
import { cpuMs, summary } from "../../load/stats.mjs";

const random = (min, max) => min + Math.random() * (max - min);

/** Opens one conversation: a session, the visitor's socket, then the operator's. */
async function openConversation(target, index) {
  const session = await target.session();
  const visitor = await target.openVisitor(session, { keep: false });
  await visitor.hello(0);
  // The operator's socket needs the conversation to exist: the visitor's connection made it.
  const operator = await target.openOperator(session.conversationId, { keep: false });
  await operator.hello(0);
  return { index, id: session.conversationId, visitor, operator, sent: [], inbox: [], errors: 0 };
}

/**
 * Runs the load against `target` and returns its figures. Bounded: stops waiting for
 * deliveries `drainMs` after the last send.
 */
export async function runLatency(
  target,
  { conversations, messages = 15, gapMs = [50, 150], drainMs = 60_000, setupConcurrency = 16 },
) {
  const pids = target.runtimePids();
  const cpuSetup0 = cpuMs(pids);
  const setupStart = performance.now();
  const convs = await pool(
    Array.from({ length: conversations }, (_, i) => i),
    setupConcurrency,
    (i) => openConversation(target, i),
  );
  const setupMs = performance.now() - setupStart;
  const cpuSetup = cpuMs(pids) - cpuSetup0;
  const byId = new Map(convs.map((c) => [c.id, c]));
  let inbox = null;
  let inboxFrames = 0;
  if (target.real) {
    inbox = await target.openInbox({ keep: false });
    inbox.onFrame((f, at) => {
      if (f.type !== "conversation") return;
      inboxFrames++;
      byId.get(f.conversation.id)?.inbox.push([at, f.conversation.lastSeq]);
    });
    await inbox.waitFor((f) => f.type === "inbox", 15_000, "inbox");
  }
  for (const c of convs) {
    const byClientId = new Map();
    c.byClientId = byClientId;
    c.visitor.onFrame((f, at) => {
      if (f.type === "ack") {
        const rec = byClientId.get(f.clientId);
        if (rec && rec.ackAt === undefined) Object.assign(rec, { ackAt: at, seq: f.seq });
      } else if (f.type === "error") c.errors++;
    });
    c.operator.onFrame((f, at) => {
      if (f.type !== "message") return;
      const rec = byClientId.get(f.message.clientId);
      if (rec && rec.recvAt === undefined) rec.recvAt = at;
    });
  }

  const cpu0 = cpuMs(pids);
  const start = performance.now();
  await Promise.all(
    convs.map(async (c) => {
      await sleep(random(0, gapMs[1]));
      for (let i = 0; i < messages; i++) {
        const rec = { clientId: `b${c.index}-${i}`, sentAt: performance.now() };
        c.sent.push(rec);
        c.byClientId.set(rec.clientId, rec);
        c.visitor.send({
          type: "message",
          clientId: rec.clientId,
          text: `load message ${i} of conversation ${c.index}`,
        });
        if (i < messages - 1) await sleep(random(gapMs[0], gapMs[1]));
      }
    }),
  );
  const lastSend = performance.now();
  const all = convs.flatMap((c) => c.sent);
  const done = () =>
    all.every((r) => r.ackAt !== undefined && r.recvAt !== undefined) && (!inbox || convs.every(inboxCovered));
  while (!done() && performance.now() - lastSend < drainMs) await sleep(50);
  const cpu = cpuMs(pids) - cpu0;

  const inboxLatencies = [];
  let inboxMissing = 0;
  if (inbox) {
    for (const c of convs) {
      for (const r of c.sent) {
        const hit =
          r.seq === undefined ? undefined : c.inbox.find(([at, lastSeq]) => at >= r.sentAt && lastSeq >= r.seq);
        if (hit) inboxLatencies.push(hit[0] - r.sentAt);
        else inboxMissing++;
      }
    }
  }
  const received = all.filter((r) => r.recvAt !== undefined);
  const acked = all.filter((r) => r.ackAt !== undefined);
  const lastDelivery = Math.max(...received.map((r) => r.recvAt), start);
  await Promise.all(convs.flatMap((c) => [c.visitor.close(), c.operator.close()]));
  await inbox?.close();
  const samples = {
    operator: received.map((r) => r.recvAt - r.sentAt),
    ack: acked.map((r) => r.ackAt - r.sentAt),
    inbox: inboxLatencies,
  };
  return {
    samples,
    target: target.kind,
    conversations,
    messages: all.length,
    offeredPerSec: all.length / ((lastSend - start) / 1000),
    deliveredPerSec: received.length / ((lastDelivery - start) / 1000),
    operator: summary(samples.operator),
    ack: summary(samples.ack),
    inbox: inbox ? summary(samples.inbox) : null,
    lost: all.length - received.length,
    unacked: all.length - acked.length,
    inboxMissing,
    inboxFramesPerMessage: inbox ? inboxFrames / all.length : null,
    errors: convs.reduce((n, c) => n + c.errors, 0),
    cpuMsPerMessage: cpu / all.length,
    setupCpuMsPerConversation: cpuSetup / conversations,
    setupMs,
  };
}

/** True when the conversation's inbox updates reach the seq of its last acked message. */
function inboxCovered(c) {
  const last = c.sent.at(-1);
  if (last?.seq === undefined) return false;
  return c.inbox.some(([, lastSeq]) => lastSeq >= last.seq);
}
