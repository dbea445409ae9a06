import { SELF, env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { knownAutomations } from "../../worker/conversation/automations";
import type { ConversationHost } from "../../worker/conversation/host";
import { hmacSha256, toHex } from "../../worker/lib/crypto";
import {
  BASE,
  type Client,
  createSite,
  eventually,
  login,
  openSocket,
  operatorSocket,
  startSession,
  visitorSocket,
} from "./helpers";

const SITE = "reply-shop";
let cookie: string;
let identitySecret: string;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const EMPTY_WEEK = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
const OFF = ["lunch", "break", "night", "weekend", "holiday"];

/** Closed all of today (UTC), open tomorrow 10:00–18:00 UTC. */
function closedToday(extra: Record<string, unknown> = {}) {
  return {
    schedule: {
      timezone: "UTC",
      week: EMPTY_WEEK,
      exceptions: [
        { date: day(0), closed: true },
        { date: day(1), intervals: [{ from: "10:00", to: "18:00" }] },
      ],
    },
    rules: [
      {
        id: "busy",
        name: "Busy",
        periods: ["work"],
        timeoutSec: 60,
        variants: [{ text: "All operators are busy; one will answer shortly." }],
      },
      {
        id: "closed",
        name: "Closed",
        periods: OFF,
        timeoutSec: 0,
        variants: [
          {
            when: { emailKnown: false },
            text: "We are back {nextOpening}. Leave your email and we will write to you.",
          },
          { when: { emailKnown: true }, text: "We are back {nextOpening}; we will answer by email." },
        ],
      },
    ],
    quietAfterOperatorMinutes: 10,
    ...extra,
  };
}

/** Open all of today (UTC, midnight to midnight), so the work-hours rule applies. */
function openToday() {
  const s = closedToday();
  const allDay = { from: "00:00", to: "00:00", overnight: true };
  return { ...s, schedule: { ...s.schedule, exceptions: [{ date: day(0), intervals: [allDay] }] } };
}

async function saveSettings(body: unknown) {
  return SELF.fetch(`${BASE}/api/v1/admin/autoreply`, {
    method: "PUT",
    headers: { Cookie: cookie, Origin: BASE, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function visitor(body: Record<string, unknown> = {}) {
  const grant = await startSession(SITE, {
    trail: { pages: [{ url: "https://shop.example/boots", at: 1 }] },
    locale: "en",
    timezone: "Asia/Tokyo",
    ...body,
  });
  const tab = await visitorSocket(grant);
  await tab.hello();
  const stub = env.CONVERSATION.get(env.CONVERSATION.idFromString(grant.conversationId));
  return { grant, tab, stub };
}

/** Makes a pending auto-reply due now and runs the alarm, as if its timeout had passed. */
async function timeoutPasses(stub: DurableObjectStub) {
  await runInDurableObject(stub, (_i, state) => {
    state.storage.sql.exec("UPDATE timers SET due = ? WHERE kind = 'autoreply'", Date.now() - 1);
  });
  await runDurableObjectAlarm(stub);
}

beforeAll(async () => {
  ({ identitySecret } = await createSite(SITE));
  cookie = await login(SITE);
});

describe("auto-replies", () => {
  it("answers at once when closed, with the return time in the visitor's zone, and asks for the email", async () => {
    expect((await saveSettings(closedToday())).status).toBe(200);
    const { grant, tab } = await visitor();
    await tab.say("Do you have size 44?");
    const { message } = await tab.next("message");
    // Tomorrow 10:00 UTC is 19:00 in Tokyo (UTC+9): "today" there once Tokyo has reached tomorrow's date.
    const when = new Date().getUTCHours() >= 15 ? "today at 19:00" : "tomorrow at 19:00";
    expect(message.author).toEqual({ kind: "bot", name: "Shop reply-shop" });
    expect(message.text).toBe(`We are back ${when}. Leave your email and we will write to you.`);
    expect(message.meta).toMatchObject({ autoReply: "closed", period: "holiday", ask: "email" });
    expect(await tab.next("contact")).toEqual({ type: "contact", emailKnown: false, askEmail: true });

    tab.send({ type: "contact", email: "ann@example.com" });
    await tab.next("contact");
    const again = await visitorSocket(grant);
    const welcome = await again.hello();
    expect(welcome.conversation).toMatchObject({ emailKnown: true, askEmail: false });
    const site = env.SITE.get(env.SITE.idFromName(SITE));
    await eventually(async () => expect((await site.contactOf(grant.visitorId))?.email).toBe("ann@example.com"));
  });

  it("uses the variant without the question for a visitor whose email is known", async () => {
    await saveSettings(closedToday());
    const hash = toHex(await hmacSha256(identitySecret, "u-7"));
    const { tab } = await visitor({ identity: { userId: "u-7", email: "bob@example.com", hash } });
    await tab.say("Hello?");
    const { message } = await tab.next("message");
    expect(message.text).toMatch(/^We are back .* at 19:00; we will answer by email\.$/);
    expect(message.meta.ask).toBeUndefined();
    await tab.none("contact");
  });

  it("outside hours with an operator signed in, waits for the operator before the away reply", async () => {
    await saveSettings(closedToday());
    const inbox = (await openSocket("/api/v1/admin/ws", { Cookie: cookie })) as Client;
    await inbox.next("presence");
    const { tab, stub } = await visitor();
    await tab.say("Are you there tonight?");
    await tab.none("message", 500); // the header said "We are online": no instant "we are away"
    const due = await runInDurableObject(
      stub,
      (_i, s) => s.storage.sql.exec<{ due: number }>("SELECT due FROM timers WHERE kind = 'autoreply'").one().due,
    );
    expect(due).toBeGreaterThan(Date.now() + 50_000);
    await timeoutPasses(stub);
    const { message } = await tab.next("message");
    expect(message.meta).toMatchObject({ autoReply: "closed", period: "holiday" });
    inbox.close();
  });

  it("waits for the rule's timeout in working hours, then answers once per wait", async () => {
    await saveSettings(openToday());
    const { tab, stub } = await visitor();
    await tab.say("first");
    await tab.none("message", 300);
    await tab.say("second, same wait");
    await timeoutPasses(stub);
    const { message } = await tab.next("message");
    expect(message.text).toBe("All operators are busy; one will answer shortly.");
    expect(message.meta.ask).toBe("email");
    await tab.say("third, same wait");
    await timeoutPasses(stub);
    await runDurableObjectAlarm(stub);
    await tab.none("message", 300);
    const history = (await tab.hello()).messages.map((m: any) => m.author.kind);
    expect(history).toEqual(["visitor", "visitor", "bot", "visitor"]);
  });

  it("is cancelled by an operator's answer, and stays quiet for a while after one", async () => {
    await saveSettings(openToday());
    const { grant, tab, stub } = await visitor();
    await tab.say("anyone?");
    const op = await operatorSocket(cookie, grant.conversationId);
    await op.hello();
    await op.say("Hi, I am here.");
    await tab.next("message");
    await timeoutPasses(stub);
    expect(
      await runInDurableObject(stub, (_i, s) => s.storage.sql.exec("SELECT COUNT(*) AS n FROM timers").one().n),
    ).toBe(0);
    await tab.say("a new question right after the answer");
    await timeoutPasses(stub);
    await tab.none("message", 300);
    const kinds = (await tab.hello()).messages.map((m: any) => m.author.kind);
    expect(kinds).toEqual(["visitor", "operator", "visitor"]);
  });

  it("stays quiet when the operator answers while the Site is asked for the rules", async () => {
    await saveSettings(openToday());
    const { tab, stub } = await visitor();
    await tab.say("anyone?");
    // The wait's first run has set the rule's timeout.
    await eventually(async () =>
      expect(
        await runInDurableObject(stub, (_i, s) =>
          s.storage.sql.exec("SELECT payload FROM timers WHERE kind = 'autoreply'").toArray(),
        ),
      ).toEqual([{ payload: expect.stringContaining('"timedOut":true') }]),
    );
    // The operator's answer lands while the timeout's run waits for the Site's rules.
    const slowed = await runInDurableObject(stub as DurableObjectStub, async (instance: any, _state) => {
      const host = instance.host as ConversationHost & { site: () => any };
      const siteOf = host.site;
      host.site = () =>
        new Proxy(siteOf() as any, {
          get(site, name) {
            if (name !== "autoReplyContext") return site[name];
            return async (visitorId: string) => {
              const context = await site.autoReplyContext(visitorId);
              host.post({
                author: { kind: "operator", id: "op-1", name: "Olga" },
                text: "Hi, I am here.",
                at: Date.now(),
              });
              return context;
            };
          },
        });
      return true;
    });
    expect(slowed).toBe(true);
    await timeoutPasses(stub);
    expect((await tab.next("message")).message.text).toBe("Hi, I am here.");
    await tab.none("message", 300);
    const kinds = (await tab.hello()).messages.map((m: any) => m.author.kind);
    expect(kinds).toEqual(["visitor", "operator"]);
  });

  it("previews what a visitor would get at an instant", async () => {
    await saveSettings(closedToday());
    const at = `${day(0)}T12:00:00Z`;
    const res = await SELF.fetch(`${BASE}/api/v1/admin/autoreply/preview`, {
      method: "POST",
      headers: { Cookie: cookie, Origin: BASE, "Content-Type": "application/json" },
      body: JSON.stringify({ at, visitorTimezone: "Europe/Moscow", locale: "ru", emailKnown: true }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      period: "holiday",
      rule: "Closed",
      text: "We are back завтра в 13:00; we will answer by email.",
      nextOpening: `${day(1)}T10:00:00.000Z`,
    });
  });

  it("promises no time when the schedule never opens", async () => {
    const never = closedToday();
    never.schedule.exceptions = [];
    await saveSettings(never);
    const { tab } = await visitor();
    await tab.say("hello");
    const { message } = await tab.next("message");
    expect(message.text).toBe("We are back as soon as we can, by email. Leave your email and we will write to you.");
    expect(message.meta.nextOpening).toBeNull();
  });
});

describe("a site with auto-replies off", () => {
  it("sets no timer for a visitor's wait, and a new conversation after rules are saved is answered", async () => {
    expect((await saveSettings({ ...closedToday(), rules: [] })).status).toBe(200);
    // The tab's hello asks the Site about its automations; the wait below costs no timer.
    const off = await visitor();
    await off.tab.say("is anyone there?");
    const timers = await runInDurableObject(off.stub, (_i, s) =>
      s.storage.sql
        .exec<{ kind: string }>("SELECT kind FROM timers")
        .toArray()
        .map((t) => t.kind),
    );
    expect(timers).not.toContain("autoreply");
    await off.tab.none("message", 300);
    // The answer is kept in the object's storage: the same object woken from hibernation (a
    // fresh host on the same storage) knows it within the minute, and not after it.
    const woken = await runInDurableObject(off.stub, (_i, s) => {
      const fresh = { kv: s.storage.kv } as unknown as ConversationHost;
      const known = knownAutomations(fresh);
      const kept = s.storage.kv.get<{ automations: unknown; at: number }>("automations")!;
      s.storage.kv.put("automations", { ...kept, at: Date.now() - 61_000 });
      return { known, afterAMinute: knownAutomations({ kv: s.storage.kv } as unknown as ConversationHost) };
    });
    expect(woken).toEqual({ known: { faq: false, scenario: false, autoReplies: false }, afterAMinute: null });

    expect((await saveSettings(closedToday())).status).toBe(200);
    const on = await visitor();
    await on.tab.say("and now?");
    const { message } = await on.tab.next("message");
    expect(message.meta).toMatchObject({ autoReply: "closed" });
  });
});

describe("auto-reply settings: bad input is a 400 naming the field", () => {
  const week = (mon: unknown[]) => ({ ...EMPTY_WEEK, mon });
  const cases: Array<[string, (s: any) => void, string, string]> = [
    [
      "unknown timezone",
      (s) => (s.schedule.timezone = "Mars/Olympus"),
      "schedule.timezone",
      "unknown timezone Mars/Olympus",
    ],
    [
      "interval ending before it starts",
      (s) => (s.schedule.week = week([{ from: "18:00", to: "09:00" }])),
      "schedule.week.mon.0.to",
      "ends before it starts",
    ],
    [
      "overlapping intervals",
      (s) =>
        (s.schedule.week = week([
          { from: "09:00", to: "13:00" },
          { from: "12:00", to: "18:00" },
        ])),
      "schedule.week.mon",
      "overlap",
    ],
    [
      "more than 50 rules",
      (s) => (s.rules = Array.from({ length: 51 }, (_, i) => ({ ...s.rules[0], id: `r${i}` }))),
      "rules",
      "at most 50 rules",
    ],
    [
      "unknown template variable",
      (s) => (s.rules[0].variants[0].text = "Hi {firstName}"),
      "rules.0.variants.0.text",
      "unknown template variable {firstName}",
    ],
    ["negative timeout", (s) => (s.rules[0].timeoutSec = -1), "rules.0.timeoutSec", "between 0 and 86400"],
    ["timeout over a day", (s) => (s.rules[0].timeoutSec = 86_401), "rules.0.timeoutSec", "between 0 and 86400"],
  ];
  for (const [name, spoil, field, words] of cases) {
    it(name, async () => {
      const settings = closedToday();
      spoil(settings);
      const res = await saveSettings(settings);
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as any;
      expect(error.code).toBe("invalid_settings");
      expect(Object.keys(error.fields)[0]).toMatch(new RegExp(`^${field.replace(/\./g, "\\.")}`));
      expect(error.message).toContain(words);
    });
  }
});

describe("the visitor's time zone arriving with the first message", () => {
  it("waits a moment for it, then answers in the visitor's time", async () => {
    await saveSettings(closedToday());
    const grant = await startSession(SITE); // no trail yet: the zone is unknown
    const tab = await visitorSocket(grant);
    await tab.hello();
    await tab.say("first message, the trail is on its way");
    await startSession(SITE, {
      visitorToken: grant.visitorToken,
      trail: { pages: [{ url: "https://shop.example/", at: 1 }] },
      locale: "en",
      timezone: "Asia/Tokyo",
    });
    const { message } = await tab.next("message", 6000);
    const when = new Date().getUTCHours() >= 15 ? "today at 19:00" : "tomorrow at 19:00";
    expect(message.text).toBe(`We are back ${when}. Leave your email and we will write to you.`);
  });
});

describe("the inbox after an auto-reply", () => {
  it("still previews the visitor's question, not the bot's answer", async () => {
    await saveSettings(closedToday());
    const { grant, tab } = await visitor();
    await tab.say("Where is my order #1042?");
    expect((await tab.next("message")).message.author.kind).toBe("bot");
    await eventually(async () => {
      const res = await SELF.fetch(`${BASE}/api/v1/admin/conversations`, { headers: { Cookie: cookie } });
      const entry = ((await res.json()) as any).conversations.find((e: any) => e.id === grant.conversationId);
      expect(entry.lastMessage).toMatchObject({ text: "Where is my order #1042?", author: "visitor" });
      expect(entry.lastSeq).toBe(2);
    });
  });
});

describe("department hours", () => {
  it("a conversation of a department that is open follows its hours, not the site's closed day", async () => {
    const settings: any = closedToday();
    settings.departmentSchedules = {
      support: {
        timezone: "UTC",
        week: EMPTY_WEEK,
        exceptions: [{ date: day(0), intervals: [{ from: "00:00", to: "00:00", overnight: true }] }],
      },
    };
    expect((await saveSettings(settings)).status).toBe(200);
    const { tab, stub } = await visitor();
    await (stub as any).operatorAction(SITE, { type: "assign", assignee: null, department: "support" });
    await tab.say("support question on a closed day");
    await tab.none("message", 300); // support is open: the 60 s working-hours rule waits
    await timeoutPasses(stub);
    expect((await tab.next("message")).message.text).toBe("All operators are busy; one will answer shortly.");
  });
});
