import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { hmacSha256, toHex } from "../../worker/lib/crypto";
import { localDay } from "../../worker/reports";
import { SAMPLE_KB } from "../fixtures/bot/faq";
import { addOperator, call, expectJson } from "./admin-helpers";
import { createSite, eventually, login, startSession, visitorSocket } from "./helpers";

const SITE = "bot-shop";
const RECEIVER = (inject as (key: string) => string)("receiverUrl");
const SECRET = "whsec-0123456789abcdef";
let cookie: string;

const EMPTY_WEEK = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
/** A date in Moscow, `offset` days from now: "today" and "tomorrow" as the Moscow visitor reads them at any hour. */
const day = (offset: number) => localDay("Europe/Moscow", Date.now() + offset * 86_400_000);
/** Closed today, open tomorrow at 13:00 (Moscow): a handoff promises "tomorrow at 13:00" to a visitor in Moscow. */
const CLOSED_TODAY = {
  schedule: {
    timezone: "Europe/Moscow",
    week: EMPTY_WEEK,
    exceptions: [
      { date: day(0), closed: true },
      { date: day(1), intervals: [{ from: "13:00", to: "21:00" }] },
    ],
  },
  rules: [
    {
      id: "closed",
      name: "Closed",
      periods: ["weekend", "holiday", "night", "lunch", "break"],
      timeoutSec: 0,
      variants: [{ text: "We are back {nextOpening}." }],
    },
  ],
  quietAfterOperatorMinutes: 10,
};

const SCENARIO = {
  enabled: true,
  start: "hello",
  steps: [
    {
      id: "hello",
      type: "buttons",
      text: { en: "Hi! What can I help with?", ru: "Здравствуйте! Чем помочь?" },
      buttons: [
        { label: { en: "Delivery", ru: "Доставка" }, action: "goto", target: "delivery" },
        { label: { en: "Leave a request", ru: "Оставить заявку" }, action: "goto", target: "name" },
        { label: { en: "Talk to a person", ru: "Позвать человека" }, action: "handoff" },
      ],
    },
    { id: "delivery", type: "message", text: "We deliver in 1–3 days.", next: "done" },
    { id: "name", type: "field", field: "name", text: { en: "Your name?", ru: "Как вас зовут?" }, next: "phone" },
    { id: "phone", type: "field", field: "phone", text: { en: "Your phone?", ru: "Ваш телефон?" }, next: "email" },
    { id: "email", type: "field", field: "email", text: { en: "Your email?", ru: "Ваша почта?" }, next: "done" },
    { id: "done", type: "end", text: { en: "Thank you! We will call you.", ru: "Спасибо! Мы позвоним." } },
  ],
};

const admin = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  call(method, path, cookie, body, headers);
const log = async (prefix: string) =>
  (await (await fetch(`${RECEIVER}/_log?path=${encodeURIComponent(prefix)}`)).json()) as any[];
const siteStub = () => env.SITE.get(env.SITE.idFromName(SITE)) as unknown as DurableObjectStub;

async function visitor(locale = "en", timezone = "Europe/Moscow") {
  const grant = await startSession(SITE, {
    locale,
    timezone,
    trail: { pages: [{ url: "https://shop.example/boots", at: 1 }] },
  });
  const tab = await visitorSocket(grant);
  await tab.hello();
  return { grant, tab };
}

/** What the Site's reports keep of a conversation (its `report_facts` row), or null. */
function reportFacts(conversationId: string): Promise<any> {
  return runInDurableObject(siteStub(), (_instance, state: DurableObjectState) => {
    const row = state.storage.sql
      .exec<{ facts: string }>("SELECT facts FROM report_facts WHERE id = ?", conversationId)
      .toArray()[0];
    return row ? JSON.parse(row.facts) : null;
  });
}

/** Runs the Site's due timers now (lead deliveries), `ahead` ms in the future. */
async function runSiteTimers(ahead = 0) {
  type WithTimers = DurableObject & { timers: { run(now: number): Promise<void> } };
  await runInDurableObject<WithTimers, void>(siteStub(), (instance) => instance.timers.run(Date.now() + ahead));
}

beforeAll(async () => {
  await createSite(SITE);
  cookie = await login(SITE);
  await expectJson(
    admin("POST", "/bot/kb/import?format=json", { entries: SAMPLE_KB.map((e) => ({ ...e, tags: [] })) }),
    200,
  );
  await expectJson(admin("PUT", "/bot/settings", { enabled: true, name: "Shop bot" }), 200);
});

describe("bot settings in the admin API", () => {
  it("are read by owner and admin only: the leads' webhook secret and Bitrix24 URL never reach an operator", async () => {
    const site = "bot-settings-roles";
    await createSite(site);
    const own = await login(site);
    const operator = await addOperator(site, own, "operator");
    const bitrix24Url = "https://shop.bitrix24.example/rest/1/crm-token-4f2a/";
    await expectJson(
      call("PUT", "/bot/settings", own, {
        leads: { webhookUrl: "https://crm.example/hook", webhookSecret: SECRET, bitrix24Url },
      }),
      200,
    );
    const seen = await (await call("GET", "/bot/settings", operator.cookie)).text();
    expect(seen).not.toContain(SECRET);
    expect(seen).not.toContain("crm-token-4f2a");
    expect((await expectJson(call("GET", "/bot/settings", operator.cookie), 403)).error.code).toBe("forbidden");
    expect((await expectJson(call("GET", "/bot/settings", own), 200)).settings.leads).toMatchObject({
      webhookSecret: SECRET,
      bitrix24Url,
    });
  });
});

describe("knowledge base in the admin API", () => {
  it("forgets every entry when an empty base is imported: the bot no longer answers from it", async () => {
    const site = "bot-kb-cleared";
    await createSite(site);
    const own = await login(site);
    const entries = SAMPLE_KB.map((e) => ({ ...e, tags: [] }));
    await expectJson(call("POST", "/bot/kb/import?format=json", own, { entries }), 200);
    const question = { question: "скока стоит доставко" };
    expect((await expectJson(call("POST", "/bot/kb/try", own, question), 200)).matches).not.toEqual([]);
    expect(await expectJson(call("POST", "/bot/kb/import?format=json", own, { entries: [] }), 200)).toEqual({
      imported: 0,
    });
    expect((await expectJson(call("GET", "/bot/kb", own), 200)).entries).toEqual([]);
    expect((await expectJson(call("POST", "/bot/kb/try", own, question), 200)).matches).toEqual([]);
  });

  it("refuses a bad entry naming the field, and the try-it box ranks matches with scores", async () => {
    const bad = await expectJson(admin("POST", "/bot/kb", { questions: [], answer: "x", lang: "de" }), 400);
    expect(Object.keys(bad.error.fields)).toEqual(expect.arrayContaining(["questions", "lang"]));
    const tried = await expectJson(admin("POST", "/bot/kb/try", { question: "скока стоит доставко" }), 200);
    expect(tried.matches[0]).toMatchObject({ id: "delivery-ru" });
    expect(tried.matches[0].confidence).toBeGreaterThanOrEqual(tried.threshold);
  });

  it("exports CSV that imports back to the same base; a broken row names row and column and imports nothing", async () => {
    const csv = await (await admin("GET", "/bot/kb/export?format=csv")).text();
    expect(csv.split("\r\n")[0]).toBe("id,lang,questions,answer,tags");
    const before = (await expectJson(admin("GET", "/bot/kb"), 200)).entries;
    const broken = `${csv}new-1,de,"Вопрос",Ответ,\r\n`;
    const refused = await expectJson(
      admin("POST", "/bot/kb/import?format=csv", broken, { "Content-Type": "text/csv" }),
      400,
    );
    expect(refused.error.message).toBe(`row ${before.length + 2}, column lang: "de" is not ru or en`);
    const unclosed = await expectJson(
      admin("POST", "/bot/kb/import?format=csv", 'lang,questions,answer\nru,"Где заказ?,Ответ\n', {
        "Content-Type": "text/csv",
      }),
      400,
    );
    expect(unclosed.error.message).toMatch(/^row 2, column 2: a quoted field is not closed/);
    expect((await expectJson(admin("GET", "/bot/kb"), 200)).entries).toEqual(before);
    await expectJson(admin("POST", "/bot/kb/import?format=csv", csv, { "Content-Type": "text/csv" }), 200);
    const after = (await expectJson(admin("GET", "/bot/kb"), 200)).entries;
    const strip = (list: any[]) => list.map(({ updatedAt: _, ...e }) => e).sort((a, b) => a.id.localeCompare(b.id));
    expect(strip(after)).toEqual(strip(before));
  });
});

describe("the bot in a conversation", () => {
  it("answers a known question after the ack, as the bot; 'person' hands off with the next opening in the visitor's zone and language", async () => {
    await expectJson(admin("PUT", "/autoreply", CLOSED_TODAY), 200);
    const { grant, tab } = await visitor("ru", "Europe/Moscow");
    const sent = Date.now();
    tab.send({ type: "message", clientId: "q1", text: "скока стоит доставко?" });
    const ack = await tab.next("ack");
    const answer = (await tab.next("message")).message;
    console.log(`bot latency (visitor message → bot answer, local workerd): ${Date.now() - sent} ms`);
    expect(ack.seq).toBeLessThan(answer.seq);
    expect(answer).toMatchObject({
      author: { kind: "bot", name: "Shop bot" },
      text: SAMPLE_KB[0].answer,
      meta: { bot: "answer", entry: "delivery-ru", feedback: true },
    });
    // The bot answered this wait: no auto-reply follows it.
    await tab.none("message", 300);

    tab.send({ type: "bot", action: "feedback", seq: answer.seq, value: "person" });
    const handoff = (await tab.next("message")).message;
    expect(handoff).toMatchObject({ author: { kind: "bot" }, meta: { bot: "handoff" } });
    expect(handoff.text).toContain("завтра в 13:00");
    // A second "did this help?" for the same answer changes nothing.
    tab.send({ type: "bot", action: "feedback", seq: answer.seq, value: "no" });
    expect((await tab.next("error")).code).toBe("stale_step");
    // Marked for people: the bot no longer answers here.
    await tab.say("а оплата картой?");
    await tab.none("message", 300);
    const report = await expectJson(admin("GET", "/bot/feedback"), 200);
    expect(report.feedback).toContainEqual({ entryId: "delivery-ru", yes: 0, no: 0, person: 1 });
    expect(grant.conversationId).toBeTruthy();
  });

  it("adds little to the message path: the ack comes first, the bot's answer shortly after (measured)", async () => {
    await expectJson(admin("PUT", "/autoreply", { ...CLOSED_TODAY, rules: [] }), 200);
    const ackMs: number[] = [];
    const answerMs: number[] = [];
    for (let i = 0; i < 10; i++) {
      const { tab } = await visitor("en", "Europe/London");
      const sent = performance.now();
      tab.send({ type: "message", clientId: `m${i}`, text: "how long does delivery take" });
      await tab.next("ack");
      ackMs.push(performance.now() - sent);
      expect((await tab.next("message")).message.meta.entry).toBe("delivery-time-en");
      answerMs.push(performance.now() - sent);
      tab.close();
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log(
      `10 conversations, local workerd: ack median ${median(ackMs).toFixed(1)} ms; bot answer median ${median(answerMs).toFixed(1)} ms after the message (${(median(answerMs) - median(ackMs)).toFixed(1)} ms after the ack)`,
    );
    await expectJson(admin("PUT", "/autoreply", CLOSED_TODAY), 200);
  });

  it("counts in the Reports: a dialog, its depth and a helpful answer", async () => {
    await expectJson(admin("PUT", "/autoreply", { ...CLOSED_TODAY, rules: [] }), 200);
    try {
      const { grant, tab } = await visitor("en", "Europe/London");
      await tab.say("how long does delivery take");
      const answer = (await tab.next("message")).message;
      tab.send({ type: "bot", action: "feedback", seq: answer.seq, value: "yes" });
      expect((await tab.next("message")).message.meta).toMatchObject({ bot: "thanks" });
      tab.close();
      // The facts the Site keeps of this conversation: question, answer and thanks; one helpful rating.
      await eventually(
        async () =>
          expect((await reportFacts(grant.conversationId))?.bot).toMatchObject({
            depth: 3,
            feedback: 1,
            helpful: 1,
            lead: false,
            booked: false,
            handoffAt: null,
          }),
        15_000,
      );
      const today = localDay("Europe/Berlin", Date.now());
      const bot = (await expectJson(admin("GET", `/reports?from=${today}&to=${today}`), 200)).figures.bot;
      expect(bot.dialogs).toBeGreaterThanOrEqual(1);
      expect(bot.helpful).toBeGreaterThanOrEqual(1);
      const csv = await (await admin("GET", `/reports/bot.csv?from=${today}&to=${today}`)).text();
      const dialogs = csv.split("\r\n").find((line) => line.startsWith("dialogs,"));
      expect(Number(dialogs?.split(",")[1])).toBeGreaterThanOrEqual(1);
    } finally {
      await expectJson(admin("PUT", "/autoreply", CLOSED_TODAY), 200);
    }
  });

  it("stays silent below the threshold and the auto-reply comes exactly as before", async () => {
    const { tab } = await visitor("en", "Europe/Moscow");
    await tab.say("do you sell gift cards");
    const reply = (await tab.next("message", 5000)).message;
    expect(reply.meta.autoReply).toBe("closed");
    expect(reply.text).toBe("We are back tomorrow at 13:00.");
  });
});

describe("scenario", () => {
  it("is refused on save naming the step: unknown type, missing target, cycle, unreachable step", async () => {
    const steps = SCENARIO.steps;
    const cases: [unknown, string, RegExp][] = [
      [
        { ...SCENARIO, steps: [...steps, { id: "x", type: "quiz", text: "?" }] },
        "steps.6.type",
        /step "x": unknown step type "quiz"/,
      ],
      [
        { ...SCENARIO, steps: steps.map((s) => (s.id === "delivery" ? { ...s, next: "nowhere" } : s)) },
        "steps.1.next",
        /step "delivery": leads to "nowhere"/,
      ],
      [
        { ...SCENARIO, steps: steps.map((s) => (s.id === "email" ? { ...s, next: "name" } : s)) },
        "steps.2.next",
        /cycle: name → phone → email → name/,
      ],
      [
        { ...SCENARIO, steps: [...steps, { id: "lost", type: "message", text: "?", next: "done" }] },
        "steps.6.id",
        /step "lost" cannot be reached/,
      ],
      [
        {
          ...SCENARIO,
          steps: steps.map((s) =>
            s.id === "hello"
              ? { ...s, buttons: [...s.buttons!, { label: "Sales", action: "department", department: "dep_nope" }] }
              : s,
          ),
        },
        "steps.0.buttons.3.department",
        /step "hello": no department "dep_nope"/,
      ],
    ];
    for (const [body, field, message] of cases) {
      const res = await expectJson(admin("PUT", "/bot/scenario", body), 400);
      expect(res.error.message).toMatch(message);
      expect(Object.keys(res.error.fields)).toEqual([field]);
    }
  });

  it("greets with buttons, validates fields in the visitor's language, fills the lead card and delivers it signed, retrying after a 500", async () => {
    await expectJson(admin("PUT", "/bot/scenario", SCENARIO), 200);
    await expectJson(
      admin("PUT", "/bot/settings", {
        enabled: true,
        name: "Shop bot",
        leads: {
          webhookUrl: `${RECEIVER}/fail-once/hook-${Date.now()}`,
          webhookSecret: SECRET,
          bitrix24Url: `${RECEIVER}/bitrix/rest/1/abc123/`,
          email: "sales@shop.example",
        },
        gravatar: { enabled: true, baseUrl: `${RECEIVER}/gravatar/` },
      }),
      200,
    );
    const { grant, tab } = await visitor("ru");
    const greeting = (await tab.next("message")).message;
    expect(greeting).toMatchObject({
      author: { kind: "bot" },
      text: "Здравствуйте! Чем помочь?",
      meta: { step: "hello", buttons: ["Доставка", "Оставить заявку", "Позвать человека"] },
    });
    tab.send({ type: "bot", action: "button", step: "hello", index: 1 });
    expect((await tab.next("message")).message).toMatchObject({ author: { kind: "visitor" }, text: "Оставить заявку" });
    expect((await tab.next("message")).message.text).toBe("Как вас зовут?");
    // The greeting's buttons are no longer current: refused, nothing changes.
    tab.send({ type: "bot", action: "button", step: "hello", index: 0 });
    expect((await tab.next("error")).code).toBe("stale_step");
    await tab.say("Анна");
    expect((await tab.next("message")).message.text).toBe("Ваш телефон?");
    await tab.say("позвоните мне");
    expect((await tab.next("message")).message).toMatchObject({
      meta: { bot: "invalid" },
      text: expect.stringContaining("не номер телефона"),
    });
    await tab.say("+7 (912) 345-67-89");
    expect((await tab.next("message")).message.text).toBe("Ваша почта?");
    await tab.say("anna@example.com");
    expect((await tab.next("message")).message.text).toBe("Спасибо! Мы позвоним.");

    let leads: any[] = [];
    await eventually(async () => {
      leads = (await expectJson(admin("GET", "/bot/leads"), 200)).leads;
      expect(leads[0]).toMatchObject({ conversationId: grant.conversationId, status: "complete" });
    });
    expect(leads[0].fields).toEqual({ name: "Анна", phone: "+79123456789", email: "anna@example.com" });
    // The Reports count this dialog's goal: its lead card completed, without a handoff.
    await eventually(
      async () => expect((await reportFacts(grant.conversationId))?.bot).toMatchObject({ lead: true, handoffAt: null }),
      15_000,
    );
    expect(leads[0].enrichment).toEqual({
      name: "Anna Example",
      avatarUrl: "https://gravatar.example/a.png",
      links: ["https://gravatar.example/anna", "https://github.com/anna"],
    });

    // The Site's alarm delivers at once; the webhook's first answer is a 500, so it waits 10 s for its second try.
    let deliveries: any[] = [];
    await eventually(async () => {
      deliveries = (await expectJson(admin("GET", "/bot/deliveries"), 200)).deliveries.filter(
        (d: any) => d.leadId === leads[0].id,
      );
      expect(Object.fromEntries(deliveries.map((d: any) => [d.target, d.status]))).toEqual({
        webhook: "pending",
        email: "delivered",
        bitrix24: "delivered",
      });
    });
    expect(deliveries.find((d: any) => d.target === "webhook")).toMatchObject({
      attempts: 1,
      lastError: "the webhook answered 500",
    });
    await runSiteTimers(11_000);
    deliveries = (await expectJson(admin("GET", "/bot/deliveries"), 200)).deliveries.filter(
      (d: any) => d.leadId === leads[0].id,
    );
    expect(deliveries.find((d: any) => d.target === "webhook")).toMatchObject({ status: "delivered", attempts: 2 });

    const hooks = await log("/fail-once/");
    const hook = hooks.at(-1);
    const expected = `sha256=${toHex(await hmacSha256(SECRET, `${hook.headers["x-edgechat-timestamp"]}.${hook.body}`))}`;
    expect(hook.headers["x-edgechat-signature"]).toBe(expected);
    expect(JSON.parse(hook.body)).toMatchObject({
      event: "lead.complete",
      lead: { id: leads[0].id, fields: { phone: "+79123456789" } },
    });

    const crm = (await log("/bitrix/")).at(-1);
    expect(crm).toMatchObject({ method: "POST", path: "/bitrix/rest/1/abc123/crm.lead.add.json", status: 200 });
    expect(JSON.parse(crm.body)).toEqual({
      fields: {
        TITLE: "Chat lead: Анна",
        NAME: "Анна",
        PHONE: [{ VALUE: "+79123456789", VALUE_TYPE: "WORK" }],
        EMAIL: [{ VALUE: "anna@example.com", VALUE_TYPE: "WORK" }],
        SOURCE_ID: "WEB",
        SOURCE_DESCRIPTION: `Edgechat conversation ${grant.conversationId}`,
      },
      params: { REGISTER_SONET_EVENT: "Y" },
    });
    const outbox = await expectJson(admin("GET", "/outbox"), 200);
    expect(JSON.stringify(outbox)).toContain("sales@shop.example");

    const csv = await (await admin("GET", "/bot/leads.csv")).text();
    expect(csv).toContain(`${leads[0].id},`);
    // A leading + would start a spreadsheet formula: the cell is kept as text with a quote.
    expect(csv).toContain(",Анна,'+79123456789,anna@example.com,");
  });
});

describe("two lines sent at once", () => {
  it("takes one of them as a field step's answer and asks the next step once", async () => {
    const site = "bot-two-lines";
    await createSite(site);
    const own = await login(site);
    await expectJson(call("PUT", "/bot/settings", own, { enabled: true, name: "Shop bot" }), 200);
    await expectJson(
      call("PUT", "/bot/scenario", own, {
        enabled: true,
        start: "name",
        steps: [
          { id: "name", type: "field", field: "name", text: { en: "Your name?", ru: "Как вас зовут?" }, next: "phone" },
          { id: "phone", type: "field", field: "phone", text: { en: "Your phone?", ru: "Ваш телефон?" }, next: "done" },
          { id: "done", type: "end", text: { en: "Thank you!", ru: "Спасибо!" } },
        ],
      }),
      200,
    );
    const grant = await startSession(site, { locale: "en" });
    const tab = await visitorSocket(grant);
    await tab.hello();
    expect((await tab.next("message")).message.text).toBe("Your name?");
    tab.send({ type: "message", clientId: "line-1", text: "Anna" });
    tab.send({ type: "message", clientId: "line-2", text: "Anna Petrova" });
    await tab.next("ack");
    await tab.next("ack");
    await eventually(() => {
      const asked = tab.frames.filter((f) => f.type === "message" && f.message.meta?.step === "phone");
      expect(asked).toHaveLength(1);
    });
    await new Promise((r) => setTimeout(r, 300)); // a second question would come within this
    const asked = tab.frames.filter((f) => f.type === "message" && f.message.meta?.step === "phone");
    expect(asked.map((f) => f.message.text)).toEqual(["Your phone?"]);
  });
});

describe("a button clicked twice at once", () => {
  it("after the conversation woke, is taken once: one visitor line, the next step asked once", async () => {
    const site = "bot-two-clicks";
    await createSite(site);
    const own = await login(site);
    await expectJson(call("PUT", "/bot/settings", own, { enabled: true, name: "Shop bot" }), 200);
    await expectJson(call("PUT", "/bot/scenario", own, SCENARIO), 200);
    const grant = await startSession(site, { locale: "en" });
    const tab = await visitorSocket(grant);
    await tab.hello();
    expect((await tab.next("message")).message.meta).toMatchObject({ step: "hello" });
    // Woken from hibernation, the object has forgotten the scenario and asks its Site for it again.
    const stub = env.CONVERSATION.get(env.CONVERSATION.idFromString(grant.conversationId));
    await evictDurableObject(stub);
    tab.send({ type: "bot", action: "button", step: "hello", index: 1 });
    tab.send({ type: "bot", action: "button", step: "hello", index: 1 });
    await eventually(() => {
      const asked = tab.frames.filter((f) => f.type === "message" && f.message.meta?.step === "name");
      expect(asked).toHaveLength(1);
    });
    await new Promise((r) => setTimeout(r, 300)); // a second click taken would show within this
    const messages = tab.frames.filter((f) => f.type === "message").map((f) => f.message);
    expect(messages.filter((m) => m.author.kind === "visitor").map((m) => m.text)).toEqual(["Leave a request"]);
    expect(messages.filter((m) => m.meta?.step === "name").map((m) => m.text)).toEqual(["Your name?"]);
    expect((await tab.next("error")).code).toBe("stale_step");
  });
});
