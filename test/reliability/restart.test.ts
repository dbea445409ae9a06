/**
 * The local runtime killed with SIGKILL mid-load and restarted on the same state: clients
 * resume with `hello {lastSeq}` and resend what was not acknowledged, and every message is
 * then stored once and in order; timers set before the crash (an auto-reply, an email
 * follow-up) fire once after it; an inbound email delivered before and again after the
 * crash is stored once.
 *
 * Two sites: `demo` carries the load and the inbound email (follow-ups at once, no
 * auto-replies); `timers` has an auto-reply after AUTOREPLY_AFTER_S and follow-ups after a
 * minute, so both are still pending when the runtime dies.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { seedSite } from "../../scripts/local-server.mjs";
import { Peer, sleep } from "../load/peer.mjs";
import { startTarget, type Target } from "../load/target.mjs";
import { openConversations, sendAll, settleAndAudit, type Conversation } from "./support/load";
import { history } from "./support/resilient";
import { FULL, report } from "./support/report";

const CONVERSATIONS = FULL ? 1000 : 60;
const MESSAGES = 20;
const AUTOREPLY_AFTER_S = 30;
const dir = mkdtempSync(path.join(os.tmpdir(), "edgechat-sigkill-"));
let target: Target;

const TIMERS = { siteKey: "timers", email: "owner@timers.example", password: "a long timers password" };
let timersCookie = "";

interface Site {
  key: string;
  headers: () => Record<string, string>;
}
const demo: Site = { key: "demo", headers: () => target.operatorHeaders };
const timers: Site = { key: "timers", headers: () => ({ Cookie: timersCookie, Origin: target.url }) };

async function api(
  site: Site,
  method: string,
  apiPath: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${target.url}${apiPath}`, {
    method,
    headers: { ...site.headers(), ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text.startsWith("{") ? JSON.parse(text) : text };
}

async function session(site: Site): Promise<{ visitorToken: string; conversationId: string }> {
  const res = await fetch(`${target.url}/api/v1/sites/${site.key}/sessions`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: target.url },
    body: "{}",
  });
  expect(res.status).toBe(200);
  return (await res.json()) as any;
}

const wsUrl = (conversationId: string) =>
  `${target.url.replace("http", "ws")}/api/v1/admin/conversations/${conversationId}/ws`;

async function followups(site: Site, conversationId: string): Promise<any[]> {
  const res = await api(site, "GET", "/api/v1/admin/outbox?limit=200");
  expect(res.status).toBe(200);
  return res.body.messages.filter((m: any) => m.kind === "followup" && m.conversationId === conversationId);
}

function deliverEmail(to: string, raw: string): Promise<Response> {
  const qs = new URLSearchParams({ from: "ann@example.com", to });
  return fetch(`${target.url}/cdn-cgi/handler/email?${qs}`, { method: "POST", body: raw.replace(/\n/g, "\r\n") });
}

/** A visitor writes (and leaves an email when `email`), then an operator answers. */
async function conversation(site: Site, prefix: string, question: string, answer?: string, email = true) {
  const s = await session(site);
  const visitor = await Peer.open(
    `${target.url.replace("http", "ws")}/api/v1/conversations/${s.conversationId}/ws?token=${s.visitorToken}`,
  );
  await visitor.hello(0);
  visitor.send({ type: "message", clientId: `${prefix}-q`, text: question });
  await visitor.next("ack", () => true, 60_000);
  if (email) {
    visitor.send({ type: "contact", email: "ann@example.com" });
    await visitor.next("contact", () => true, 60_000);
  }
  await visitor.close();
  if (answer) {
    const operator = await Peer.open(wsUrl(s.conversationId), { headers: site.headers() });
    await operator.hello(0);
    operator.send({ type: "message", clientId: `${prefix}-a`, text: answer });
    await operator.next("ack", () => true, 60_000);
    await operator.close();
  }
  return { id: s.conversationId, at: Date.now() };
}

let killedAt = 0;
let followup: { id: string; at: number };
let emailed: { id: string; replyTo: string; raw: string };

beforeAll(async () => {
  target = await startTarget("edgechat", { persistTo: dir });
  await seedSite(target.url, target.secrets.ADMIN_TOKEN, {
    siteKey: TIMERS.siteKey,
    name: "Timers",
    ownerEmail: TIMERS.email,
    ownerPassword: TIMERS.password,
    allowedOrigins: ["http://127.0.0.1:*"],
    timezone: "UTC",
    locale: "en",
  });
  const login = await fetch(`${target.url}/api/v1/admin/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: target.url },
    body: JSON.stringify({ siteKey: TIMERS.siteKey, email: TIMERS.email, password: TIMERS.password }),
  });
  expect(login.status).toBe(200);
  timersCookie = login.headers.get("set-cookie")!.split(";")[0]!;
  // Always "weekend" (an empty week); one rule that answers after AUTOREPLY_AFTER_S.
  const rules = await api(timers, "PUT", "/api/v1/admin/autoreply", {
    schedule: { timezone: "UTC", week: {} },
    rules: [
      {
        id: "later",
        name: "Later",
        periods: ["weekend", "holiday", "night"],
        timeoutSec: AUTOREPLY_AFTER_S,
        variants: [{ text: "We answer soon." }],
      },
    ],
    quietAfterOperatorMinutes: 0,
    askEmail: false,
  });
  expect(rules.status, JSON.stringify(rules.body)).toBe(200);
  expect((await api(timers, "PUT", "/api/v1/admin/email-settings", { followupDelayMinutes: 1 })).status).toBe(200);
  // Answered first: its follow-up (a minute later) is the longest wait of the file.
  followup = await conversation(timers, "b", "Where is my parcel?", "It left our store today.");

  // An inbound email needs a signed reply address: a follow-up sent at once gives one.
  expect((await api(demo, "PUT", "/api/v1/admin/email-settings", { followupDelayMinutes: 0 })).status).toBe(200);
  const c = await conversation(demo, "c", "Can I pay by invoice?", "Yes, for orders over 100 EUR.");
  let sent: any;
  for (let i = 0; i < 150 && !sent; i++) {
    sent = (await followups(demo, c.id))[0];
    if (!sent) await sleep(200);
  }
  expect(sent, "the follow-up that gives the reply address").toBeTruthy();
  const replyTo = sent.message.replyTo.address as string;
  const raw = `From: Ann <ann@example.com>\nTo: ${replyTo}\nSubject: Re: ${sent.subject}\nMessage-ID: <ann-restart-1@example.com>\nIn-Reply-To: ${sent.message.messageId}\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nThank you, invoice it is.\n`;
  expect((await deliverEmail(replyTo, raw)).status).toBe(200);
  emailed = { id: c.id, replyTo, raw };
}, 180_000);

afterAll(async () => {
  await target?.stop();
  rmSync(dir, { recursive: true, force: true });
});

let autoReply: { id: string; at: number };

test(
  `SIGKILL mid-load (${CONVERSATIONS} conversations × ${MESSAGES} messages), restart: clients resume, nothing lost, duplicated or reordered`,
  async () => {
    const convs: Conversation[] = await openConversations(target, CONVERSATIONS);
    // Waiting for an auto-reply due AUTOREPLY_AFTER_S from now: after the crash.
    autoReply = await conversation(timers, "a", "Is anyone there?", undefined, false);
    const load = sendAll(convs, { conversations: CONVERSATIONS, messages: MESSAGES, gapMs: [150, 450], label: "s" });
    // Mid-load: a tenth of the messages acknowledged (or 15 s, on a slow machine), the rest in flight or to come.
    const acked = () => convs.reduce((n, c) => n + c.visitor.acks.size + c.operator.acks.size, 0);
    const loadStart = Date.now();
    while (acked() < (CONVERSATIONS * MESSAGES) / 10 && Date.now() - loadStart < 15_000) await sleep(100);
    const pids = target.runtimePids();
    expect(pids.length).toBeGreaterThan(0);
    const ackedBeforeKill = acked();
    for (const pid of pids) process.kill(pid, "SIGKILL");
    killedAt = Date.now();
    await target.server.stop();
    target = await startTarget("edgechat", { persistTo: dir, port: target.port, secrets: target.secrets });
    const restartedAt = Date.now();

    await load;
    const result = await settleAndAudit(target, convs, FULL ? 600_000 : 180_000);
    report("reliability-restart", {
      conversations: CONVERSATIONS,
      messages: result.sent,
      ackedBeforeKill,
      lost: result.lost,
      duplicated: result.duplicated,
      outOfOrder: result.outOfOrder,
      notDelivered: result.notDelivered,
      redelivered: result.redelivered,
      clientErrors: result.errors,
      downSeconds: ((restartedAt - killedAt) / 1000).toFixed(1),
    });
    expect({
      lost: result.lost,
      duplicated: result.duplicated,
      outOfOrder: result.outOfOrder,
      notDelivered: result.notDelivered,
    }).toEqual({ lost: 0, duplicated: 0, outOfOrder: 0, notDelivered: 0 });

    // The inbox agrees with what was stored, though summaries and state rows that were
    // still to be written died with the runtime (the list shows the newest 100).
    const lastSeqs = new Map<string, number>();
    for (const c of convs.slice(-100)) {
      const stored = await history(target.operatorUrl(c.id), target.operatorHeaders);
      lastSeqs.set(c.id, stored.at(-1)?.seq ?? 0);
    }
    const behind = async () => {
      const listed: any[] = (await api(demo, "GET", "/api/v1/admin/conversations")).body.conversations;
      const shown = new Map(listed.map((e) => [e.id, e.lastSeq]));
      return [...lastSeqs].filter(([id, seq]) => shown.has(id) && shown.get(id) !== seq).length;
    };
    await expect.poll(behind, { timeout: 30_000, interval: 500 }).toBe(0);
    const listed: any[] = (await api(demo, "GET", "/api/v1/admin/conversations")).body.conversations;
    expect(listed.filter((e) => lastSeqs.has(e.id)).length).toBeGreaterThanOrEqual(Math.min(lastSeqs.size, 90));
  },
  FULL ? 1_200_000 : 240_000,
);

test("an inbound email delivered before the crash and twice after it is stored once", async () => {
  for (let i = 0; i < 2; i++) expect((await deliverEmail(emailed.replyTo, emailed.raw)).status).toBe(200);
  const stored = (await history(wsUrl(emailed.id), demo.headers())).filter((m: any) => m.channel === "email");
  report("reliability-email", { deliveries: 3, stored: stored.length });
  expect(stored.map((m) => m.text)).toEqual(["Thank you, invoice it is."]);
});

test("the auto-reply due after the crash fires once", async () => {
  const bots = async () =>
    (await history(wsUrl(autoReply.id), timers.headers())).filter((m) => m.author.kind === "bot") as any[];
  const deadline = autoReply.at + AUTOREPLY_AFTER_S * 1000 + 60_000;
  while (!(await bots()).length && Date.now() < deadline) await sleep(1000);
  await sleep(3000); // a second run of the alarm would have posted again by now
  const posted = await bots();
  report("reliability-autoreply", {
    posted: posted.length,
    firedAfterCrash: posted.length && posted.every((m) => m.at >= killedAt) ? 1 : 0,
  });
  expect(posted.map((m) => m.text)).toEqual(["We answer soon."]);
  expect(posted[0].at).toBeGreaterThanOrEqual(killedAt);
}, 120_000);

test("the email follow-up due after the crash is sent once", async () => {
  const deadline = followup.at + 60_000 + 60_000;
  while (!(await followups(timers, followup.id)).length && Date.now() < deadline) await sleep(1000);
  await sleep(3000);
  const sent = await followups(timers, followup.id);
  report("reliability-followup", {
    sent: sent.length,
    dueSecondsAfterCrash: ((followup.at + 60_000 - killedAt) / 1000).toFixed(0),
  });
  expect(sent).toHaveLength(1);
  expect(sent[0].raw).toContain("It left our store today.");
  expect(sent[0].createdAt).toBeGreaterThanOrEqual(killedAt);
}, 180_000);
