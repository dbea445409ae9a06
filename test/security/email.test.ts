/**
 * Inbound email: forged, moved and expired reply addresses are rejected; mail from another
 * address than the visitor's never reaches the visitor as their words until an operator
 * accepts it; the same delivery twice is stored once; auto-replies marked only by their
 * subject or by delivery status content are never stored.
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { handleInboundEmail } from "../../worker/api/inbound-email";
import { replyAddress } from "../../worker/email";
import {
  createSite,
  inboundEmail,
  login,
  noAutoReplies,
  operatorSocket,
  startSession,
  visitorSocket,
} from "../worker/helpers";
import { tally } from "./tally";

const SITE = "sec-email";
const DAY = 86_400_000;
const t = tally("email (forged/expired reply addresses, other senders, duplicate delivery, auto-replies)");
let cookie: string;

beforeAll(async () => {
  await createSite(SITE);
  cookie = await login(SITE);
  await noAutoReplies(cookie);
});

/** A visitor who left `ann@example.com`, with a tab and an operator on the conversation. */
async function chat() {
  const grant = await startSession(SITE);
  const tab = await visitorSocket(grant);
  await tab.hello();
  await tab.say("Do you ship to Riga?");
  tab.send({ type: "contact", email: "Ann@Example.com" });
  await tab.next("contact");
  const op = await operatorSocket(cookie, grant.conversationId);
  await op.hello();
  const to = await replyAddress(grant.conversationId, env.TOKEN_SECRET, "in.chat.example");
  return { grant, tab, op, to };
}

function mail(to: string, o: { from?: string; id?: string; subject?: string; headers?: string; body?: string } = {}) {
  const raw =
    `From: ${o.from ?? "Ann <ann@example.com>"}\nTo: ${to}\nSubject: ${o.subject ?? "Re: New answer from Shop"}\n` +
    `Message-ID: ${o.id ?? `<${crypto.randomUUID()}@example.com>`}\nMIME-Version: 1.0\n${o.headers ?? "Content-Type: text/plain; charset=utf-8\n"}\n` +
    `${o.body ?? "Thanks, two please."}\n`;
  return inboundEmail(raw.replace(/\n/g, "\r\n"), to);
}

describe("reply addresses", () => {
  it("rejects forged, moved and expired addresses", async () => {
    const { grant, op, to } = await chat();
    const local = to.slice(0, to.indexOf("@"));
    const [, id, day, sig] = /^reply\+([a-z0-9]+)\.(\d+)\.([a-z2-7]+)$/.exec(local)!;
    const other = env.CONVERSATION.newUniqueId().toString();
    const flipped = sig.slice(0, -1) + (sig.endsWith("a") ? "b" : "a");
    const forged = [
      `reply+${id}.${day}.${flipped}@in.chat.example`,
      `reply+${other}.${day}.${sig}@in.chat.example`,
      `reply+${id}.${Number(day) + 30}.${sig}@in.chat.example`,
      `reply+${id}.${sig}@in.chat.example`,
      `reply+${id}.${day}.${"a".repeat(26)}@in.chat.example`,
      await replyAddress(grant.conversationId, "another-secret", "in.chat.example"),
      await replyAddress(grant.conversationId, env.TOKEN_SECRET, "in.chat.example", Date.now() - 181 * DAY),
      await replyAddress(grant.conversationId, env.TOKEN_SECRET, "in.chat.example", Date.now() - 3650 * DAY),
      "support@in.chat.example",
      `reply+${id}@in.chat.example`,
    ];
    for (const address of forged) {
      const m = mail(address);
      const outcome = await handleInboundEmail(m.message, env);
      t.probe(outcome.outcome === "rejected" && m.rejected.length === 1);
      expect(outcome.outcome, address).toBe("rejected");
    }
    await op.none("message");
  });
});

describe("the sender decides whose words they are", () => {
  it("holds mail from other addresses for the operator; the visitor sees it only once an operator accepts it", async () => {
    const { tab, op, to } = await chat();
    const strangers = [
      "mallory@example.net",
      "Ann <ann@example.com.evil.example>",
      "ann@example.co",
      '"ann@example.com" <x@evil.example>',
      "<>",
    ];
    for (const from of strangers) {
      await handleInboundEmail(mail(to, { from, body: `from ${from}` }).message, env);
      const { message } = await op.next("message");
      t.probe(message.meta.unverifiedSender === true);
      expect(message.meta.unverifiedSender, from).toBe(true);
    }
    await tab.none("message");
    tab.send({ type: "hello", lastSeq: 0 });
    const seen = (await tab.next("welcome")).messages.map((m: any) => m.text);
    t.probe(!seen.some((text: string) => text.startsWith("from ")));
    expect(seen).toEqual(["Do you ship to Riga?"]);

    tab.send({ type: "acceptEmail", seq: 2 });
    const refused = await tab.next("error");
    t.probe(refused.code === "bad_frame");

    await handleInboundEmail(mail(to, { from: "ANN@example.COM", body: "mine, in capitals" }).message, env);
    expect((await tab.next("message")).message.text).toBe("mine, in capitals");
  });

  it("stores the same delivery once, however often it comes", async () => {
    const { op, to } = await chat();
    const outcomes = [];
    for (let i = 0; i < 5; i++)
      outcomes.push((await handleInboundEmail(mail(to, { id: "<same@example.com>" }).message, env)).outcome);
    expect(outcomes[0]).toBe("stored");
    for (const outcome of outcomes.slice(1)) t.probe(outcome === "duplicate");
    expect(outcomes.slice(1)).toEqual(["duplicate", "duplicate", "duplicate", "duplicate"]);
    await op.next("message");
    await op.none("message");
  });
});

describe("machine-sent mail", () => {
  it("never stores auto-replies marked only by subject or by delivery status content", async () => {
    const { tab, op, to } = await chat();
    const subjects = [
      "Out of office: Re: New answer from Shop",
      "Automatic reply: Re: New answer from Shop",
      "Autoreply",
      "Delivery Status Notification (Failure)",
      "Undeliverable: Re: New answer from Shop",
      "Mail delivery failed: returning message to sender",
      "Автоответ: Re: Новый ответ",
      "Автоматический ответ: Re: Новый ответ",
      "Меня нет в офисе",
      "Не доставлено: Re: Новый ответ",
      "Abwesenheitsnotiz: Re: Antwort",
      "Automatische Antwort: Re: Antwort",
      "Réponse automatique : Re: Réponse",
    ];
    for (const subject of subjects) {
      const outcome = await handleInboundEmail(mail(to, { subject, body: "I am away until Monday." }).message, env);
      t.probe(outcome.outcome === "ignored");
      expect(outcome.outcome, subject).toBe("ignored");
    }
    const dsn = await handleInboundEmail(
      mail(to, {
        from: "bounces@mx.example.net",
        subject: "Re: New answer from Shop",
        headers: "Content-Type: multipart/report; report-type=delivery-status; boundary=b\n",
        body: "--b\nContent-Type: text/plain\n\nNot delivered.\n--b\nContent-Type: message/delivery-status\n\nStatus: 5.1.1\n--b--",
      }).message,
      env,
    );
    t.probe(dsn.outcome === "ignored");
    const person = await handleInboundEmail(
      mail(to, {
        headers: "Content-Type: text/plain; charset=utf-8\nX-Auto-Response-Suppress: All\n",
        body: "Still here, from Outlook.",
      }).message,
      env,
    );
    expect(person.outcome).toBe("stored");
    expect((await tab.next("message")).message.text).toBe("Still here, from Outlook.");
    await op.next("message");
    await op.none("message");
  });
});
