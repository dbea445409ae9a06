import { SELF, env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { handleInboundEmail } from "../../worker/api/inbound-email";
import { EmailSendError, mailchannelsProvider, replyAddress } from "../../worker/email";
import {
  BASE,
  createSite,
  eventually,
  inboundEmail,
  login,
  noAutoReplies,
  operatorSocket,
  startSession,
  visitorSocket,
} from "./helpers";
import { customerGreetedFirst, mailboxOf } from "./admin-helpers";

const SITE = "mail-shop";
const RECEIVER = (inject as (key: string) => string)("receiverUrl");
let cookie: string;

beforeAll(async () => {
  await createSite(SITE);
  cookie = await login(SITE);
  await noAutoReplies(cookie);
});

async function outbox(): Promise<any[]> {
  const res = await SELF.fetch(`${BASE}/api/v1/admin/outbox`, { headers: { Cookie: cookie } });
  return ((await res.json()) as any).messages;
}

/** Makes the conversation's timer of `kind` due now and runs the alarm. */
async function fire(stub: DurableObjectStub, kind: string) {
  await runInDurableObject(stub, (_i, s) => {
    s.storage.sql.exec("UPDATE timers SET due = ? WHERE kind = ?", Date.now() - 1, kind);
  });
  await runDurableObjectAlarm(stub);
}

/** A visitor who left their email, and an operator on the conversation. */
async function chatWithEmail(
  address = `v${crypto.randomUUID().slice(0, 6)}@example.com`,
  siteKey = SITE,
  owner = cookie,
) {
  const grant = await startSession(siteKey, { trail: { pages: [{ url: "https://shop.example/boots", at: 1 }] } });
  const tab = await visitorSocket(grant);
  await tab.hello();
  await tab.say("Do you ship to Riga?");
  tab.send({ type: "contact", email: address });
  await tab.next("contact");
  const op = await operatorSocket(owner, grant.conversationId);
  await op.hello();
  const stub = env.CONVERSATION.get(env.CONVERSATION.idFromString(grant.conversationId));
  return { grant, tab, op, stub, address };
}

function followupsTo(list: any[], to: string) {
  return list.filter((m) => m.kind === "followup" && m.to === to);
}

describe("follow-up emails", () => {
  it("sends one email with all unseen answers, a signed Reply-To, unsubscribe and threading headers", async () => {
    const { grant, tab, op, stub, address } = await chatWithEmail();
    tab.close();
    await op.say("Yes, we do. <b>3 days</b>.");
    await op.say("Shipping is free over 50 EUR.");
    await fire(stub, "followup"); // learns the delay (2 min from the first answer) and waits
    expect(followupsTo(await outbox(), address)).toHaveLength(0);
    await fire(stub, "followup");
    const [mail] = followupsTo(await outbox(), address);
    expect(mail.status).toBe("outbox");
    expect(mail.message.replyTo.address).toBe(
      await replyAddress(grant.conversationId, env.TOKEN_SECRET, "in.chat.example"),
    );
    expect(mail.message.text).toContain("Yes, we do. <b>3 days</b>.");
    expect(mail.message.text).toContain("Shipping is free over 50 EUR.");
    expect(mail.message.text).toContain("https://shop.example/boots?edgechat=open");
    expect(mail.message.html).toContain("&lt;b&gt;3 days&lt;/b&gt;");
    expect(mail.message.html).not.toContain("<b>3 days</b>");
    expect(mail.raw).toMatch(/^List-Unsubscribe: <https:\/\/chat\.example\/api\/v1\/unsubscribe\?t=/m);
    expect(mail.raw).toMatch(/^Message-ID: <.+@shop\.example>/m);

    await op.say("One more thing: we also have size 45.");
    await fire(stub, "followup");
    await fire(stub, "followup");
    const both = followupsTo(await outbox(), address);
    expect(both).toHaveLength(2);
    const [second] = both; // newest first
    // Every follow-up names the conversation's thread first, then the ones before it.
    const root = `<chat.${grant.conversationId}@shop.example>`;
    expect(mail.message).toMatchObject({ inReplyTo: root, references: [root] });
    expect(second.message.inReplyTo).toBe(mail.message.messageId);
    expect(second.message.references).toEqual([root, mail.message.messageId]);
    expect(second.message.text).toContain("size 45");
    expect(second.message.text.split("Shipping is free").length).toBe(2); // earlier answer only as context
  });

  it("keeps the follow-ups in one thread in the visitor's mail when MailChannels sends them with Message-IDs of its own", async () => {
    const siteKey = "mail-threads";
    await createSite(siteKey);
    const own = await login(siteKey);
    await noAutoReplies(own);
    const { tab, op, stub, address } = await chatWithEmail(undefined, siteKey, own);
    tab.close();
    const path = `/mailchannels-${crypto.randomUUID().slice(0, 8)}/tx/v1/send`;
    const site = env.SITE.get(env.SITE.idFromName(siteKey));
    await runInDurableObject(site as DurableObjectStub, async (instance: any, _state) => {
      instance.host.mailer.provider = () =>
        mailchannelsProvider({ apiKey: "mc-test-key", fetch: (_url, init) => fetch(`${RECEIVER}${path}`, init) });
    });
    for (const answer of ["Yes, we do.", "And size 45 is back in stock."]) {
      await op.say(answer);
      await fire(stub, "followup");
      await fire(stub, "followup");
    }
    const log = (await (await fetch(`${RECEIVER}/_log?path=${path}`)).json()) as any[];
    const toVisitor = log.map((r) => JSON.parse(r.body)).filter((b) => b.personalizations[0].to[0].email === address);
    expect(toVisitor).toHaveLength(2);
    const [first, second] = toVisitor.map((b) => b.headers as Record<string, string>);
    // MailChannels writes the Message-ID itself (a reserved header): the ids our copies keep
    // are not the ones in the visitor's mailbox. The second email must still name something
    // the first one named, or mail apps show it as a new conversation.
    expect(Object.keys(first!).map((h) => h.toLowerCase())).not.toContain("message-id");
    const ids = (refs = ""): string[] => refs.match(/<[^<>\s]+>/g) ?? [];
    const shared = ids(second!.References).filter((id) => ids(first!.References).includes(id));
    expect(shared.length, JSON.stringify({ first, second })).toBeGreaterThan(0);
    expect(ids(first!["In-Reply-To"])).toHaveLength(1);
    await runInDurableObject(site as DurableObjectStub, async (instance: any, _state) => {
      delete instance.host.mailer.provider;
    });

    // The visitor's reply names MailChannels' id, which we never saw: it lands all the same.
    const to = await replyAddress(stub.id.toString(), env.TOKEN_SECRET, "in.chat.example");
    const threading = `In-Reply-To: <mc-2@mailchannels.net>\nReferences: ${shared[0]} <mc-1@mailchannels.net> <mc-2@mailchannels.net>\n`;
    const reply = inbound(replyMime(to, "<after-mc@example.com>", threading, "Great, thanks!", address), to);
    expect(await handleInboundEmail(reply.message, env)).toMatchObject({ outcome: "stored" });
    expect((await op.next("message")).message).toMatchObject({ text: "Great, thanks!", channel: "email" });
  });

  it("emails an answer the visitor had not seen when their reply to an earlier follow-up arrived", async () => {
    const { grant, tab, op, stub, address } = await chatWithEmail();
    tab.close();
    await op.say("Yes, we ship to Riga.");
    await fire(stub, "followup");
    await fire(stub, "followup");
    expect(followupsTo(await outbox(), address)).toHaveLength(1);
    // A second answer; before its follow-up is due, the visitor answers the first email.
    await op.say("Delivery takes 3 days.");
    const to = await replyAddress(grant.conversationId, env.TOKEN_SECRET, "in.chat.example");
    const reply = inbound(replyMime(to, "<riga-1@example.com>", "", "Great, how much is it?", address), to);
    expect(await handleInboundEmail(reply.message, env)).toMatchObject({ outcome: "stored" });
    await fire(stub, "followup");
    await fire(stub, "followup");
    const [second] = followupsTo(await outbox(), address);
    expect(second.message.text).toContain("Delivery takes 3 days.");
  });

  it("sends nothing when the visitor saw the answer in the widget in time", async () => {
    const { tab, op, stub, address } = await chatWithEmail();
    const seq = await op.say("Yes!");
    await tab.next("message");
    tab.send({ type: "read", seq });
    await op.next("read");
    await fire(stub, "followup");
    await fire(stub, "followup");
    expect(followupsTo(await outbox(), address)).toHaveLength(0);
  });

  it("stops after the visitor unsubscribes", async () => {
    const { tab, op, stub, address } = await chatWithEmail();
    tab.close();
    await op.say("first answer");
    await fire(stub, "followup");
    await fire(stub, "followup");
    const [seen] = followupsTo(await outbox(), address);
    expect(seen.message.listUnsubscribe.url).toContain("t=REDACTED");
    const mail = (await mailboxOf(SITE, address)).find((m) => m.id === seen.id)!;
    const url = mail.message.listUnsubscribe!.url.replace("https://chat.example", BASE);
    const pageRes = await SELF.fetch(url);
    expect(pageRes.status).toBe(200);
    expect(await pageRes.text()).toContain("<button>Unsubscribe</button>");
    expect(followupsTo(await outbox(), address)).toHaveLength(1); // GET alone changes nothing
    const post = await SELF.fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(post.status).toBe(200);
    await op.say("second answer");
    await fire(stub, "followup");
    await fire(stub, "followup");
    const after = followupsTo(await outbox(), address);
    expect(after.map((m) => m.status)).toEqual(["suppressed", "outbox"]);
    const forged = await SELF.fetch(`${BASE}/api/v1/unsubscribe?t=forged`);
    expect(forged.status).toBe(400);
  });
});

/** A ForwardableEmailMessage of `raw` written with bare newlines, as the platform hands it to email(). */
function inbound(raw: string, to: string) {
  return inboundEmail(raw.replace(/\n/g, "\r\n"), to);
}

function replyMime(
  to: string,
  messageId: string,
  extra = "",
  body = "Great, I will order today.\n\nOn Mon, 23 Nov 2026 at 10:00, Shop <support@shop.example> wrote:\n> Yes, we do.",
  from = "ann@example.com",
) {
  return `From: Ann <${from}>\nTo: ${to}\nSubject: Re: New answer from Shop\nMessage-ID: ${messageId}\nDate: Mon, 23 Nov 2026 10:05:00 +0000\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n${extra}\n${body}\n`;
}

/**
 * A visitor as the widget makes one: the socket opens with the panel (the conversation starts
 * knowing nothing of them), and the first message sends the trail with the browser's
 * language and zone.
 */
async function visitorFrom(locale: string, timezone: string, question: string, address: string) {
  const first = await startSession(SITE);
  const tab = await visitorSocket(first);
  await tab.hello();
  await startSession(SITE, {
    visitorToken: first.visitorToken,
    conversationId: first.conversationId,
    locale,
    timezone,
    trail: { pages: [{ url: "https://shop.example/lamps", at: 1 }] },
  });
  await tab.say(question);
  tab.send({ type: "contact", email: address });
  await tab.next("contact");
  tab.close();
  const op = await operatorSocket(cookie, first.conversationId);
  await op.hello();
  const stub = env.CONVERSATION.get(env.CONVERSATION.idFromString(first.conversationId));
  return { grant: first, op, stub };
}

/** When the message `seq` was stored. */
function answeredAt(stub: DurableObjectStub, seq: number): Promise<number> {
  return runInDurableObject(
    stub,
    (_i, s) => s.storage.sql.exec<{ at: number }>("SELECT at FROM messages WHERE seq = ?", seq).one().at,
  );
}

/** The hour and minute a wall clock at `offsetHours` from UTC shows at `at`. */
function wallTime(at: number, offsetHours: number): string {
  return new Date(at + offsetHours * 3600_000).toISOString().slice(11, 16);
}

describe("follow-ups and transcripts in the visitor's language and time zone", () => {
  it("writes to a Russian visitor in Vladivostok in Russian, with Vladivostok time, its zone and the date in words", async () => {
    const address = `ru${crypto.randomUUID().slice(0, 6)}@example.ru`;
    // The page said English (the site's language); the visitor wrote Russian.
    const { op, stub } = await visitorFrom(
      "en",
      "Asia/Vladivostok",
      "Здравствуйте! Доставляете ли вы лампы во Владивосток?",
      address,
    );
    const seq = await op.say("Да, доставка во Владивосток занимает 5 дней.");
    await fire(stub, "followup");
    await fire(stub, "followup");
    const [mail] = followupsTo(await outbox(), address);
    const text: string = mail.message.text;
    expect(mail.subject).toMatch(/^Новый ответ от /);
    expect(text).toMatch(/^Здравствуйте!\n\nМы ответили на ваш вопрос в чате:/);
    expect(text).toContain("Просто ответьте на это письмо или продолжите в чате:");
    expect(text).toContain("Больше не присылать письма об этом чате");
    expect(text).not.toMatch(/Hello|We answered|\bYou\b/);
    const stamp =
      /\((\d{1,2} (?:января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря) \d{4} г\., (\d\d:\d\d) \(Asia\/Vladivostok, GMT\+10\))\):\nДа, доставка/.exec(
        text,
      );
    expect(stamp, text).not.toBeNull();
    expect(stamp![2]).toBe(wallTime(await answeredAt(stub, seq), 10));
    expect(text).toContain("Вы (");
    expect(mail.message.html).toContain("Открыть чат");
  });

  it("keeps writing to a Russian visitor in Russian when a stranger's English email is held in their conversation", async () => {
    const address = `ruheld${crypto.randomUUID().slice(0, 6)}@example.ru`;
    const { op, stub, grant } = await visitorFrom(
      "en",
      "Europe/Moscow",
      "Здравствуйте! Доставляете ли вы лампы во Владивосток?",
      address,
    );
    const to = await replyAddress(grant.conversationId, env.TOKEN_SECRET, "in.chat.example");
    const spam =
      "Dear customer, your parcel is waiting at our depot. Please confirm your shipping address and pay the customs fee today.";
    const held = inbound(replyMime(to, "<spam-held@example.net>", "", spam, "parcel@example.net"), to);
    expect(await handleInboundEmail(held.message, env)).toMatchObject({ outcome: "stored" });
    expect((await op.next("message")).message.meta.unverifiedSender).toBe(true);
    await op.say("Да, доставка во Владивосток занимает 5 дней.");
    await fire(stub, "followup");
    await fire(stub, "followup");
    const [mail] = followupsTo(await outbox(), address);
    expect(mail.subject).toMatch(/^Новый ответ от /);
  });

  it("writes to an English visitor in New York in English, with New York time and its zone", async () => {
    const address = `en${crypto.randomUUID().slice(0, 6)}@example.com`;
    const { op, stub, grant } = await visitorFrom(
      "en-US",
      "America/New_York",
      "Hi, do you ship lamps to Brooklyn?",
      address,
    );
    const seq = await op.say("Yes, in two days.");
    await fire(stub, "followup");
    await fire(stub, "followup");
    const [mail] = followupsTo(await outbox(), address);
    const text: string = mail.message.text;
    expect(text).toMatch(/^Hello,\n\nWe answered your question in the chat:/);
    const stamp =
      /\(\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December) \d{4}, (\d\d:\d\d) \(America\/New York, GMT-(\d)\)\):\nYes, in two days\./.exec(
        text,
      );
    expect(stamp, text).not.toBeNull();
    expect(stamp![1]).toBe(wallTime(await answeredAt(stub, seq), -Number(stamp![2])));
    expect(["4", "5"]).toContain(stamp![2]);

    // The transcript speaks the same way.
    const tab = await visitorSocket(grant);
    await tab.hello();
    tab.send({ type: "transcript" });
    await tab.next("transcript");
    const transcript = (await outbox()).find((m) => m.kind === "transcript" && m.to === address);
    expect(transcript.subject).toMatch(/^Your conversation with /);
    expect(transcript.message.text).toMatch(
      /^Here is your conversation:\n\nYou \(\d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d \(America\/New York, GMT-\d\)\):\nHi, do you ship/,
    );
  });
});

describe("inbound email", () => {
  it("appends the reply's new text to the conversation, live, once per Message-ID", async () => {
    const { grant, tab, op, address } = await chatWithEmail();
    const to = await replyAddress(grant.conversationId, env.TOKEN_SECRET, "in.chat.example");
    const first = inbound(replyMime(to, "<r1@example.com>", "", undefined, address.toUpperCase()), to);
    expect(await handleInboundEmail(first.message, env)).toMatchObject({ outcome: "stored" });
    const { message } = await op.next("message");
    expect(message).toMatchObject({
      text: "Great, I will order today.",
      channel: "email",
      author: { kind: "visitor" },
    });
    expect(message.meta.unverifiedSender).toBeUndefined();
    // The hidden quote travels with the message, for the admin's "quoted text hidden — show".
    expect(message.meta.quoted).toBe("On Mon, 23 Nov 2026 at 10:00, Shop <support@shop.example> wrote:\n> Yes, we do.");
    expect((await tab.next("message")).message.text).toBe("Great, I will order today.");
    const again = inbound(replyMime(to, "<r1@example.com>", "", undefined, address), to);
    expect(await handleInboundEmail(again.message, env)).toMatchObject({ outcome: "duplicate", seq: message.seq });
    await op.none("message");
  });

  it("stores an email without a Message-ID once when it is delivered twice, and a second one with the same words too", async () => {
    const { grant, op, address } = await chatWithEmail();
    const to = await replyAddress(grant.conversationId, env.TOKEN_SECRET, "in.chat.example");
    const noId = (date: string) =>
      `From: Ann <${address}>\nTo: ${to}\nSubject: Re: New answer from Shop\nDate: ${date}\nContent-Type: text/plain; charset=utf-8\n\nYes\n`;
    const monday = noId("Mon, 23 Nov 2026 10:05:00 +0000");
    const first = await handleInboundEmail(inbound(monday, to).message, env);
    expect(first).toMatchObject({ outcome: "stored" });
    expect((await op.next("message")).message.text).toBe("Yes");
    // The same email again (a retried delivery): nothing new in the conversation.
    expect(await handleInboundEmail(inbound(monday, to).message, env)).toEqual({
      outcome: "duplicate",
      seq: (first as { seq: number }).seq,
    });
    await op.none("message");
    // Another "Yes" the next day, to the next question, is the visitor's answer too.
    const tuesday = noId("Tue, 24 Nov 2026 09:12:00 +0000");
    expect(await handleInboundEmail(inbound(tuesday, to).message, env)).toMatchObject({ outcome: "stored" });
    expect((await op.next("message")).message.text).toBe("Yes");
  });

  it("leaves the signature under '-- ' out of the chat when the reply is HTML only, as for a text reply", async () => {
    const { grant, op, address } = await chatWithEmail();
    const to = await replyAddress(grant.conversationId, env.TOKEN_SECRET, "in.chat.example");
    const card = [
      "Anna Petrova",
      "Head of Purchasing, Example Ltd",
      "Phone: +1 555 0101",
      "Mobile: +1 555 0102",
      "https://example.com",
      "12 Market Street",
      "Springfield",
    ];
    const bodies = {
      // A web mail's editor: the delimiter's space is a no-break one, each line a <br>.
      webmail: `<div>I will take the blue one.</div><div><br></div><div>--&nbsp;<br>${card.join("<br>")}</div>`,
      // Thunderbird composing HTML with a plain-text signature file.
      thunderbird: `<html><body><p>I will take the blue one.</p><pre class="moz-signature" cols="72">-- \n${card.join("\n")}</pre></body></html>`,
    };
    for (const [client, html] of Object.entries(bodies)) {
      const raw = `From: Anna <${address}>\nTo: ${to}\nSubject: Re: New answer from Shop\nMessage-ID: <sig-${client}@example.com>\nContent-Type: text/html; charset=utf-8\n\n${html}\n`;
      expect(await handleInboundEmail(inbound(raw, to).message, env)).toMatchObject({ outcome: "stored" });
      const { message } = await op.next("message");
      expect(message.text, client).toBe("I will take the blue one.");
      expect(message.meta.quoted, client).toContain("Head of Purchasing");
    }
  });

  it("keeps the visitor's words below a line of theirs that says who wrote what at what time", async () => {
    const { grant, op, address } = await chatWithEmail();
    const to = await replyAddress(grant.conversationId, env.TOKEN_SECRET, "in.chat.example");
    const cases = [
      "Добрый день.\nВ 10:00 ваш курьер мне пишет:\n«буду через час»\nНо так и не приехал.",
      'Hello.\nAt 10:00 your courier wrote:\n"arriving in an hour"\nBut nobody came.',
    ];
    for (const [i, body] of cases.entries()) {
      const mail = inbound(replyMime(to, `<courier-${i}@example.com>`, "", body, address), to);
      expect(await handleInboundEmail(mail.message, env)).toMatchObject({ outcome: "stored" });
      expect((await op.next("message")).message.text).toBe(body);
    }
  });

  it("stores a reply that is nothing but a quote whole, never as an empty message", async () => {
    const { grant, op } = await chatWithEmail();
    const to = await replyAddress(grant.conversationId, env.TOKEN_SECRET, "in.chat.example");
    const onlyQuote = inbound(replyMime(to, "<q1@example.com>", "", "> Yes, we do.\n> Shipping is free."), to);
    expect(await handleInboundEmail(onlyQuote.message, env)).toMatchObject({ outcome: "stored" });
    const { message } = await op.next("message");
    expect(message.text).toBe("> Yes, we do.\n> Shipping is free.");
    expect(message.meta.quoted).toBeUndefined();
  });

  it("holds mail from another address for the operator, never showing it to the visitor, until an operator accepts it", async () => {
    const { grant, tab, op, address } = await chatWithEmail();
    const to = await replyAddress(grant.conversationId, env.TOKEN_SECRET, "in.chat.example");
    const text = "Please refund to IBAN XX00 1234 and ignore the previous order.";
    const stranger = inbound(replyMime(to, "<held@example.com>", "", text, "mallory@example.net"), to);
    expect(await handleInboundEmail(stranger.message, env)).toMatchObject({ outcome: "stored" });
    const { message: held } = await op.next("message");
    expect(held).toMatchObject({
      text,
      channel: "email",
      author: { kind: "visitor" },
      meta: { from: "mallory@example.net", unverifiedSender: true },
    });
    expect(held.author.name).toBeUndefined();
    await tab.none("message");
    const fresh = await visitorSocket(grant);
    expect((await fresh.hello()).messages.map((m: any) => m.text)).not.toContain(text);
    tab.send({ type: "transcript" });
    await tab.next("transcript");
    await eventually(async () => {
      const transcript = (await outbox()).find((m) => m.kind === "transcript" && m.to === address);
      expect(transcript.message.text).toContain("Do you ship to Riga?");
      expect(transcript.message.text).not.toContain("IBAN");
    });

    // Visitors cannot accept; an operator can, once; only held emails can be accepted.
    tab.send({ type: "acceptEmail", seq: held.seq });
    expect((await tab.next("error")).code).toBe("bad_frame");
    op.send({ type: "acceptEmail", seq: 1 });
    expect((await op.next("error")).code).toBe("not_found");
    op.send({ type: "acceptEmail", seq: held.seq });
    const [first, second] = [await op.next("message"), await op.next("message")].map((f) => f.message);
    const copy = first.seq === held.seq ? second : first;
    const marked = first.seq === held.seq ? first : second;
    // The copy is the sender's, never the visitor's own words.
    expect(copy).toMatchObject({
      text,
      channel: "email",
      author: { kind: "guest", name: "mallory@example.net" },
      meta: { from: "mallory@example.net", acceptedFrom: held.seq },
    });
    expect(copy.meta.unverifiedSender).toBeUndefined();
    expect(marked.meta).toMatchObject({ unverifiedSender: true, acceptedAs: copy.seq });
    expect((await tab.next("message")).message).toMatchObject({ seq: copy.seq, text });
    const seen = (await fresh.hello()).messages;
    expect(seen.filter((m: any) => m.text === text).map((m: any) => m.seq)).toEqual([copy.seq]);
    op.send({ type: "acceptEmail", seq: held.seq });
    expect((await op.next("message")).message.meta.acceptedAs).toBe(copy.seq);
    await tab.none("message");
    op.send({ type: "discardEmail", seq: held.seq });
    expect((await op.next("error")).code).toBe("already_decided");
  });

  it("lets an operator discard a held email: it never reaches the visitor and cannot be accepted after", async () => {
    const { grant, tab, op } = await chatWithEmail();
    const to = await replyAddress(grant.conversationId, env.TOKEN_SECRET, "in.chat.example");
    const text = "Your account is locked, log in at evil.example";
    const stranger = inbound(replyMime(to, "<phish@example.com>", "", text, "phisher@example.net"), to);
    expect(await handleInboundEmail(stranger.message, env)).toMatchObject({ outcome: "stored" });
    const { message: held } = await op.next("message");
    tab.send({ type: "discardEmail", seq: held.seq });
    expect((await tab.next("error")).code).toBe("bad_frame");
    op.send({ type: "discardEmail", seq: held.seq });
    const { message: discarded } = await op.next("message");
    expect(discarded).toMatchObject({
      seq: held.seq,
      meta: { unverifiedSender: true, discardedBy: expect.any(String) },
    });
    op.send({ type: "acceptEmail", seq: held.seq });
    expect((await op.next("error")).code).toBe("already_decided");
    op.send({ type: "discardEmail", seq: held.seq });
    expect((await op.next("message")).message.seq).toBe(held.seq); // again: the same
    await tab.none("message");
    const fresh = await visitorSocket(grant);
    expect((await fresh.hello()).messages.map((m: any) => m.text)).not.toContain(text);
  });

  it("holds a reply when the visitor left no email: nobody's address is known to be theirs", async () => {
    const grant = await startSession(SITE);
    const tab = await visitorSocket(grant);
    await tab.hello();
    await tab.say("Hello?");
    const op = await operatorSocket(cookie, grant.conversationId);
    await op.hello();
    const to = await replyAddress(grant.conversationId, env.TOKEN_SECRET, "in.chat.example");
    expect(await handleInboundEmail(inbound(replyMime(to, "<noemail@example.com>"), to).message, env)).toMatchObject({
      outcome: "stored",
    });
    expect((await op.next("message")).message.meta).toMatchObject({ from: "ann@example.com", unverifiedSender: true });
    await tab.none("message");
  });

  it("refuses a reply address older than its lifetime with a reason the sender reads", async () => {
    const { grant, op, address } = await chatWithEmail();
    const old = await replyAddress(
      grant.conversationId,
      env.TOKEN_SECRET,
      "in.chat.example",
      Date.now() - 182 * 86_400_000,
    );
    const late = inbound(replyMime(old, "<late@example.com>", "", undefined, address), old);
    expect(await handleInboundEmail(late.message, env)).toMatchObject({ outcome: "rejected" });
    expect(late.rejected[0]).toMatch(/expired .*180 days/);
    const recent = await replyAddress(
      grant.conversationId,
      env.TOKEN_SECRET,
      "in.chat.example",
      Date.now() - 179 * 86_400_000,
    );
    const inTime = inbound(replyMime(recent, "<intime@example.com>", "", undefined, address), recent);
    expect(await handleInboundEmail(inTime.message, env)).toMatchObject({ outcome: "stored" });
    expect((await op.next("message")).message.meta.unverifiedSender).toBeUndefined();
  });

  it("ignores auto-replies and bounces, and rejects forged or unknown addresses", async () => {
    const { grant, op } = await chatWithEmail();
    const to = await replyAddress(grant.conversationId, env.TOKEN_SECRET, "in.chat.example");
    const ooo = inbound(
      replyMime(to, "<ooo@example.com>", "Auto-Submitted: auto-replied\n", "I am out of office."),
      to,
    );
    expect(await handleInboundEmail(ooo.message, env)).toEqual({ outcome: "ignored", why: "auto-reply" });
    expect(ooo.rejected).toEqual([]);
    await op.none("message");

    const forgedTo = to.replace(/\.[a-z2-7]+@/, ".aaaaaaaaaaaaaaaaaaaaaaaaaa@");
    const forged = inbound(replyMime(forgedTo, "<f@example.com>"), forgedTo);
    expect(await handleInboundEmail(forged.message, env)).toMatchObject({ outcome: "rejected" });
    expect(forged.rejected[0]).toContain("signature");

    const ghost = env.CONVERSATION.newUniqueId().toString();
    const ghostTo = await replyAddress(ghost, env.TOKEN_SECRET, "in.chat.example");
    const unknown = inbound(replyMime(ghostTo, "<g@example.com>"), ghostTo);
    expect(await handleInboundEmail(unknown.message, env)).toEqual({
      outcome: "rejected",
      why: "unknown conversation",
    });

    const stranger = inbound(replyMime("sales@in.chat.example", "<s@example.com>"), "sales@in.chat.example");
    expect((await handleInboundEmail(stranger.message, env)).outcome).toBe("rejected");
  });
});

describe("transcripts, notifications, failures", () => {
  it("emails the transcript when the visitor asks, and refuses without an email", async () => {
    const { tab, address } = await chatWithEmail();
    tab.send({ type: "transcript" });
    expect(await tab.next("transcript")).toEqual({ type: "transcript", sentTo: address });
    const mail = (await outbox()).find((m) => m.kind === "transcript" && m.to === address);
    expect(mail.message.text).toContain("Do you ship to Riga?");

    const grant = await startSession(SITE);
    const anon = await visitorSocket(grant);
    await anon.hello();
    anon.send({ type: "transcript" });
    expect((await anon.next("error")).code).toBe("no_email");
  });

  it("keeps the outbox (invite and reset links) from operators", async () => {
    const { addOperator } = await import("./admin-helpers");
    const op = await addOperator(SITE, cookie, "operator");
    const res = await SELF.fetch(`${BASE}/api/v1/admin/outbox`, { headers: { Cookie: op.cookie } });
    expect(res.status).toBe(403);
  });

  it("tells the visitor when a transcript was held back (unsubscribed)", async () => {
    const { tab, address } = await chatWithEmail();
    await env.SITE.get(env.SITE.idFromName(SITE)).unsubscribe(address);
    tab.send({ type: "transcript" });
    expect(await tab.next("error")).toMatchObject({ code: "not_sent", message: expect.stringContaining("suppressed") });
  });

  it("lets an operator send the transcript from the admin", async () => {
    const { grant } = await chatWithEmail();
    const res = await SELF.fetch(`${BASE}/api/v1/admin/conversations/${grant.conversationId}/transcript`, {
      method: "POST",
      headers: { Cookie: cookie, Origin: BASE, "Content-Type": "application/json" },
      body: JSON.stringify({ to: "boss@shop.example" }),
    });
    expect(res.status).toBe(200);
    expect((await outbox()).some((m) => m.kind === "transcript" && m.to === "boss@shop.example")).toBe(true);
  });

  it("emails an answer posted while the follow-up before it was being sent, in a follow-up of its own", async () => {
    const site = "mail-followup-race";
    await createSite(site);
    const own = await login(site);
    await noAutoReplies(own);
    const { tab, op, stub, address } = await chatWithEmail(undefined, site, own);
    tab.close();
    const followups = async () => {
      const res = await SELF.fetch(`${BASE}/api/v1/admin/outbox`, { headers: { Cookie: own } });
      return followupsTo(((await res.json()) as any).messages, address);
    };

    await op.say("Yes, we do.");
    await fire(stub, "followup"); // learns the site's delay and waits for it
    // The email provider takes a second to answer (MailChannels over the network).
    const siteObject = env.SITE.get(env.SITE.idFromName(site));
    const slowSend = async () => {
      await new Promise((r) => setTimeout(r, 1000));
      return { id: `mc-${crypto.randomUUID()}` };
    };
    const slowed = await runInDurableObject(siteObject as DurableObjectStub, async (instance: any, _state) => {
      instance.host.mailer.provider = () => ({ name: "mailchannels", send: slowSend });
      return true;
    });
    expect(slowed).toBe(true);
    const sending = fire(stub, "followup");
    await new Promise((r) => setTimeout(r, 300));
    await op.say("And shipping is free."); // while the first follow-up is on its way
    await sending;
    expect(await followups()).toHaveLength(1);
    await fire(stub, "followup");
    await fire(stub, "followup");
    const both = await followups();
    expect(both).toHaveLength(2);
    expect(both.map((m: any) => m.message.text).join("\n")).toContain("And shipping is free.");
  });

  it("emails operators when a conversation starts and nobody is online", async () => {
    // A site of its own: a late first summary of another test's conversation would take the
    // notice interval (one notice per 10 minutes, test/security/abuse.test.ts) of a shared one.
    const site = "mail-notice";
    await createSite(site);
    const own = await login(site);
    await noAutoReplies(own);
    const toOwner = async () => {
      const res = await SELF.fetch(`${BASE}/api/v1/admin/outbox`, { headers: { Cookie: own } });
      return ((await res.json()) as any).messages.filter(
        (m: any) => m.kind === "notify" && m.to === "owner@shop.example",
      );
    };
    const grant = await startSession(site);
    const tab = await visitorSocket(grant);
    await tab.hello();
    await tab.say("Hello? <script>alert(1)</script>");
    await eventually(async () => {
      const notes = await toOwner(); // every operator gets one; the owner is one of them
      expect(notes.length).toBe(1);
      expect(notes[0].message.text).toContain("Hello? <script>");
      expect(notes[0].message.html).toContain("&lt;script&gt;");
    });
  });

  it("retries a provider error with backoff and shows it on the row", async () => {
    const site = env.SITE.get(env.SITE.idFromName(SITE));
    const result = await runInDurableObject(site as DurableObjectStub, async (instance: any, state) => {
      let calls = 0;
      instance.host.mailer.provider = () => ({
        name: "mailchannels",
        send: async () => {
          calls++;
          if (calls === 1)
            throw new EmailSendError("mailchannels: 503 Service Unavailable", { retryable: true, status: 503 });
          return { id: "mc-1" };
        },
      });
      const sent = await instance.host.mailer.send({ kind: "notify", to: "ops@shop.example", subject: "s", text: "t" });
      const row = instance.host.mailer.list(1)[0];
      const timer = state.storage.sql.exec("SELECT due FROM timers WHERE kind = 'email-retry'").one();
      await instance.host.mailer.retry(sent.id);
      return { sent, row, timerDue: timer.due, after: instance.host.mailer.list(1)[0] };
    });
    expect(result.sent.status).toBe("retrying");
    expect(result.row).toMatchObject({
      status: "retrying",
      attempts: 1,
      lastError: "mailchannels: 503 Service Unavailable",
    });
    expect(result.timerDue).toBeGreaterThan(Date.now() + 20_000);
    expect(result.after).toMatchObject({ status: "sent", attempts: 2, lastError: null });
  });

  it("does not count emails the provider refused toward the day's limits: once it works again, the visitor is emailed", async () => {
    const siteKey = "mail-refused";
    await createSite(siteKey);
    const own = await login(siteKey);
    await noAutoReplies(own);
    const { grant, address } = await chatWithEmail(undefined, siteKey, own);
    const site = env.SITE.get(env.SITE.idFromName(siteKey));
    const refusing = await runInDurableObject(site as DurableObjectStub, async (instance: any, _state) => {
      instance.host.mailer.provider = () => ({
        name: "mailchannels",
        send: async () => {
          throw new EmailSendError("mailchannels: HTTP 403: sender domain not allowed", {
            retryable: false,
            status: 403,
          });
        },
      });
      return true;
    });
    expect(refusing).toBe(true);
    const transcript = async () => {
      const res = await SELF.fetch(`${BASE}/api/v1/admin/conversations/${grant.conversationId}/transcript`, {
        method: "POST",
        headers: { Cookie: own, Origin: BASE, "Content-Type": "application/json" },
        body: "{}",
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { status: string }).status;
    };
    // The shop's provider refuses every email for a while (a DNS record not published yet).
    for (let i = 0; i < 20; i++) expect(await transcript()).toBe("failed");
    await runInDurableObject(site as DurableObjectStub, async (instance: any, _state) => {
      delete instance.host.mailer.provider;
    });
    // Fixed: the next email to this visitor goes, not held as over the day's limit.
    expect(await transcript()).toBe("outbox");
    const res = await SELF.fetch(`${BASE}/api/v1/admin/outbox`, { headers: { Cookie: own } });
    const rows = ((await res.json()) as any).messages.filter((m: any) => m.to === address);
    expect(rows.map((m: any) => m.status)).toEqual(["outbox", ...Array(20).fill("failed")]);
  });

  it("withdraws the unsent emails about one thing: not retried, shown with the reason; others and sent ones stay", async () => {
    const site = env.SITE.get(env.SITE.idFromName(SITE));
    const result = await runInDurableObject(site as DurableObjectStub, async (instance: any, state) => {
      const mailer = instance.host.mailer;
      let down = true;
      let release = () => {};
      const held = new Promise<void>((r) => (release = r));
      let holding = false;
      mailer.provider = () => ({
        name: "mailchannels",
        send: async () => {
          if (holding) await held;
          if (down) throw new EmailSendError("mailchannels: HTTP 503: try again", { retryable: true, status: 503 });
          return { id: `mc-${crypto.randomUUID()}` };
        },
      });
      try {
        const mail = (about: string, subject: string) =>
          mailer.send({ kind: "notify", to: "ops@shop.example", subject, text: "t", about });
        const waiting = await mail("thing:1", "waiting");
        const other = await mail("thing:2", "other");
        down = false;
        await mail("thing:1", "sent");
        down = true;
        // One more is in the provider's hands when it is withdrawn, and the provider then fails.
        holding = true;
        const inFlight = mail("thing:1", "in flight");
        await new Promise((r) => setTimeout(r, 50));
        const withdrawn = await mailer.withdraw("thing:1", "what it said no longer holds");
        release();
        const inFlightStatus = (await inFlight).status;
        holding = false;
        down = false;
        for (const { id } of [waiting, other]) await mailer.retry(id);
        const rows = Object.fromEntries(mailer.list(10).map((m: any) => [m.subject, m]));
        const retryTimers = state.storage.sql
          .exec<{ key: string }>("SELECT key FROM timers WHERE kind = 'email-retry'")
          .toArray()
          .map((t) => t.key);
        return { withdrawn, inFlightStatus, rows, retryTimers, ids: { waiting: waiting.id, other: other.id } };
      } finally {
        delete mailer.provider;
      }
    });
    expect(result.withdrawn).toBe(2);
    expect(result.inFlightStatus).toBe("withdrawn");
    for (const subject of ["waiting", "in flight"]) {
      expect(result.rows[subject]).toMatchObject({
        status: "withdrawn",
        attempts: 1,
        lastError: "what it said no longer holds",
      });
    }
    expect(result.retryTimers).not.toContain(result.ids.waiting);
    expect(result.rows.other).toMatchObject({ status: "sent", attempts: 2 });
    expect(result.rows.sent).toMatchObject({ status: "sent", attempts: 1, lastError: null });
  });
});

/**
 * Holds the Site's next answer to `emailContext` for the visitor of `conversation` (as a
 * busy Site would) until `release()`; `asked()` waits until the conversation has asked.
 * Flags, not promises, cross between the objects: each side goes on in its own context.
 */
async function holdEmailContext(siteKey: string, conversation: DurableObjectStub) {
  const visitorId = await runInDurableObject(
    conversation,
    (_i, s) => s.storage.sql.exec<{ visitor_id: string }>("SELECT visitor_id FROM conversation").one().visitor_id,
  );
  const flags = { asked: false, released: false };
  const site = env.SITE.get(env.SITE.idFromName(siteKey));
  await runInDurableObject(site as DurableObjectStub, async (instance: any, _state) => {
    const proto = Object.getPrototypeOf(instance);
    const original = proto.emailContext;
    proto.emailContext = async function (this: unknown, id: string) {
      if (id !== visitorId) return original.call(this, id);
      proto.emailContext = original;
      flags.asked = true;
      while (!flags.released) await new Promise((r) => setTimeout(r, 10));
      return original.call(this, id);
    };
    return true;
  });
  return {
    asked: () => eventually(() => expect(flags.asked).toBe(true)),
    release: () => void (flags.released = true),
  };
}

describe("what a follow-up owes", () => {
  it("sends no follow-up for an answer the operator deleted, and leaves it out of the one sent for the rest", async () => {
    const { grant, tab, op, stub, address } = await chatWithEmail();
    tab.close();
    const wrong = await op.say("Your order 4411 ships to Jane Doe, 12 Elm Street.");
    expect(await stub.deleteMessage(SITE, wrong)).toMatchObject({ seq: wrong });
    await fire(stub, "followup");
    await fire(stub, "followup");
    expect(followupsTo(await outbox(), address)).toHaveLength(0);

    await op.say("Sorry, that was meant for another customer. Yes, we ship to Riga.");
    await fire(stub, "followup");
    await fire(stub, "followup");
    const [mail] = followupsTo(await outbox(), address);
    expect(mail.message.text).toContain("Yes, we ship to Riga.");
    // One answer and the visitor's question: no empty block where the deleted answer was.
    expect(mail.message.text.match(/\(\d{1,2} [A-Za-z]+ \d{4}, \d\d:\d\d \(/g)).toHaveLength(2);
    expect(mail.message.text).not.toMatch(/\):\n\n/);

    // Nor does the transcript show an empty line from the operator where it was.
    const res = await SELF.fetch(`${BASE}/api/v1/admin/conversations/${grant.conversationId}/transcript`, {
      method: "POST",
      headers: { Cookie: cookie, Origin: BASE, "Content-Type": "application/json" },
      body: JSON.stringify({ to: address }),
    });
    expect(res.status).toBe(200);
    const transcript = (await outbox()).find((m) => m.kind === "transcript" && m.to === address);
    expect(transcript.message.text.match(/\(\d{1,2} [A-Za-z]+ \d{4}, \d\d:\d\d \(/g)).toHaveLength(2);
    expect(transcript.message.text).not.toMatch(/\):\n\n/);
  });

  it("sends no follow-up when the visitor reads the answer in the widget while the email is being made", async () => {
    const { tab, op, stub, address } = await chatWithEmail();
    const seq = await op.say("Yes, we ship to Riga.");
    await tab.next("message");
    await fire(stub, "followup"); // learns the site's delay and waits for it
    const site = await holdEmailContext(SITE, stub);
    const sending = fire(stub, "followup");
    await site.asked();
    tab.send({ type: "read", seq });
    await op.next("read");
    site.release();
    await sending;
    expect(followupsTo(await outbox(), address)).toHaveLength(0);
  });

  it("waits the site's delay from an answer posted after the visitor read the one the timer was set for", async () => {
    const { tab, op, stub, address } = await chatWithEmail();
    const first = await op.say("Yes, we ship to Riga.");
    await tab.next("message");
    await fire(stub, "followup"); // learns the site's delay: due 2 minutes after the first answer
    tab.send({ type: "read", seq: first });
    await op.next("read");
    await op.say("It takes three days."); // the tab is hidden now: not read yet
    await fire(stub, "followup"); // the first answer's time has come, but it was read
    expect(followupsTo(await outbox(), address)).toHaveLength(0);
    const due = await runInDurableObject(
      stub,
      (_i, s) => s.storage.sql.exec<{ due: number }>("SELECT due FROM timers WHERE kind = 'followup'").one().due,
    );
    expect(due).toBeGreaterThan(Date.now() + 60_000);
    await fire(stub, "followup");
    const [mail] = followupsTo(await outbox(), address);
    expect(mail.message.text).toContain("It takes three days.");
  });

  it("shows a Russian visitor the unsubscribe page of their follow-up in Russian", async () => {
    const address = `unsub${crypto.randomUUID().slice(0, 6)}@example.ru`;
    const { op, stub } = await visitorFrom("en", "Europe/Moscow", "Здравствуйте! Есть ли доставка в Казань?", address);
    await op.say("Да, доставка в Казань занимает 3 дня.");
    await fire(stub, "followup");
    await fire(stub, "followup");
    const [seen] = followupsTo(await outbox(), address);
    expect(seen.subject).toMatch(/^Новый ответ/);
    const mail = (await mailboxOf(SITE, address)).find((m) => m.id === seen.id)!;
    const link = mail.message.text.match(/Больше не присылать письма об этом чате: (\S+)/)?.[1];
    expect(link, mail.message.text).toBeTruthy();
    const page = await SELF.fetch(link!.replace("https://chat.example", BASE));
    const html = await page.text();
    expect(html).toContain('lang="ru"');
    expect(html).toContain("<button>Отписаться</button>");
    expect(html).not.toMatch(/Unsubscribe|will no longer/);
    const done = await SELF.fetch(link!.replace("https://chat.example", BASE), { method: "POST" });
    expect(await done.text()).toContain("больше не будет получать");
  });

  it("sends no follow-up for an operator's first message to a shop customer who never wrote", async () => {
    const site = "mail-proactive";
    const { identitySecret } = await createSite(site);
    const own = await login(site);
    await noAutoReplies(own);
    const address = `cust${crypto.randomUUID().slice(0, 6)}@example.com`;
    const grant = await customerGreetedFirst(site, own, identitySecret, "user-7", address);
    const stub = env.CONVERSATION.get(env.CONVERSATION.idFromString(grant.conversationId));
    await fire(stub, "followup");
    await fire(stub, "followup");
    const res = await SELF.fetch(`${BASE}/api/v1/admin/outbox`, { headers: { Cookie: own } });
    expect(followupsTo(((await res.json()) as any).messages, address)).toEqual([]);
  });
});
