/**
 * Inbox fan-out through the ONE Site object: `conversations` visitors each send `messages`
 * messages spread over `spreadMs`, while `inboxes` operators' inbox sockets
 * (`/api/v1/admin/ws`) listen. Times send → the first inbox update covering the message's
 * seq, on every inbox socket. The real Worker only: the baselines have no inbox.
 */
import { pool, sleep } from "../../load/peer.mjs";
import { cpuMs, summary } from "../../load/stats.mjs";

export async function runFanout(
  target,
  { conversations = 1000, messages = 2, inboxes = 3, spreadMs = 4000, drainMs = 120_000 } = {},
) {
  const setupStart = performance.now();
  const convs = await pool(
    Array.from({ length: conversations }, (_, i) => i),
    16,
    async (index) => {
      const session = await target.session();
      const visitor = await target.openVisitor(session, { keep: false });
      await visitor.hello(0);
      return { index, id: session.conversationId, visitor, sent: [] };
    },
  );
  const setupMs = performance.now() - setupStart;
  const byId = new Map(convs.map((c) => [c.id, c]));
  const sockets = [];
  for (let i = 0; i < inboxes; i++) {
    const socket = await target.openInbox({ keep: false });
    const updates = new Map(); // conversation id → [[at, lastSeq]]
    let frames = 0;
    socket.onFrame((f, at) => {
      if (f.type !== "conversation" || !byId.has(f.conversation.id)) return;
      frames++;
      if (!updates.has(f.conversation.id)) updates.set(f.conversation.id, []);
      updates.get(f.conversation.id).push([at, f.conversation.lastSeq]);
    });
    await socket.waitFor((f) => f.type === "inbox", 15_000, "inbox");
    sockets.push({ socket, updates, frames: () => frames });
  }
  for (const c of convs) {
    c.visitor.onFrame((f) => {
      if (f.type !== "ack") return;
      const rec = c.sent.find((r) => r.clientId === f.clientId);
      if (rec) rec.seq = f.seq;
    });
  }
  const pids = target.runtimePids();
  const cpu0 = cpuMs(pids);
  const start = performance.now();
  await Promise.all(
    convs.map(async (c) => {
      for (let i = 0; i < messages; i++) {
        await sleep(Math.random() * (spreadMs / messages));
        c.sent.push({ clientId: `f${c.index}-${i}`, sentAt: performance.now() });
        c.visitor.send({ type: "message", clientId: `f${c.index}-${i}`, text: `fan-out ${i}` });
      }
    }),
  );
  const lastSend = performance.now();
  const covered = (s) =>
    convs.every((c) => {
      const last = c.sent.at(-1);
      return last.seq !== undefined && (s.updates.get(c.id) ?? []).some(([, seq]) => seq >= last.seq);
    });
  while (!sockets.every(covered) && performance.now() - lastSend < drainMs) await sleep(100);
  const cpu = cpuMs(pids) - cpu0;
  const latencies = [];
  let missing = 0;
  let lastUpdate = start;
  for (const s of sockets) {
    for (const c of convs) {
      const updates = s.updates.get(c.id) ?? [];
      for (const r of c.sent) {
        const hit = r.seq === undefined ? undefined : updates.find(([at, seq]) => at >= r.sentAt && seq >= r.seq);
        if (!hit) {
          missing++;
          continue;
        }
        latencies.push(hit[0] - r.sentAt);
        lastUpdate = Math.max(lastUpdate, hit[0]);
      }
    }
  }
  const total = conversations * messages;
  const framesPerSocket = sockets.map((s) => s.frames());
  await Promise.all([...convs.map((c) => c.visitor.close()), ...sockets.map((s) => s.socket.close())]);
  return {
    conversations,
    messages: total,
    inboxes,
    offeredPerSec: total / ((lastSend - start) / 1000),
    inbox: summary(latencies),
    missing,
    updatesPerSec: latencies.length / inboxes / ((lastUpdate - start) / 1000),
    framesPerMessage: framesPerSocket.reduce((a, b) => a + b, 0) / inboxes / total,
    cpuMsPerMessage: cpu / total,
    setupMs,
  };
}
