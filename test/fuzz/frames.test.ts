/**
 * Frame fuzz: at least 10,000 random and mutated frames of every type (each field retyped,
 * huge, negative, hostile; unknown types; broken JSON; binary; `__proto__` keys; 1 MB
 * strings) on visitor, operator and inbox sockets, and raw protocol frames (not UTF-8,
 * reserved opcodes, fragments), while a correct pair keeps chatting in the same
 * conversation. Nothing may crash or close a socket, every reply must be a well-formed frame
 * (a refusal a well-formed `error`), and the pair must lose nothing.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Peer } from "../load/peer.mjs";
import { startTarget, type Target } from "../load/target.mjs";
import { report } from "../reliability/support/report";
import { conversationFrameProblem, inboxFrameProblem } from "./support/frames";
import { brokenJson, hostileValue, mutate, Random, SEED } from "./support/mutate";
import { ChattingPair } from "./support/pair";
import { frame, rawExchange } from "./support/raw-socket";

const FRAMES = Number(process.env.FUZZ_FRAMES ?? 10_000);
const BATCH = 100;
let target: Target;
let pair: ChattingPair;

beforeAll(async () => {
  target = await startTarget("edgechat");
  pair = await ChattingPair.open(target);
}, 120_000);

afterAll(async () => {
  await target?.stop();
});

const TEMPLATES = {
  visitor: [
    { type: "hello", lastSeq: 1_000_000 },
    { type: "message", clientId: "fz-m", text: "hello there" },
    { type: "typing" },
    { type: "read", seq: 1 },
    { type: "contact", email: "fuzz@example.com" },
    { type: "transcript" },
  ],
  operator: [
    { type: "hello", lastSeq: 1_000_000 },
    { type: "message", clientId: "fz-m", text: "hello there" },
    { type: "note", clientId: "fz-n", text: "internal" },
    { type: "typing" },
    { type: "read", seq: 1 },
  ],
};
const UNKNOWN_TYPES = [
  "note",
  "rate",
  "bot",
  "call",
  "welcome",
  "ack",
  "error",
  "__proto__",
  "constructor",
  "toString",
  "",
  "HELLO",
  "message ",
  "hello\u0000",
];

/** One fuzz frame for a socket of `role`: text (JSON or not) or bytes. */
function fuzzFrame(r: Random, role: "visitor" | "operator", n: number): string | Buffer {
  const template = { ...r.pick(TEMPLATES[role]) } as Record<string, unknown>;
  if ("clientId" in template) template.clientId = `fz-${n}`;
  const kind = r.int(20);
  if (kind < 11) return JSON.stringify(mutate(r, template));
  if (kind < 14) return brokenJson(r, template);
  if (kind < 16)
    return JSON.stringify({
      ...(mutate(r, template) as object),
      type: r.chance(0.5) ? r.pick(UNKNOWN_TYPES) : hostileValue(r),
    });
  if (kind < 17)
    return r.chance(0.5) ? Buffer.from(JSON.stringify(template)) : Buffer.from(r.hex(1 + r.int(64)), "hex");
  if (kind < 18) return JSON.stringify(hostileValue(r));
  return JSON.stringify(template); // valid: stored or answered (within the limits)
}

interface Tally {
  sent: number;
  replies: number;
  errors: Record<string, number>;
  malformed: string[];
  unexpectedCloses: number[];
  unanswered: number;
}

/** Fuzzes one socket: batches of frames, each followed by a sentinel the server must refuse by name. */
async function fuzzSocket(
  open: () => Promise<Peer>,
  role: "visitor" | "operator",
  r: Random,
  budget: { left: number },
  tally: Tally,
  label: string,
) {
  let peer = await open();
  let sentinel = 0;
  const watch = (p: Peer) => {
    p.onFrame((f: any) => {
      tally.replies++;
      const problem = conversationFrameProblem(f);
      if (problem) tally.malformed.push(`${label}: ${problem}: ${JSON.stringify(f).slice(0, 200)}`);
      if (f.type === "error") tally.errors[f.code] = (tally.errors[f.code] ?? 0) + 1;
    });
  };
  watch(peer);
  while (budget.left > 0) {
    const n = Math.min(BATCH, budget.left);
    budget.left -= n;
    for (let i = 0; i < n; i++) {
      const data = fuzzFrame(r, role, tally.sent);
      tally.sent++;
      peer.sendRaw(data);
    }
    // An empty text is refused with the frame's clientId: proof that the batch was processed.
    const id = `${label}-sentinel-${sentinel++}`;
    const answered = peer.waitFor((f: any) => f.type === "error" && f.clientId === id, 60_000, `sentinel ${id}`);
    peer.send({ type: "message", clientId: id, text: "   " });
    try {
      await answered;
    } catch {
      tally.unanswered++;
      if (peer.closeCode !== null) {
        tally.unexpectedCloses.push(peer.closeCode);
        peer = await open();
        watch(peer);
      }
    }
  }
  await peer.close();
}

/** Raw protocol frames on fresh visitor sockets of the pair's conversation. */
async function rawProtocol(session: { conversationId: string; visitorToken: string }) {
  const url = target.visitorUrl(session);
  const hello = Buffer.from(JSON.stringify({ type: "hello", lastSeq: 1_000_000 }));
  const cases: Array<[string, Buffer[]]> = [
    ["text not UTF-8", [frame(1, Buffer.from([0xff, 0xfe, 0xfd]))]],
    ["overlong UTF-8", [frame(1, Buffer.from([0x7b, 0xc0, 0xaf, 0x7d]))]],
    ["UTF-8 surrogate", [frame(1, Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]))]],
    ["truncated UTF-8", [frame(1, Buffer.from([0x22, 0xe2, 0x82]))]],
    ["binary JSON", [frame(2, hello)]],
    ["binary noise", [frame(2, Buffer.from([0, 1, 2, 255, 254]))]],
    ["reserved opcode 3", [frame(3, hello)]],
    ["reserved opcode 11", [frame(11, Buffer.alloc(0))]],
    ["RSV1 without extension", [frame(1, hello, { rsv: 4 })]],
    ["unmasked client frame", [frame(1, hello, { masked: false })]],
    ["fragmented hello", [frame(1, hello.subarray(0, 5), { fin: false }), frame(0, hello.subarray(5))]],
    [
      "ping inside fragments",
      [frame(1, hello.subarray(0, 5), { fin: false }), frame(9, Buffer.from("x")), frame(0, hello.subarray(5))],
    ],
    ["continuation without start", [frame(0, hello)]],
    ["ping over 125 bytes", [frame(9, Buffer.alloc(200))]],
    ["close code 999", [frame(8, Buffer.from([0x03, 0xe7]))]],
    ["close reason not UTF-8", [frame(8, Buffer.from([0x03, 0xe8, 0xff, 0xfe]))]],
    ["frame of 2 MB", [frame(1, Buffer.alloc(2 << 20, 0x61))]],
  ];
  const outcomes: Record<string, string> = {};
  let crashes = 0;
  let refusedUpgrades = 0;
  for (const [name, frames] of cases) {
    const reply = await rawExchange(url, {}, frames, 800);
    if (reply.status >= 500) refusedUpgrades++;
    if (reply.closeCode === 1011) crashes++;
    const malformed = reply.texts
      .map((t) => {
        try {
          return conversationFrameProblem(JSON.parse(t));
        } catch {
          return "not JSON";
        }
      })
      .filter(Boolean);
    outcomes[name] =
      `${reply.status} ${reply.texts.length} frames${malformed.length ? ` (${malformed.join(", ")})` : ""} close ${reply.closeCode ?? "-"}`;
  }
  return { cases: cases.length, outcomes, crashes, refusedUpgrades };
}

test(`${FRAMES} fuzzed frames on visitor, operator and inbox sockets: no crash, well-formed refusals, the pair loses nothing`, async () => {
  const started = Date.now();
  const r = new Random(SEED);
  pair.start(300);
  const tally: Tally = { sent: 0, replies: 0, errors: {}, malformed: [], unexpectedCloses: [], unanswered: 0 };
  const other = await target.session();
  const otherVisitor = await target.openVisitor(other);
  await otherVisitor.hello(0); // makes the conversation, so operators may join it
  await otherVisitor.close();
  const budget = { left: FRAMES };
  const sockets: Array<[() => Promise<Peer>, "visitor" | "operator", string]> = [
    [() => target.openOperator(pair.conversationId, { keep: false }), "operator", "op-p1"],
    [() => target.openOperator(pair.conversationId, { keep: false }), "operator", "op-p2"],
    [() => target.openVisitor(other, { keep: false }), "visitor", "vis-q1"],
    [() => target.openVisitor(other, { keep: false }), "visitor", "vis-q2"],
    [() => target.openOperator(other.conversationId, { keep: false }), "operator", "op-q"],
    // Another tab of the pair's own visitor.
    [() => target.openVisitor(pair.session, { keep: false }), "visitor", "vis-p"],
  ];

  // The inbox socket only listens; whatever it is sent, it must answer well or not at all.
  const inbox = await target.openInbox({ keep: false });
  const inboxMalformed: string[] = [];
  inbox.onFrame((f: any) => {
    const problem = inboxFrameProblem(f);
    if (problem) inboxMalformed.push(problem);
  });
  const inboxFrames = 300;
  for (let i = 0; i < inboxFrames; i++)
    inbox.sendRaw(
      r.chance(0.2) ? Buffer.from(r.hex(16), "hex") : JSON.stringify(mutate(r, { type: "hello", lastSeq: 0 })),
    );

  await Promise.all(
    sockets.map(([open, role, label], i) => fuzzSocket(open, role, new Random(SEED + i + 1), budget, tally, label)),
  );
  const raw = await rawProtocol(other);
  const inboxOpen = inbox.open;
  await inbox.close();
  const health = await fetch(`${target.url}/healthz`);
  const chat = await pair.stop();

  const refused = Object.values(tally.errors).reduce((a, b) => a + b, 0);
  report("fuzz-frames", {
    seed: SEED,
    frames: tally.sent + inboxFrames,
    inboxFrames,
    replies: tally.replies,
    refused,
    errors: Object.entries(tally.errors)
      .map(([k, v]) => `${k}:${v}`)
      .join(","),
    malformed: tally.malformed.length + inboxMalformed.length,
    unexpectedCloses: tally.unexpectedCloses.length,
    unanswered: tally.unanswered,
    rawCases: raw.cases,
    rawCrashes: raw.crashes,
    pairSent: chat.sent,
    pairLost: chat.lost,
    pairLate: chat.late,
    pairRateLimitedRetried: chat.retried,
    pairRefused: chat.refused,
    pairP50: chat.p50,
    pairP99: chat.p99,
    seconds: Math.round((Date.now() - started) / 1000),
  });
  console.log("raw protocol frames:", JSON.stringify(raw.outcomes));
  expect(tally.sent + inboxFrames).toBeGreaterThanOrEqual(10_000);
  expect(tally.malformed.slice(0, 5)).toEqual([]);
  expect(inboxMalformed.slice(0, 5)).toEqual([]);
  expect(tally.unexpectedCloses).toEqual([]);
  expect(tally.unanswered).toBe(0);
  expect(inboxOpen).toBe(true);
  expect(raw.crashes + raw.refusedUpgrades).toBe(0);
  expect(health.status).toBe(200);
  expect({ lost: chat.lost, refused: chat.refused, unexpectedCloses: chat.unexpectedCloses }).toEqual({
    lost: 0,
    refused: 0,
    unexpectedCloses: 0,
  });
}, 300_000);
