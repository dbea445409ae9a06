/**
 * The local runtime killed with SIGKILL mid-load and restarted on the same state: clients
 * resume with `hello {lastSeq}` and resend what was not acknowledged, and every message is
 * then stored once and in order; timers set before the crash (an auto-reply, an email
 * follow-up) fire once after it; an inbound email delivered before and again after the
 * crash is stored once.
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

/** The second site, whose settings the timers use (the demo site's auto-replies stay off). */
const TIMERS = { siteKey: "timers", email: "owner@timers.example", password: "a long timers password" };
let timersCookie = "";

async function timersApi(method: string, apiPath: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${target.url}${apiPath}`, {
    method,
    headers: { Origin: target.url, Cookie: timersCookie, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text.startsWith("{") ? JSON.parse(text) : text };
}

async function timersSession(): Promise<{ visitorToken: string; conversationId: string }> {
  const res = await fetch(`${target.url}/api/v1/sites/timers/sessions`, {
    method: "POST", headers: { "Content-Type": "application/json", Origin: target.url }, body: "{}",
  });
  expect(res.status).toBe(200);
  return (await res.json()) as any;
}

async function outbox(): Promise<any[]> {
  const res = await timersApi("GET", "/api/v1/admin/outbox?limit=200");
  expect(res.status).toBe(200);
  return res.body.messages;
}

function deliverEmail(to: string, raw: string): Promise<Response> {
  const qs = new URLSearchParams({ from: "ann@example.com", to });
  return fetch(`${target.url}/cdn-cgi/handler/email?${qs}`, { method: "POST", body: raw.replace(/\n/g, "\r\n") });
}

async function emailMessages(conversationId: string): Promise<any[]> {
  const all = await history(`${target.url.replace("http", "ws")}/api/v1/admin/conversations/${conversationId}/ws`, { Cookie: timersCookie, Origin: target.url });
  return all.filter((m: any) => m.channel === "email");
}

let killedAt = 0;
let restartedAt = 0;
let autoReplyId = "";
let followup: { id: string; answeredAt: number };
let emailed: { id: string; replyTo: string; raw: string };

/** A visitor who writes and leaves an email, and an operator who answers (a follow-up is then owed). */
async function answeredVisitorWithEmail(prefix: string, question: string, answer: string) {
  const session = await timersSession();
  const wsBase = target.url.replace("http", "ws");
  const visitor = await Peer.open(`${wsBase}/api/v1/conversations/${session.conversationId}/ws?token=${session.visitorToken}`);
  await visitor.hello(0);
  visitor.send({ type: "message", clientId: `${prefix}-q`, text: question });
  await visitor.next("ack", () => true, 60_000);
  visitor.send({ type: "contact", email: "ann@example.com" });
  await visitor.next("contact", () => true, 60_000);
  await visitor.close();
  const operator = await Peer.open(`${wsBase}/api/v1/admin/conversations/${session.conversationId}/ws`, { headers: { Cookie: timersCookie, Origin: target.url } });
  await operator.hello(0);
  operator.send({ type: "message", clientId: `${prefix}-a`, text: answer });
  await operator.next("ack", () => true, 60_000);
  const answeredAt = Date.now();
  await operator.close();
  return { id: session.conversationId, answeredAt };
}

beforeAll(async () => {
  target = await startTarget("edgechat", { persistTo: dir });
  await seedSite(target.url, target.secrets.ADMIN_TOKEN, {
    siteKey: TIMERS.siteKey, name: "Timers", ownerEmail: TIMERS.email, ownerPassword: TIMERS.password,
    allowedOrigins: ["http://127.0.0.1:*"], timezone: "UTC", locale: "en",
  });
  const login = await fetch(`${target.url}/api/v1/admin/login`, {
    method: "POST", headers: { "Content-Type": "application/json", Origin: target.url },
    body: JSON.stringify({ siteKey: TIMERS.siteKey, email: TIMERS.email, password: TIMERS.password }),
  });
  expect(login.status).toBe(200);
  timersCookie = login.headers.get("set-cookie")!.split(";")[0]!;
  // Always "weekend" (an empty week); one rule that answers after AUTOREPLY_AFTER_S.
  const rules = await timersApi("PUT", "/api/v1/admin/autoreply", {
    schedule: { timezone: "UTC", week: {} },
    rules: [{ id: "later", name: "Later", periods: ["weekend", "holiday", "night"], timeoutSec: AUTOREPLY_AFTER_S, variants: [{ text: "We answer soon." }] }],
    quietAfterOperatorMinutes: 0,
    askEmail: false,
  });
  expect(rules.status, JSON.stringify(rules.body)).toBe(200);

  // An inbound email needs a signed reply address: a follow-up sent at once gives one.
  expect((await timersApi("PUT", "/api/v1/admin/email-settings", { followupDelayMinutes: 0 })).status).toBe(200);
  const c = await answeredVisitorWithEmail("c", "Can I pay by invoice?", "Yes, for orders over 100 EUR.");
  let sent: any;
  for (let i = 0; i < 100 && !sent; i++) {
    sent = (await outbox()).find((m) => m.kind === "followup" && m.conversationId === c.id);
    if (!sent) await sleep(200);
  }
  expect(sent, "the follow-up that gives the reply address").toBeTruthy();
  const replyTo = sent.message.replyTo.address as string;
  const raw = `From: Ann <ann@example.com>\nTo: ${replyTo}\nSubject: Re: ${sent.subject}\nMessage-ID: <ann-restart-1@example.com>\nIn-Reply-To: ${sent.message.messageId}\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nThank you, invoice it is.\n`;
  expect((await deliverEmail(replyTo, raw)).status).toBe(200);
  expect(await emailMessages(c.id)).toHaveLength(1);
  emailed = { id: c.id, replyTo, raw };
  // From now on follow-ups wait a minute: long enough to be pending across the crash.
  expect((await timersApi("PUT", "/api/v1/admin/email-settings", { followupDelayMinutes: 1 })).status).toBe(200);
}, 180_000);

afterAll(async () => {
  await target?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test(`SIGKILL mid-load (${CONVERSATIONS} conversations × ${MESSAGES} messages), restart: clients resume, nothing lost, duplicated or reordered`, async () => {
  const convs: Conversation[] = await openConversations(target, CONVERSATIONS);

  // Timers due after the crash, set just before the load starts (an idle runtime answers at
  // once): an auto-reply in AUTOREPLY_AFTER_S, a follow-up in a minute.
  const session = await timersSession();
  const waiting = await Peer.open(`${target.url.replace("http", "ws")}/api/v1/conversations/${session.conversationId}/ws?token=${session.visitorToken}`);
  await waiting.hello(0);
  waiting.send({ type: "message", clientId: "a-q", text: "Is anyone there?" });
  await waiting.next("ack", () => true, 60_000);
  await waiting.close();
  autoReplyId = session.conversationId;
  followup = await answeredVisitorWithEmail("b", "Where is my parcel?", "It left our store today.");

  const load = sendAll(convs, { conversations: CONVERSATIONS, messages: MESSAGES, gapMs: [150, 450], label: "s" });
  await sleep(1000);
  const pids = target.runtimePids();
  expect(pids.length).toBeGreaterThan(0);
  const ackedBeforeKill = convs.reduce((n, c) => n + c.visitor.acks.size + c.operator.acks.size, 0);
  for (const pid of pids) process.kill(pid, "SIGKILL");
  killedAt = Date.now();
  await target.server.stop();
  target = await startTarget("edgechat", { persistTo: dir, port: target.port, secrets: target.secrets });
  restartedAt = Date.now();

  await load;
  const result = await settleAndAudit(target, convs, FULL ? 600_000 : 180_000);
  report("reliability-restart", {
    conversations: CONVERSATIONS, messages: result.sent, ackedBeforeKill, lost: result.lost, duplicated: result.duplicated,
    outOfOrder: result.outOfOrder, notDelivered: result.notDelivered, redelivered: result.redelivered,
    clientErrors: result.errors, downSeconds: ((restartedAt - killedAt) / 1000).toFixed(1),
  });
  expect({ lost: result.lost, duplicated: result.duplicated, outOfOrder: result.outOfOrder, notDelivered: result.notDelivered })
    .toEqual({ lost: 0, duplicated: 0, outOfOrder: 0, notDelivered: 0 });
}, FULL ? 1_200_000 : 240_000);

test("an inbound email delivered before the crash and twice after it is stored once", async () => {
  for (let i = 0; i < 2; i++) expect((await deliverEmail(emailed.replyTo, emailed.raw)).status).toBe(200);
  const stored = await emailMessages(emailed.id);
  report("reliability-email", { deliveries: 3, stored: stored.length });
  expect(stored.map((m) => m.text)).toEqual(["Thank you, invoice it is."]);
});

test("the auto-reply due after the crash fires once", async () => {
  const url = `${target.url.replace("http", "ws")}/api/v1/admin/conversations/${autoReplyId}/ws`;
  const bots = async () => (await history(url, { Cookie: timersCookie, Origin: target.url })).filter((m) => m.author.kind === "bot") as any[];
  const deadline = Date.now() + AUTOREPLY_AFTER_S * 1000 + 60_000;
  while (!(await bots()).length && Date.now() < deadline) await sleep(1000);
  await sleep(3000); // a second run of the alarm would post again by now
  const posted = await bots();
  report("reliability-autoreply", { posted: posted.length, firedAfterCrash: posted.every((m) => m.at >= killedAt) ? 1 : 0 });
  expect(posted.map((m) => m.text)).toEqual(["We answer soon."]);
  expect(posted[0].at).toBeGreaterThanOrEqual(killedAt);
}, 120_000);

test("the email follow-up due after the crash is sent once", async () => {
  const mine = async () => (await outbox()).filter((m) => m.kind === "followup" && m.conversationId === followup.id);
  const deadline = followup.answeredAt + 60_000 + 60_000;
  while (!(await mine()).length && Date.now() < deadline) await sleep(1000);
  await sleep(3000);
  const sent = await mine();
  report("reliability-followup", { sent: sent.length, dueSecondsAfterCrash: ((followup.answeredAt + 60_000 - killedAt) / 1000).toFixed(0) });
  expect(sent).toHaveLength(1);
  expect(sent[0].raw).toContain("It left our store today.");
}, 180_000);
