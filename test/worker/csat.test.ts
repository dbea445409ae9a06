import { SELF, env, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { handleInboundEmail } from "../../worker/api/inbound-email";
import { EmailSendError, replyAddress } from "../../worker/email";
import { RATING_LINK_DAYS, ratingToken } from "../../worker/email/rating";
import { RATING_EMAILED_KEY } from "../../worker/conversation/csat-email";
import { localDay } from "../../worker/reports";
import { call, customerGreetedFirst, expectJson } from "./admin-helpers";
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

const SITE = "csat-shop";
let owner: string;
const today = () => localDay("Europe/Berlin", Date.now());

beforeAll(async () => {
  await createSite(SITE);
  owner = await login(SITE);
  await noAutoReplies(owner);
});

async function answered() {
  const grant = await startSession(SITE);
  const tab = await visitorSocket(grant);
  await tab.hello();
  await tab.say("Is the linen shirt washable?");
  const op = await operatorSocket(owner, grant.conversationId);
  await op.hello();
  op.send({ type: "message", clientId: crypto.randomUUID(), text: "Yes, at 40 °C." });
  await op.next("ack");
  return { grant, tab, op };
}

describe("CSAT rating", () => {
  it("is taken once after the operator resolved, shown in the thread, and counted in the figures", async () => {
    const { grant, tab, op } = await answered();
    const rate = { type: "rate", conversationId: grant.conversationId, rating: 4, comment: "<b>quick</b> answer" };

    tab.send(rate);
    expect(await tab.next("error")).toMatchObject({ code: "not_resolved" });

    await expectJson(call("POST", `/conversations/${grant.conversationId}/resolve`, owner), 200);
    const welcome = await tab.hello(0);
    expect(welcome.conversation).toMatchObject({ status: "resolved", rating: null });

    tab.send({ ...rate, conversationId: "0".repeat(64) });
    expect(await tab.next("error")).toMatchObject({
      code: "wrong_conversation",
      message: "this rating is for another conversation",
    });
    tab.send({ ...rate, rating: 6 });
    expect((await tab.next("error")).message).toContain("rating is 1 to 5");

    tab.send(rate);
    expect(await tab.next("rated")).toMatchObject({ rating: 4 });
    const shown = (await op.next("message")).message;
    expect(shown).toMatchObject({
      author: { kind: "system" },
      text: "Rated 4 of 5: <b>quick</b> answer",
      meta: { rating: 4 },
    });

    tab.send(rate);
    expect(await tab.next("error")).toMatchObject({ code: "already_rated" });
    op.send(rate);
    expect(await op.next("error")).toMatchObject({ code: "forbidden" });

    expect((await tab.hello(0)).conversation.rating).toBe(4);
    await eventually(async () => {
      const entry = (await expectJson(call("GET", "/conversations", owner), 200)).conversations.find(
        (e: any) => e.id === grant.conversationId,
      );
      expect(entry.rating).toBe(4);
      const r = await expectJson(call("GET", `/reports?from=${today()}&to=${today()}`, owner), 200);
      expect(r.figures.csat).toMatchObject({ count: 1, mean: 4, satisfied: 1 });
    });
  });
});

async function outbox(): Promise<any[]> {
  return (await expectJson(call("GET", "/outbox", owner), 200)).messages;
}

/** A visitor asks, leaves their email and then the page; an operator answers. */
async function answeredAfterLeaving(
  question: string,
  email: string,
  answer: string,
  session?: Parameters<typeof startSession>[1],
) {
  const grant = await startSession(SITE, session);
  const tab = await visitorSocket(grant);
  await tab.hello();
  await tab.say(question);
  tab.send({ type: "contact", email });
  await tab.next("contact");
  const op = await operatorSocket(owner, grant.conversationId);
  await op.hello();
  op.send({ type: "message", clientId: crypto.randomUUID(), text: answer });
  await op.next("ack");
  tab.close();
  return { grant, op };
}

/** The rating email a resolve sends once the visitor's tab is gone (resolved again until it is). */
async function ratingEmailOf(conversationId: string): Promise<any> {
  let mail: any;
  await eventually(async () => {
    await expectJson(call("POST", `/conversations/${conversationId}/reopen`, owner), 200);
    await expectJson(call("POST", `/conversations/${conversationId}/resolve`, owner), 200);
    mail = (await outbox()).find((m) => m.kind === "rating" && m.conversationId === conversationId);
    expect(mail).toBeTruthy();
  });
  return mail;
}

function ratePage(query: string): Promise<Response> {
  return SELF.fetch(`${BASE}/api/v1/rate?${query}`);
}

function ratePost(form: Record<string, string>): Promise<Response> {
  return SELF.fetch(`${BASE}/api/v1/rate`, { method: "POST", body: new URLSearchParams(form) });
}

describe("asking for the rating", () => {
  it("tells the visitor's open tab that the conversation was resolved, and reopened", async () => {
    const { grant, tab } = await answered();
    await expectJson(call("POST", `/conversations/${grant.conversationId}/resolve`, owner), 200);
    expect(await tab.next("status")).toEqual({ type: "status", status: "resolved" });
    await expectJson(call("POST", `/conversations/${grant.conversationId}/reopen`, owner), 200);
    expect(await tab.next("status")).toEqual({ type: "status", status: "open" });
    expect((await outbox()).filter((m) => m.kind === "rating" && m.conversationId === grant.conversationId)).toEqual(
      [],
    );
  });

  it("tells every tab of the visitor that their own new line reopened the resolved conversation", async () => {
    const { grant, tab } = await answered();
    const other = await visitorSocket(grant);
    await other.hello();
    await expectJson(call("POST", `/conversations/${grant.conversationId}/resolve`, owner), 200);
    expect(await tab.next("status")).toEqual({ type: "status", status: "resolved" });
    expect(await other.next("status")).toEqual({ type: "status", status: "resolved" });
    // Before, the tabs went on showing the rating prompt, and a rating sent from it was refused.
    await tab.say("One more question: do you ship to Riga?");
    expect(await tab.next("status")).toEqual({ type: "status", status: "open" });
    expect(await other.next("status")).toEqual({ type: "status", status: "open" });
    tab.send({ type: "rate", conversationId: grant.conversationId, rating: 5 });
    expect(await tab.next("error")).toMatchObject({ code: "not_resolved" });
  });

  it("emails the rating in the language the visitor wrote in, as their follow-ups are, though the page said English", async () => {
    const trail = { pages: [{ url: "https://shop.example/lamps", at: Date.now() }] };
    const { grant } = await answeredAfterLeaving(
      "Здравствуйте! Доставляете ли вы лампы во Владивосток?",
      "vladivostok@example.ru",
      "Да, доставка занимает 5 дней.",
      { locale: "en", trail },
    );
    const mail = await ratingEmailOf(grant.conversationId);
    expect(mail.subject).toMatch(/^Как вам помог/);
    expect(mail.message.text).not.toMatch(/How would you rate/);
  });

  it("emails a visitor who left, in their language; the link's page records on POST only, once", async () => {
    const trail = {
      landing: "https://shop.example/delivery",
      pages: [{ url: "https://shop.example/delivery", at: Date.now() }],
    };
    const { grant } = await answeredAfterLeaving("Есть ли доставка?", "leaver@example.com", "Да, по всей стране.", {
      locale: "ru",
      trail,
    });
    const mail = await ratingEmailOf(grant.conversationId);
    expect(mail.to).toBe("leaver@example.com");
    expect(mail.subject).toMatch(/^Как вам помог/);

    const t = await ratingToken(
      env.TOKEN_SECRET,
      { siteKey: SITE, conversationId: grant.conversationId, locale: "ru", scale: "five" },
      Date.now(),
    );
    // A mail scanner's GET shows the page and records nothing.
    const page = await ratePage(`t=${t}&r=5`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('lang="ru"');
    expect(html).toContain('value="5" required checked');
    expect(html).toContain("Отправить оценку");
    const view = await operatorSocket(owner, grant.conversationId);
    expect((await view.hello()).conversation.rating).toBeNull();

    const done = await ratePost({ t, r: "5", comment: "<script>x</script> спасибо" });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("Спасибо за оценку");
    const shown = (await view.next("message")).message;
    expect(shown).toMatchObject({ author: { kind: "system" }, meta: { rating: 5, ratedBy: "email" } });

    const again = await ratePost({ t, r: "1" });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("уже оценён");
  });

  it("tells a visitor whose conversation is open again, in their language, that it is rated once resolved", async () => {
    const { grant } = await answeredAfterLeaving("Есть ли лампы с тёплым светом?", "open-again@example.ru", "Да.", {
      locale: "ru",
    });
    await ratingEmailOf(grant.conversationId);
    await expectJson(call("POST", `/conversations/${grant.conversationId}/reopen`, owner), 200);
    const t = await ratingToken(
      env.TOKEN_SECRET,
      { siteKey: SITE, conversationId: grant.conversationId, locale: "ru", scale: "five" },
      Date.now(),
    );
    const refused = await ratePost({ t, r: "5" });
    expect(refused.status).toBe(409);
    const html = await refused.text();
    expect(html).toContain("Оценка не записана");
    expect(html).not.toMatch(/conversation|resolved/i);
    expect(html).toMatch(/снова открыт/);
  });

  it("takes a reply to the rating email into the conversation, as replies to follow-ups are", async () => {
    const { grant, op } = await answeredAfterLeaving("Is the lamp dimmable?", "replier@example.com", "Yes, it is.");
    const mail = await ratingEmailOf(grant.conversationId);
    const to = mail.message.replyTo?.address;
    expect(to).toBe(await replyAddress(grant.conversationId, env.TOKEN_SECRET, "in.chat.example"));
    const raw = [
      "From: <replier@example.com>",
      `To: ${to}`,
      "Subject: Re: How did Shop do?",
      "Message-ID: <rating-reply@example.com>",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "5 stars, but the lamp flickers now. Can you help?",
      "",
    ].join("\r\n");
    const { message } = inboundEmail(raw, to, "replier@example.com");
    expect(await handleInboundEmail(message, env)).toMatchObject({ outcome: "stored" });
    await eventually(async () => {
      const frames = op.frames.filter((f: any) => f.type === "message").map((f: any) => f.message.text);
      expect(frames).toContain("5 stars, but the lamp flickers now. Can you help?");
    });
  });

  it("asks by email once while the email's links work, however often the conversation is resolved again", async () => {
    const address = "asked-once@example.com";
    const { grant, op } = await answeredAfterLeaving("Do the boots run small?", address, "A little: take one size up.");
    const ratingEmails = async () =>
      (await outbox()).filter((m) => m.kind === "rating" && m.conversationId === grant.conversationId);
    await ratingEmailOf(grant.conversationId);
    expect(await ratingEmails()).toHaveLength(1);

    // The visitor writes again by email, the operator answers and resolves it again, twice.
    const to = await replyAddress(grant.conversationId, env.TOKEN_SECRET, "in.chat.example");
    for (const [i, question] of ["And the sandals?", "Do you ship to Oslo?"].entries()) {
      const raw = `From: <${address}>\r\nTo: ${to}\r\nSubject: Re: How did Shop do?\r\nMessage-ID: <again-${i}@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${question}\r\n`;
      const { message } = inboundEmail(raw, to, address);
      expect(await handleInboundEmail(message, env)).toMatchObject({ outcome: "stored" });
      op.send({ type: "message", clientId: crypto.randomUUID(), text: "Yes." });
      await op.next("ack");
      await expectJson(call("POST", `/conversations/${grant.conversationId}/resolve`, owner), 200);
    }
    // Time for an email the resolves asked for to be made and stored, were it sent.
    await new Promise((r) => setTimeout(r, 300));
    expect(await ratingEmails()).toHaveLength(1);

    // Once the first email's links have expired, the next resolve asks again.
    const stub = env.CONVERSATION.get(env.CONVERSATION.idFromString(grant.conversationId));
    await runInDurableObject(stub as DurableObjectStub, (_c, state) => {
      const at = state.storage.kv.get<number>(RATING_EMAILED_KEY)!;
      state.storage.kv.put(RATING_EMAILED_KEY, at - (RATING_LINK_DAYS + 1) * 86_400_000);
    });
    await expectJson(call("POST", `/conversations/${grant.conversationId}/reopen`, owner), 200);
    await expectJson(call("POST", `/conversations/${grant.conversationId}/resolve`, owner), 200);
    await eventually(async () => expect(await ratingEmails()).toHaveLength(2));
  });

  it("asks again at the next resolve when the provider refused the rating email", async () => {
    const { grant } = await answeredAfterLeaving("Is there a warranty?", "refused-once@example.com", "Two years.");
    const ratingEmails = async () =>
      (await outbox()).filter((m) => m.kind === "rating" && m.conversationId === grant.conversationId);
    const site = env.SITE.get(env.SITE.idFromName(SITE));
    const setRefusing = (refusing: boolean) =>
      runInDurableObject(site as DurableObjectStub, async (instance: any, _state) => {
        if (!refusing) delete instance.host.mailer.provider;
        else
          instance.host.mailer.provider = () => ({
            name: "mailchannels",
            send: async () => {
              throw new EmailSendError("mailchannels: HTTP 403: forbidden", { retryable: false, status: 403 });
            },
          });
      });
    await setRefusing(true);
    try {
      await eventually(async () => {
        await expectJson(call("POST", `/conversations/${grant.conversationId}/reopen`, owner), 200);
        await expectJson(call("POST", `/conversations/${grant.conversationId}/resolve`, owner), 200);
        expect((await ratingEmails()).map((m) => m.status)).toEqual(["failed"]);
      });
    } finally {
      await setRefusing(false);
    }
    await expectJson(call("POST", `/conversations/${grant.conversationId}/reopen`, owner), 200);
    await expectJson(call("POST", `/conversations/${grant.conversationId}/resolve`, owner), 200);
    await eventually(async () => expect((await ratingEmails()).map((m) => m.status)).toEqual(["outbox", "failed"]));
  });

  it("asks no shop customer who never wrote to rate the operator's unanswered first message", async () => {
    const site = "csat-proactive";
    const { identitySecret } = await createSite(site);
    const own = await login(site);
    await noAutoReplies(own);
    const address = "never-wrote@example.com";
    const grant = await customerGreetedFirst(site, own, identitySecret, "user-9", address);
    await expectJson(call("POST", `/conversations/${grant.conversationId}/resolve`, own), 200);
    // Time for the email the resolve asked for to be made and stored, were it sent.
    await new Promise((r) => setTimeout(r, 300));
    const mails = (await expectJson(call("GET", "/outbox", own), 200)).messages;
    expect(mails.filter((m: any) => m.kind === "rating")).toEqual([]);
  });

  it("sends no rating email for a conversation reopened while the email was being made", async () => {
    const { grant } = await answeredAfterLeaving("Do you ship to Norway?", "reopened@example.com", "We do.");
    const stub = env.CONVERSATION.get(env.CONVERSATION.idFromString(grant.conversationId));
    await eventually(async () => {
      const tabs = await runInDurableObject(
        stub as DurableObjectStub,
        (_c, state) => state.getWebSockets("visitor").length,
      );
      expect(tabs).toBe(0);
    });

    // The operator resolves and at once takes it back: the rating email is asked for in between.
    const [, reopened] = await Promise.all([
      stub.operatorAction(SITE, { type: "resolve" }),
      stub.operatorAction(SITE, { type: "reopen" }),
    ]);
    expect(reopened).toMatchObject({ status: "open" });
    // Time for the email the resolve asked for to be made and stored, were it sent.
    await new Promise((r) => setTimeout(r, 300));
    expect((await outbox()).filter((m) => m.kind === "rating" && m.conversationId === grant.conversationId)).toEqual(
      [],
    );
  });

  it("refuses forged, expired and out-of-scale links", async () => {
    const { grant } = await answered();
    await expectJson(call("POST", `/conversations/${grant.conversationId}/resolve`, owner), 200);
    const claims = {
      siteKey: SITE,
      conversationId: grant.conversationId,
      locale: "en" as const,
      scale: "thumbs" as const,
    };
    const good = await ratingToken(env.TOKEN_SECRET, claims, Date.now());
    const forged = await ratingToken("another-secret-of-forty-characters-0000000", claims, Date.now());
    const expired = await ratingToken(env.TOKEN_SECRET, claims, Date.now() - 31 * 86_400_000);
    for (const t of [forged, expired, "garbage", `${good}x`]) {
      const get = await ratePage(`t=${encodeURIComponent(t)}&r=5`);
      expect(get.status).toBe(400);
      expect(await get.text()).toContain("broken, was changed or has expired");
      expect((await ratePost({ t, r: "5" })).status).toBe(400);
    }
    // Thumbs offer 5 and 1 only.
    expect((await ratePost({ t: good, r: "3" })).status).toBe(400);
    const other = await ratingToken(env.TOKEN_SECRET, { ...claims, siteKey: "another-site" }, Date.now());
    expect((await ratePost({ t: other, r: "5" })).status).toBe(409);
    expect((await ratePost({ t: good, r: "1" })).status).toBe(200);
  });
});
