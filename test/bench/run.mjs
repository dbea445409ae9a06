/**
 * `npm run bench`: the message path against its baselines, and the other figures, in one
 * Markdown block (printed, and written to test-results/bench.md):
 * - latency visitor → operator, ack and inbox at 10 and 100 conversations (1,000 with
 *   --full), each target on a fresh local runtime, alternating echo, echo + insert, Edgechat,
 *   repeated (--reps, default 2), with Edgechat's ratios to the baselines;
 * - messages per second through one conversation, memory per idle conversation socket,
 *   inbox fan-out through one Site (200 conversations; 1,000 with --full);
 * - the Cloudflare bill for 1,000 conversations of 10 messages, and the widget and admin sizes.
 * Figures, never assertions: the numbers depend on the machine and on what else runs on it.
 *
 *   npm run bench                      # 10 and 100 conversations, 2 repetitions (a few minutes)
 *   npm run bench -- --full            # adds 1,000 conversations; 1,000 idle sockets and fan-out
 *   npm run bench -- --reps 3 --sizes 10,50 --memory-sockets 500 --fanout 1000
 *   npm run bench -- --state-dir /dev/shm   # the runtime's SQLite files in memory, not on disk
 *   npm run bench -- --local-traces         # with wrangler's local trace recorder on (see startTarget)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "../../scripts/local-server.mjs";
import { KINDS, startTarget } from "../load/target.mjs";
import { machine } from "../load/stats.mjs";
import { bill, CONVERSATIONS, PREVIEW_LINK_MS } from "./lib/cost.mjs";
import { runFanout } from "./lib/fanout.mjs";
import { runLatency } from "./lib/latency.mjs";
import { runMemory } from "./lib/memory.mjs";
import { billTable, budgetLines, figuresTable, latencyTable, pool } from "./lib/table.mjs";
import { flag, option } from "./lib/options.mjs";
import { runThroughput } from "./lib/throughput.mjs";

const FULL = flag("full");
const REPS = Number(option("reps", 2));
const SIZES = option("sizes", FULL ? "10,100,1000" : "10,100")
  .split(",")
  .map(Number);
const MEMORY_SOCKETS = Number(option("memory-sockets", FULL ? 1000 : 200));
/** Where each run's fresh state directory is made (the disk by default; /dev/shm shows the runtime without it). */
const STATE_DIR = option("state-dir", undefined);
const FANOUT = Number(option("fanout", FULL ? 1000 : 200));
/** Keeps wrangler's local-development trace recorder on for every target (off by default: see startTarget). */
const LOCAL_TRACES = flag("local-traces");
const log = (...a) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

/** Starts a fresh target, runs `fn` on it, stops it whatever happens. */
async function onFresh(kind, fn) {
  const target = await startTarget(kind, { ...(STATE_DIR ? { stateDir: STATE_DIR } : {}), localTraces: LOCAL_TRACES });
  try {
    return await fn(target);
  } finally {
    await target.stop();
  }
}

const started = Date.now();
const { build } = await import(pathToFileURL(path.join(ROOT, "scripts/build.mjs")).href);
const sizes = await build({ quiet: true }); // also the assets the real Worker serves
const box = machine();
log(`${box.cpu}, ${box.cores} cores, load ${box.load}; sizes ${SIZES.join(", ")}; ${REPS} repetitions`);

const runs = [];
const failures = [];
for (const size of SIZES) {
  for (let rep = 0; rep < REPS; rep++) {
    for (const kind of KINDS) {
      let r;
      try {
        r = await onFresh(kind, (t) =>
          runLatency(t, { conversations: size, drainMs: size >= 1000 ? 180_000 : 60_000 }),
        );
      } catch (err) {
        log(`${size} conversations, ${kind} #${rep + 1} failed: ${err.message}`);
        failures.push(`${size} conversations, ${kind} #${rep + 1}: ${err.message}`);
        continue;
      }
      runs.push(r);
      log(
        `${size} conversations, ${kind} #${rep + 1}: visitor → operator p50 ${r.operator.p50.toFixed(1)} ms, p99 ${r.operator.p99.toFixed(1)} ms, ${r.deliveredPerSec.toFixed(0)} msg/s, lost ${r.lost}`,
      );
    }
  }
}
const pooled = [];
for (const size of SIZES) {
  for (const kind of KINDS) {
    const these = runs.filter((r) => r.conversations === size && r.target === kind);
    if (these.length) pooled.push(pool(these));
  }
}

/** Runs `fn`; on failure logs it, notes it for the output, and gives null. */
async function attempt(label, fn) {
  try {
    return await fn();
  } catch (err) {
    log(`${label} failed: ${err.message}`);
    failures.push(`${label}: ${err.message}`);
    return null;
  }
}

const throughput = {};
const memory = {};
for (const kind of KINDS) {
  await attempt(`${kind} memory and throughput`, () =>
    onFresh(kind, async (t) => {
      memory[kind] = await runMemory(t, { sockets: MEMORY_SOCKETS, idleMs: 5000 });
      log(`${kind}: ${(memory[kind].perSocketIdleBytes / 1024).toFixed(0)} KB per idle socket`);
      throughput[kind] = await runThroughput(t);
      log(`${kind}: ${throughput[kind].perSec.toFixed(0)} msg/s through one conversation`);
    }),
  );
}
const fanout = await attempt("fan-out", () =>
  onFresh("edgechat", (t) => runFanout(t, { conversations: FANOUT, drainMs: FULL ? 300_000 : 120_000 })),
);
if (fanout)
  log(`fan-out: ${FANOUT} conversations, inbox p50 ${fanout.inbox.p50.toFixed(0)} ms, ${fanout.missing} missing`);

// The bill from the least loaded size, where CPU per message is the path's own cost.
const smallest = Math.min(...SIZES);
const measuredFor = (kind) => {
  const p = runs.filter((r) => r.target === kind && r.conversations === smallest);
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  return {
    cpuMsPerMessage: median(p.map((r) => r.cpuMsPerMessage)),
    setupCpuMsPerConversation: median(p.map((r) => r.setupCpuMsPerConversation)),
    inboxFramesPerMessage: kind === "edgechat" ? median(p.map((r) => r.inboxFramesPerMessage)) : 0,
  };
};
const bills = Object.fromEntries(KINDS.map((k) => [k, bill(k, measuredFor(k))]));
const a = bills.edgechat.assumptions;

const md = `### Benchmark (\`npm run bench${FULL ? " -- --full" : ""}\`)

${new Date().toISOString().slice(0, 10)}, ${box.cpu}, ${box.cores} cores, ${box.memGb} GB, Node ${box.node}, load average at start ${box.load}. Wrangler's local runtime, each run on a fresh server (state in ${STATE_DIR ?? "the system's temporary directory, on disk"}; wrangler's local trace recorder ${LOCAL_TRACES ? "on" : "off, as deployed"}); ${REPS} repetitions alternating the targets, percentiles over all their samples. Each conversation: a visitor socket and an operator socket (plus one inbox socket per run for Edgechat), 15 visitor messages 50–150 ms apart.

${latencyTable(pooled)}

${budgetLines(pooled)}

${figuresTable({ throughput, memory, fanout, bills, sizes })}

Bill of ${CONVERSATIONS.toLocaleString("en-US")} conversations × 10 messages at Workers Paid prices beyond the included usage (the plan's $5/month minimum covers all of it):

${billTable(bills)}

Counted: 3 Worker requests per conversation (session, two sockets), every incoming WebSocket message (billed 20:1), calls to the Site per message at most the inbox frames per message (${measuredFor("edgechat").inboxFramesPerMessage.toFixed(2)}: a preview or a summary shown) plus one summary. Measured at ${smallest} conversations: runtime CPU per message, taken as the objects' billed active time (an upper bound: it includes wrangler's proxy), plus ${PREVIEW_LINK_MS / 1000} s in memory per message for a conversation's preview socket (an upper bound: it stays open that long after the last of a burst), and per conversation set up, taken as Worker CPU. Counted in the objects (test/worker/storage-cost.test.ts): ${bills.edgechat.rows.written.toFixed(2)} rows written and ${bills.edgechat.rows.read.toFixed(2)} read per message, the Site's summaries included at one per message (at most: the gap folds several). Assumed for Edgechat: ${a.doRequestsPerConversation} Durable Object requests per conversation set up, ${a.rowsWrittenPerConversation} rows written per conversation set up, ${a.storageBytesPerConversation / 1024} KB stored per conversation.

${failures.length ? `Runs that failed: ${failures.join("; ")}.\n\n` : ""}Run took ${((Date.now() - started) / 60000).toFixed(1)} min.
`;

console.log(md);
mkdirSync(path.join(ROOT, "test-results"), { recursive: true });
writeFileSync(path.join(ROOT, "test-results/bench.md"), md);
log("written to test-results/bench.md");
