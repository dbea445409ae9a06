import { startTarget } from "./target.mjs";
import { sleep } from "./peer.mjs";
const kind = process.argv[2] ?? "edgechat";
const t = await startTarget(kind);
try {
  const s = await t.session();
  const v = await t.openVisitor(s);
  v.send({ type: "hello", lastSeq: 0 });
  await v.next?.("welcome").catch?.(() => {});
  await sleep(300);
  const lat = [];
  for (let i = 0; i < 30; i++) {
    const clientId = `p-${i}`;
    const t0 = performance.now();
    const got = new Promise((res) => { const fn = (f) => { if (f.type === "ack" && f.clientId === clientId) { v.listeners.delete(fn); res(); } }; v.listeners.add(fn); });
    v.send({ type: "message", clientId, text: `probe ${i}` });
    await got;
    lat.push(performance.now() - t0);
    await sleep(i % 2 ? 30 : 200);
  }
  lat.sort((a, b) => a - b);
  console.log(kind, "ack p50", lat[15].toFixed(1), "min", lat[0].toFixed(1), "max", lat[29].toFixed(1), JSON.stringify(lat.map((x) => Math.round(x))));
} finally { await t.stop(); }
