/**
 * The site archive at size, against the local runtime (`wrangler dev`, workerd, SQLite
 * Durable Objects on disk): a site of `--conversations` conversations (10,000 by default)
 * with `--messages` messages each (5) is made by importing a generated archive, exported,
 * and the export imported into a second, fresh site. Each phase prints its time, the bytes
 * streamed, and the peak resident memory of the workerd processes (sampled every 100 ms)
 * and of this client. Run: `npm run bench:export` (`npm run build` first). Prints one
 * Markdown table.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { pathToFileURL } from "node:url";
import { ROOT } from "../../scripts/local-server.mjs";
import { rssBytes, runtimePids } from "../load/stats.mjs";
import { numberOption } from "./lib/options.mjs";

const CONVERSATIONS = numberOption("conversations", 10_000);
const MESSAGES = numberOption("messages", 5);
/** 0 skips the second import (the round trip at size; the first import already measures an import). */
const REIMPORT = numberOption("reimport", 1);
const MB = (b) => `${(b / 1024 / 1024).toFixed(0)} MB`;

const { startTestServer } = await import(pathToFileURL(path.join(ROOT, "scripts/local-server.mjs")).href);
const server = await startTestServer({ quiet: !process.env.BENCH_LOGS });
const dir = mkdtempSync(path.join(os.tmpdir(), "edgechat-archive-bench-"));
const rows = [];
try {
  const pids = runtimePids(server.pid);
  const demo = await login("demo", server.owner);
  rows.push(
    await measure(
      pids,
      `import a generated archive (${CONVERSATIONS.toLocaleString("en")} conversations × ${MESSAGES} messages)`,
      () => importFile(demo, Readable.toWeb(Readable.from(generated(), { objectMode: false }))),
    ),
  );
  const file = path.join(dir, "export.jsonl");
  rows.push(
    await measure(pids, "export it (streamed to a file)", async () => {
      const res = await fetch(`${server.url}/api/v1/admin/data/export`, { headers: { Cookie: demo } });
      if (!res.ok) throw new Error(`export: ${res.status} ${await res.text()}`);
      await pipeline(Readable.fromWeb(res.body), createWriteStream(file));
      return { bytes: statSync(file).size };
    }),
  );
  const created = await fetch(`${server.url}/api/v1/sites`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${server.vars.ADMIN_TOKEN}` },
    body: JSON.stringify({
      siteKey: "copy",
      name: "Copy",
      ownerEmail: server.owner.email,
      ownerPassword: server.owner.password,
      allowedOrigins: ["http://localhost:*"],
      timezone: "Europe/Berlin",
    }),
  });
  if (created.status !== 201) throw new Error(`site: ${created.status} ${await created.text()}`);
  const copy = await login("copy", server.owner);
  rows.push(
    await measure(pids, "dry run of the export into a fresh site", () =>
      importFile(copy, Readable.toWeb(createReadStream(file)), true),
    ),
  );
  if (REIMPORT)
    rows.push(
      await measure(pids, "import of the export into the fresh site", () =>
        importFile(copy, Readable.toWeb(createReadStream(file))),
      ),
    );
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}

console.log(`| site archive, local runtime (2 shared cores) | time | bytes | workerd peak RSS | client peak RSS |
|---|---|---|---|---|
${rows.map((r) => `| ${r.what} | ${(r.ms / 1000).toFixed(1)} s | ${MB(r.bytes)} | ${MB(r.workerdPeak)} (from ${MB(r.workerdBefore)}) | ${MB(r.clientPeak)} |`).join("\n")}`);

async function login(siteKey, owner) {
  const res = await fetch(`${server.url}/api/v1/admin/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: server.url },
    body: JSON.stringify({ siteKey, email: owner.email, password: owner.password }),
  });
  if (!res.ok) throw new Error(`login: ${res.status} ${await res.text()}`);
  return res.headers.get("set-cookie").split(";")[0];
}

async function importFile(cookie, body, dryRun = false) {
  let bytes = 0;
  const counted = body.pipeThrough(
    new TransformStream({
      transform(chunk, controller) {
        bytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.byteLength;
        controller.enqueue(chunk);
      },
    }),
  );
  const res = await fetch(`${server.url}/api/v1/admin/data/import${dryRun ? "?dryRun=1" : ""}`, {
    method: "POST",
    headers: { Cookie: cookie, Origin: server.url, "Content-Type": "application/x-ndjson" },
    body: counted,
    duplex: "half",
  });
  let answer = await res.json();
  if (!res.ok) throw new Error(`import: ${res.status} ${JSON.stringify(answer)}`);
  // An import answers after a time budget with what is left; the admin calls again until done.
  while (!dryRun && !answer.done) {
    const next = await fetch(`${server.url}/api/v1/admin/data/import/${answer.importId}/commit`, {
      method: "POST",
      headers: { Cookie: cookie, Origin: server.url },
    });
    answer = { ...answer, ...(await next.json()) };
    if (!next.ok) throw new Error(`commit: ${next.status} ${JSON.stringify(answer)}`);
    console.error(`  ${answer.done ? "done" : `${answer.remaining} conversations left`}`);
  }
  if (answer.report.records.conversation !== CONVERSATIONS)
    throw new Error(`import: ${answer.report.records.conversation} conversations`);
  return { bytes };
}

/** Runs `work` while sampling the RSS of workerd and of this process. */
async function measure(pids, what, work) {
  const workerdBefore = rssBytes(pids);
  let workerdPeak = workerdBefore;
  let clientPeak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    workerdPeak = Math.max(workerdPeak, rssBytes(pids));
    clientPeak = Math.max(clientPeak, process.memoryUsage().rss);
  }, 100);
  const started = performance.now();
  try {
    const { bytes } = await work();
    const ms = performance.now() - started;
    console.error(`${what}: ${(ms / 1000).toFixed(1)} s`);
    return { what, ms, bytes, workerdBefore, workerdPeak, clientPeak };
  } finally {
    clearInterval(sampler);
  }
}

/** A site archive of CONVERSATIONS conversations, written as it is read, with its trailer. */
function* generated() {
  const hash = createHash("sha256");
  let records = 0;
  const out = (record) => {
    const text = `${JSON.stringify(record)}\n`;
    hash.update(text);
    records++;
    return text;
  };
  const start = Date.parse("2026-01-05T09:00:00Z");
  yield out({
    kind: "header",
    format: "edgechat-site-archive",
    version: 1,
    site: { key: "generated", name: "Generated shop" },
    exportedAt: Date.now(),
    files: "none",
  });
  let chunk = "";
  for (let i = 0; i < CONVERSATIONS; i++) {
    const at = start + i * 47_000;
    const visitor = `v_bench${String(i).padStart(17, "0")}`;
    const id = createHash("sha256").update(`conversation ${i}`).digest("hex");
    chunk += out({
      kind: "contact",
      row: {
        visitor_id: visitor,
        email: `buyer${i}@example.com`,
        name: `Buyer ${i}`,
        verified: 0,
        first_seen: at,
        last_seen: at,
      },
    });
    chunk += out({
      kind: "conversation",
      id,
      row: {
        visitor_id: visitor,
        status: i % 3 ? "resolved" : "open",
        channel: "chat",
        email: `buyer${i}@example.com`,
        visitor_name: `Buyer ${i}`,
        created_at: at,
        first_visitor_at: at,
        first_operator_at: at + 40_000,
        last_visitor_at: at + 1000 * MESSAGES,
        last_operator_at: at + 40_000,
        resolved_at: i % 3 ? at + 600_000 : null,
        visitor_read_seq: MESSAGES,
        operator_read_seq: MESSAGES,
        rev: MESSAGES + 2,
      },
    });
    for (let seq = 1; seq <= MESSAGES; seq++) {
      const operator = seq % 2 === 0;
      chunk += out({
        kind: "message",
        conversation: id,
        row: {
          seq,
          client_id: `${id.slice(0, 16)}-${seq}`,
          author_kind: operator ? "operator" : "visitor",
          author_id: null,
          author_name: operator ? "Olga" : null,
          text: operator
            ? `Thanks, order ${i} ships tomorrow.`
            : `Where is my order ${i}? Message ${seq}, with a few more words so it reads like one.`,
          at: at + seq * 10_000,
          channel: "chat",
          meta: null,
          attachments: null,
        },
      });
    }
    if (chunk.length > 256 * 1024) {
      yield chunk;
      chunk = "";
    }
  }
  yield chunk;
  yield `${JSON.stringify({ kind: "trailer", records, sha256: hash.digest("hex") })}\n`;
}
