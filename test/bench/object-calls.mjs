/**
 * What one object telling another something costs the runtime's thread, by how: an RPC
 * call, or a message on a WebSocket the sender opened to the receiver (accepted plainly or
 * hibernatable). 100 senders (as conversations) send a preview-sized message each to one
 * receiver (as their Site), back to back and then 10 ms apart; "none" is the senders' own
 * waiting, to subtract. Prints the runtime's CPU per message: the figures behind how a busy
 * conversation sends its previews (worker/conversation/preview-link.ts).
 *
 *   npm run bench:calls
 *   npm run bench:calls -- --rounds 3 --senders 100 --count 100
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startLocal } from "../../scripts/local-server.mjs";
import { cpuMs, runtimePids } from "../load/stats.mjs";
import { numberOption } from "./lib/options.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const ROUNDS = numberOption("rounds", 2);
const SENDERS = numberOption("senders", 100);
const COUNT = numberOption("count", 100);
const WAYS = ["none", "rpc", "socket", "hibernatable"];

const persistTo = fs.mkdtempSync(path.join(os.tmpdir(), "edgechat-object-calls-"));
const server = await startLocal({
  persistTo,
  vars: {},
  quiet: true,
  env: { X_LOCAL_OBSERVABILITY: "false" },
  config: path.join(here, "object-calls/wrangler.toml"),
});
const get = async (p) => (await fetch(`${server.url}${p}`)).text();

try {
  const pids = runtimePids(server.pid);
  const rows = [];
  for (const gapMs of [0, 10]) {
    const perWay = Object.fromEntries(WAYS.map((w) => [w, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const how of WAYS) {
        await get("/reset");
        const before = cpuMs(pids);
        await get(`/send?how=${how}&senders=${SENDERS}&count=${COUNT}&gap=${gapMs}`);
        const expected = how === "none" ? 0 : SENDERS * COUNT;
        for (let waited = 0; Number(await get("/count")) < expected; waited += 20) {
          if (waited > 60_000) throw new Error(`${how}: the receiver got ${await get("/count")} of ${expected}`);
          await new Promise((r) => setTimeout(r, 20));
        }
        perWay[how].push(((cpuMs(pids) - before) * 1000) / (SENDERS * COUNT));
      }
    }
    const none = Math.min(...perWay.none);
    for (const how of WAYS.slice(1)) {
      const us = perWay[how];
      rows.push({ gapMs, how, min: Math.min(...us), max: Math.max(...us), net: Math.min(...us) - (gapMs ? none : 0) });
    }
    rows.push({ gapMs, how: "none", min: Math.min(...perWay.none), max: Math.max(...perWay.none), net: null });
  }
  const f = (n) => n.toFixed(0);
  console.log(
    `\n${SENDERS} senders × ${COUNT} messages to one receiver, ${ROUNDS} rounds; runtime CPU per message (µs)\n`,
  );
  console.log("| sent | how | CPU µs per message | less the senders' own waiting |");
  console.log("|---|---|---:|---:|");
  for (const r of rows) {
    const sent = r.gapMs ? `${r.gapMs} ms apart` : "back to back";
    console.log(`| ${sent} | ${r.how} | ${f(r.min)}–${f(r.max)} | ${r.net === null ? "–" : f(r.net)} |`);
  }
} finally {
  await server.stop();
  fs.rmSync(persistTo, { recursive: true, force: true });
}
