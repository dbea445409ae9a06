/**
 * Memory of the runtime per idle conversation socket: the workerd processes' resident
 * memory before and after `sockets` visitors each open their own conversation (hello →
 * welcome), then again after `idleMs` without traffic, when the objects may hibernate.
 */
import { pool, sleep } from "../../load/peer.mjs";
import { rssBytes } from "../../load/stats.mjs";

export async function runMemory(target, { sockets = 300, idleMs = 15_000 } = {}) {
  const pids = target.runtimePids();
  // Wake the site and compile the code paths once, so the figures are per socket.
  const warm = await target.openVisitor(await target.session(), { keep: false });
  await warm.hello(0);
  await warm.close();
  await sleep(1000);
  const before = rssBytes(pids);
  const open = await pool(
    Array.from({ length: sockets }, (_, i) => i),
    16,
    async () => {
      const peer = await target.openVisitor(await target.session(), { keep: false });
      await peer.hello(0);
      return peer;
    },
  );
  const opened = rssBytes(pids);
  await sleep(idleMs);
  const idle = rssBytes(pids);
  const stillOpen = open.filter((p) => p.open).length;
  await Promise.all(open.map((p) => p.close()));
  return {
    sockets,
    stillOpen,
    idleMs,
    beforeBytes: before,
    perSocketOpenBytes: (opened - before) / sockets,
    perSocketIdleBytes: (idle - before) / sockets,
  };
}
