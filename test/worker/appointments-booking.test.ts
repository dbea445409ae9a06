import { SELF, env, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { type EmailProvider, mailchannelsProvider } from "../../worker/email";
import { utc } from "../../worker/site/appointments/ics";
import { slotLabel } from "../../worker/site/appointments/texts";
import { call, expectJson } from "./admin-helpers";
import { BASE, createSite, eventually, login, startSession, visitorSocket } from "./helpers";

const SITE = "booking-bot-shop";
const RECEIVER = (inject as (key: string) => string)("receiverUrl");
let cookie: string;
const DAY = [{ from: "09:00", to: "17:00" }];
const HOURS = {
  timezone: "Europe/Berlin",
  week: { mon: DAY, tue: DAY, wed: DAY, thu: DAY, fri: DAY, sat: DAY, sun: DAY },
};
const SCENARIO = {
  enabled: true,
  start: "hello",
  steps: [
    {
      id: "hello",
      type: "buttons",
      text: { en: "Hi!", ru: "Здравствуйте!" },
      buttons: [
        {
          label: { en: "Book a video consultation", ru: "Записаться на видеоконсультацию" },
          action: "goto",
          target: "book",
        },
      ],
    },
    { id: "book", type: "booking", text: { en: "Pick a time:", ru: "Выберите время:" }, next: "done" },
    { id: "done", type: "end", text: { en: "See you!", ru: "До встречи!" } },
  ],
};

const site = () => env.SITE.get(env.SITE.idFromName(SITE));
type WithTimers = DurableObject & { timers: { run(now: number): Promise<void> } };
const runSiteTimers = (ahead: number) =>
  runInDurableObject<WithTimers, void>(site() as unknown as DurableObjectStub, (i) => i.timers.run(Date.now() + ahead));
const mails = async (to: string) => ((await site().outbox(100)) as any[]).filter((m) => m.to === to).reverse();
const ics = (mail: any) => atob(mail.message.attachments[0].content);
/** The `meta.appointment` events in a conversation's thread, oldest first. */
const threadEvents = (conversationId: string) =>
  runInDurableObject(env.CONVERSATION.get(env.CONVERSATION.idFromString(conversationId)), (_i, state) =>
    state.storage.sql
      .exec<{ meta: string | null }>("SELECT meta FROM messages ORDER BY seq")
      .toArray()
      .map((r) => JSON.parse(r.meta ?? "{}").appointment?.event)
      .filter(Boolean),
  );
const text = (bytes: string) => new TextDecoder().decode(Uint8Array.from(bytes, (c) => c.charCodeAt(0)));

type SiteEnv = { host: { env: Record<string, any> } };

/**
 * Makes the Site's calls of `method` on its Conversations (of `conversationId`, or all) go
 * through `around`, which gets the real call to make; answers what puts the Site's env back.
 */
function wrapConversationCalls(
  instance: SiteEnv,
  method: string,
  around: (real: () => Promise<unknown>) => Promise<unknown>,
  conversationId?: string,
): () => void {
  const host = instance.host;
  const realEnv = host.env;
  const conversations = {
    idFromString: (id: string) => realEnv.CONVERSATION.idFromString(id),
    get: (id: DurableObjectId) => {
      const stub = realEnv.CONVERSATION.get(id);
      if (conversationId && id.toString() !== conversationId) return stub;
      return new Proxy(stub, {
        get(target, name) {
          if (name === method) return (...args: unknown[]) => around(() => target[name](...args));
          return typeof target[name] === "function" ? (...args: unknown[]) => target[name](...args) : target[name];
        },
      });
    },
  };
  host.env = new Proxy(realEnv, {
    get: (e, name) => (name === "CONVERSATION" ? conversations : e[name as string]),
  });
  return () => {
    host.env = realEnv;
  };
}

/**
 * Runs the Site's timers `ahead` ms from now, with `meanwhile` landing while the outcome
 * check waits for the answered calls of conversation `conversationId` (as any request may
 * during that call).
 */
const runSiteTimersWith = (ahead: number, conversationId: string, meanwhile: () => Promise<void>) =>
  runInDurableObject<WithTimers & SiteEnv, void>(site() as unknown as DurableObjectStub, async (instance) => {
    const restore = wrapConversationCalls(
      instance,
      "answeredCallsBetween",
      async (real) => {
        const landing = meanwhile;
        meanwhile = async () => {};
        await landing();
        return real();
      },
      conversationId,
    );
    try {
      await instance.timers.run(Date.now() + ahead);
    } finally {
      restore();
    }
  });

type WithMailer = DurableObject & { host: { mailer: { provider?: () => EmailProvider } } };

/** An email provider that can go down and recover: MailChannels' API at the receiver's `/outage/<name>/`. */
interface Outage {
  down(): Promise<void>;
  up(): Promise<void>;
  /** The kinds of the emails the provider took for `to`, in the order it took them. */
  delivered(to: string): Promise<string[]>;
}

/** Runs `body` with the Site sending its email through an `Outage`, then puts its usual provider back. */
async function withOutage(body: (outage: Outage) => Promise<void>): Promise<void> {
  const name = `mailchannels-${crypto.randomUUID().slice(0, 8)}`;
  const send = `${RECEIVER}/outage/${name}/tx/v1/send`;
  const toggle = async (down: boolean) => {
    await fetch(`${RECEIVER}/_outage?name=${name}&down=${down ? 1 : 0}`, { method: "POST" });
  };
  const outage: Outage = {
    down: () => toggle(true),
    up: () => toggle(false),
    async delivered(to) {
      const log = (await (await fetch(`${RECEIVER}/_log?path=/outage/${name}/`)).json()) as any[];
      const kindOf = new Map((await mails(to)).map((m) => [m.subject, m.kind]));
      return log
        .filter((r) => r.status === 200)
        .map((r) => JSON.parse(r.body))
        .filter((b) => b.personalizations[0].to[0].email === to)
        .map((b) => kindOf.get(b.subject) ?? b.subject);
    },
  };
  await runInDurableObject<WithMailer, void>(site() as unknown as DurableObjectStub, (instance) => {
    instance.host.mailer.provider = () =>
      mailchannelsProvider({ apiKey: "mc-test-key", fetch: (_url, init) => fetch(send, init) });
  });
  try {
    await body(outage);
  } finally {
    await outage.up();
    await runInDurableObject<WithMailer, void>(site() as unknown as DurableObjectStub, (instance) => {
      delete instance.host.mailer.provider; // the Mailer's own again
    });
  }
}

beforeAll(async () => {
  await createSite(SITE);
  cookie = await login(SITE);
  await expectJson(
    call("PUT", "/appointments/settings", cookie, { enabled: true, hours: HOURS, slotMinutes: 30 }),
    200,
  );
  await expectJson(call("PUT", "/bot/settings", cookie, { enabled: true, name: "Shop bot" }), 200);
  await expectJson(call("PUT", "/bot/scenario", cookie, SCENARIO), 200);
});

describe("booking through the bot", () => {
  it("asks for the email, offers free slots in the visitor's zone and language, refuses a taken one with fresh slots, books", async () => {
    const trail = { pages: [{ url: "https://shop.example/lamp", at: 1 }] };
    const grant = await startSession(SITE, { locale: "ru", timezone: "Asia/Tokyo", trail });
    const tab = await visitorSocket(grant);
    await tab.hello();
    expect((await tab.next("message")).message).toMatchObject({ text: "Здравствуйте!", meta: { step: "hello" } });
    tab.send({ type: "bot", action: "button", step: "hello", index: 0 });
    expect((await tab.next("message")).message.text).toBe("Записаться на видеоконсультацию");
    expect((await tab.next("message")).message).toMatchObject({
      author: { kind: "bot" },
      text: "Выберите время:\nНа какой email прислать подтверждение?",
      meta: { step: "book", field: "email" },
    });
    await tab.say("не почта");
    expect((await tab.next("message")).message.meta).toMatchObject({ bot: "invalid", field: "email" });
    await tab.say("olga@example.com");
    const offer = (await tab.next("message")).message;
    expect(offer.meta.slots).toHaveLength(6);
    expect(offer.meta.buttons).toEqual(offer.meta.slots.map((s: number) => slotLabel(s, "ru", "Asia/Tokyo")));
    expect(offer.text).toBe("Выберите время (по вашему часовому поясу):");

    // Someone else takes the first offered slot meanwhile.
    const first = offer.meta.slots[0] as number;
    const other = await site().bookAppointment(
      { visitorId: "v-other", conversationId: null },
      { start: first, email: "x@example.com" },
    );
    expect("appointment" in other).toBe(true);
    tab.send({ type: "bot", action: "button", step: "book", index: 0 });
    expect((await tab.next("message")).message).toMatchObject({
      author: { kind: "visitor" },
      text: offer.meta.buttons[0],
    });
    const fresh = (await tab.next("message")).message;
    expect(fresh.text).toBe("Это время только что заняли. Свободные окна:");
    expect(fresh.meta.slots).not.toContain(first);

    // A stale button (the first offer) is refused without changing anything.
    tab.send({ type: "bot", action: "button", step: "hello", index: 0 });
    expect((await tab.next("error")).code).toBe("stale_step");

    tab.send({ type: "bot", action: "button", step: "book", index: 1 });
    await tab.next("message"); // the visitor's choice
    const done = (await tab.next("message")).message;
    expect(done.text).toBe(`Записали на ${fresh.meta.buttons[1]}. Подтверждение отправлено на olga@example.com.`);
    expect((await tab.next("message")).message.text).toBe("До встречи!");

    const list = (await expectJson(call("GET", "/appointments", cookie), 200)).appointments;
    const mine = list.find((a: any) => a.email === "olga@example.com");
    expect(mine).toMatchObject({
      start: fresh.meta.slots[1],
      conversationId: grant.conversationId,
      lang: "ru",
      timezone: "Asia/Tokyo",
    });

    // The confirmation: Russian, times in the visitor's zone, the .ics in UTC with the booking's UID.
    const [confirmation] = await mails("olga@example.com");
    expect(confirmation.kind).toBe("appointment-confirmation");
    expect(confirmation.subject).toMatch(/^Записано: видеоконсультация/);
    expect(confirmation.message.text).toContain("(Asia/Tokyo)");
    const invite = text(ics(confirmation));
    expect(invite).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(invite).toContain("\r\nMETHOD:REQUEST\r\n");
    expect(invite).toContain(`\r\nUID:${mine.id}@shop.example\r\n`);
    expect(invite).toContain(`\r\nDTSTART:${utc(mine.start)}\r\n`);
    expect(invite).toContain(`\r\nDTEND:${utc(mine.end)}\r\n`);
    expect(utc(mine.start)).toMatch(/^\d{8}T\d{6}Z$/);
    expect(invite).toContain("ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:olga@example.com");
    for (const line of invite.split("\r\n")) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    // The thread tells the operators.
    await eventually(async () => expect(await threadEvents(grant.conversationId)).toEqual(["booked"]));
  });
});

describe("the email's links and the timers", () => {
  async function bookOne(email: string, page?: string) {
    const grant = await startSession(SITE, { locale: "en", timezone: "America/New_York" });
    // The visitor's widget is connected, as when they book from it.
    const tab = await visitorSocket(grant);
    await tab.hello();
    const { slots } = (await site().freeSlots()) as { slots: { start: number }[] };
    const slot = slots.find((s) => s.start > Date.now() + 3 * 3_600_000)!;
    const booked = await site().bookAppointment(
      { visitorId: grant.visitorId, conversationId: grant.conversationId },
      { start: slot.start, email, lang: "en", timezone: "America/New_York", ...(page ? { page } : {}) },
    );
    if ("error" in booked) throw new Error(booked.error.message);
    return { ...booked, grant, slots, tab };
  }

  it("moves a booking from the link (a forged one is refused), with a new invitation; the join link opens the shop page ready", async () => {
    const { appointment, manageToken, slots } = await bookOne("max@example.com", "https://shop.example/p/lamp?c=1#top");
    const [confirmation] = await mails("max@example.com");
    expect(confirmation.message.text).toContain("https://shop.example/p/lamp?c=1&edgechat=video");
    expect(text(ics(confirmation))).toContain("URL:https://shop.example/p/lamp?c=1&edgechat=video");

    const page = await SELF.fetch(`${BASE}/api/v1/appointments/${SITE}/${appointment.id}?token=${manageToken}`);
    const html = await page.text();
    expect(html).toContain('<select name="start">');
    expect(html).not.toContain("<script");
    const target = slots.find((s) => s.start > appointment.start + 86_400_000)!.start;
    const forged = await SELF.fetch(`${BASE}/api/v1/appointments/${SITE}/${appointment.id}/move`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: "forged-token", start: target }),
    });
    expect((await expectJson(forged, 403)).error.code).toBe("invalid_link");
    const moved = await SELF.fetch(`${BASE}/api/v1/appointments/${SITE}/${appointment.id}/move`, {
      method: "POST",
      body: new URLSearchParams({ token: manageToken, start: String(target) }),
    });
    expect(moved.status).toBe(200);
    expect(await moved.text()).toContain("Booked for");
    const free = ((await site().freeSlots()) as { slots: { start: number }[] }).slots.map((s) => s.start);
    expect(free).toContain(appointment.start);
    expect(free).not.toContain(target);
    const [, movedMail] = await mails("max@example.com");
    expect(movedMail.kind).toBe("appointment-moved");
    const invite = text(ics(movedMail));
    expect(invite).toContain(`UID:${appointment.id}@`);
    expect(invite).toContain("\r\nSEQUENCE:1\r\n");
    expect(invite).toContain(`\r\nDTSTART:${utc(target)}\r\n`);
  });

  it("reminds before the slot and records a no-show after it (time made, not waited for); an operator cancels", async () => {
    const { appointment, grant } = await bookOne("nina@example.com");
    const toStart = appointment.start - Date.now();
    await runSiteTimers(toStart - 60 * 60_000 + 1_000);
    expect((await mails("nina@example.com")).map((m) => m.kind)).toEqual([
      "appointment-confirmation",
      "appointment-reminder",
    ]);
    await runSiteTimers(appointment.end - Date.now() + 11 * 60_000);
    await eventually(async () => expect(await threadEvents(grant.conversationId)).toEqual(["booked", "no_show"]));

    const second = await bookOne("ivan@example.com");
    const res = await expectJson(call("POST", `/appointments/${second.appointment.id}/cancel`, cookie), 200);
    expect(res.appointment.status).toBe("cancelled");
    const [, cancelled] = await mails("ivan@example.com");
    expect(cancelled.kind).toBe("appointment-cancelled");
    expect(text(ics(cancelled))).toContain("\r\nMETHOD:CANCEL\r\n");
  });

  it("keeps a booking cancelled while its outcome is checked: no attended or no-show is recorded after the cancel", async () => {
    const { appointment, manageToken, grant } = await bookOne("rita@example.com");
    await runSiteTimersWith(appointment.end - Date.now() + 11 * 60_000, grant.conversationId, async () => {
      await expectJson(call("POST", `/appointments/${appointment.id}/cancel`, cookie), 200);
    });
    expect(await site().appointmentForLink(appointment.id, manageToken)).toMatchObject({
      status: "cancelled",
      outcome: null,
    });
    await eventually(async () => expect(await threadEvents(grant.conversationId)).toContain("cancelled"));
    await new Promise((r) => setTimeout(r, 300)); // an outcome's note would land within this
    expect(await threadEvents(grant.conversationId)).toEqual(["booked", "cancelled"]);
  });

  it("checks a booking moved while its old slot's outcome is checked in its new slot, not the old one", async () => {
    const { appointment, manageToken, grant } = await bookOne("oleg@example.com");
    const { slots } = (await site().freeSlots()) as { slots: { start: number }[] };
    const target = slots.find((s) => s.start > appointment.start + 86_400_000)!.start;
    await runSiteTimersWith(appointment.end - Date.now() + 11 * 60_000, grant.conversationId, async () => {
      const moved = await site().moveAppointment(appointment.id, manageToken, target);
      expect(moved).toMatchObject({ start: target });
    });
    expect(await site().appointmentForLink(appointment.id, manageToken)).toMatchObject({
      status: "booked",
      start: target,
      outcome: null,
    });
    await eventually(async () => expect(await threadEvents(grant.conversationId)).toContain("moved"));
    await new Promise((r) => setTimeout(r, 300)); // an outcome's note would land within this
    expect(await threadEvents(grant.conversationId)).toEqual(["booked", "moved"]);
    // The new slot is checked after it ends.
    await runSiteTimers(target + 30 * 60_000 - Date.now() + 11 * 60_000);
    await eventually(async () =>
      expect(await threadEvents(grant.conversationId)).toEqual(["booked", "moved", "no_show"]),
    );
  });
});

describe("a booking while the visitor is erased", () => {
  it("is refused while the erasure is under way: no booking and no confirmation outlive it", async () => {
    const grant = await startSession(SITE, { locale: "en", timezone: "America/New_York" });
    const tab = await visitorSocket(grant);
    await tab.hello();
    await tab.say("I would like a consultation");
    await eventually(async () => expect(await site().hasConversation(grant.conversationId)).toBe(true));
    const { slots } = (await site().freeSlots()) as { slots: { start: number }[] };
    const slot = slots.find((s) => s.start > Date.now() + 3 * 3_600_000)!;
    // The Site's erasure waits in its call to the conversation (flags, not promises: the two
    // sides run in different contexts), and the booking (the bot's slot click) lands then.
    const pause = { erasing: false, over: false };
    let restore = () => {};
    await runInDurableObject<DurableObject & SiteEnv, void>(site() as unknown as DurableObjectStub, (instance) => {
      restore = wrapConversationCalls(instance, "erase", async (real) => {
        pause.erasing = true;
        while (!pause.over) await new Promise((r) => setTimeout(r, 10));
        return real();
      });
    });
    try {
      const erasing = call("POST", `/contacts/${grant.visitorId}/erase`, cookie, { confirm: grant.visitorId });
      await eventually(() => expect(pause.erasing).toBe(true));
      const booked = await site().bookAppointment(
        { visitorId: grant.visitorId, conversationId: grant.conversationId },
        { start: slot.start, email: "being-erased@example.com", lang: "en", timezone: "America/New_York" },
      );
      pause.over = true;
      await expectJson(erasing, 200);
      expect("error" in booked && booked.error.code).toBe("visitor_erased");
      expect(await mails("being-erased@example.com")).toEqual([]);
    } finally {
      pause.over = true;
      await runInDurableObject<DurableObject & SiteEnv, void>(site() as unknown as DurableObjectStub, () => restore());
    }
  });

  it("is refused just after the erasure finished too: a slot click already on its way books nothing", async () => {
    const grant = await startSession(SITE, { locale: "en", timezone: "America/New_York" });
    const tab = await visitorSocket(grant);
    await tab.hello();
    await tab.say("Book me in, please");
    await eventually(async () => expect(await site().hasConversation(grant.conversationId)).toBe(true));
    const { slots } = (await site().freeSlots()) as { slots: { start: number }[] };
    const slot = slots.find((s) => s.start > Date.now() + 3 * 3_600_000)!;
    await expectJson(call("POST", `/contacts/${grant.visitorId}/erase`, cookie, { confirm: grant.visitorId }), 200);
    const booked = await site().bookAppointment(
      { visitorId: grant.visitorId, conversationId: grant.conversationId },
      { start: slot.start, email: "just-erased@example.com", lang: "en", timezone: "America/New_York" },
    );
    expect("error" in booked && booked.error.code).toBe("visitor_erased");
    expect(await mails("just-erased@example.com")).toEqual([]);
    expect((await site().upcomingAppointments()).some((a) => a.email === "just-erased@example.com")).toBe(false);
  });
});

describe("emails about a booking while the email provider fails", () => {
  async function bookOne(email: string) {
    const grant = await startSession(SITE, { locale: "en", timezone: "America/New_York" });
    const { slots } = (await site().freeSlots()) as { slots: { start: number }[] };
    const slot = slots.find((s) => s.start > Date.now() + 3 * 3_600_000)!;
    const booked = await site().bookAppointment(
      { visitorId: grant.visitorId, conversationId: grant.conversationId },
      { start: slot.start, email, lang: "en", timezone: "America/New_York" },
    );
    if ("error" in booked) throw new Error(booked.error.message);
    return { ...booked, slots };
  }
  const states = async (to: string) => (await mails(to)).map((m) => [m.kind, m.status]);

  it("does not send a confirmation still waiting for the provider once the visitor cancelled; the cancellation goes", async () => {
    await withOutage(async (outage) => {
      await outage.down();
      const { appointment, manageToken } = await bookOne("lena@example.com");
      expect(await states("lena@example.com")).toEqual([["appointment-confirmation", "retrying"]]);

      await outage.up();
      const cancelled = await SELF.fetch(`${BASE}/api/v1/appointments/${SITE}/${appointment.id}`, {
        method: "POST",
        body: new URLSearchParams({ token: manageToken }),
      });
      expect(cancelled.status).toBe(200);
      await runSiteTimers(31_000); // the confirmation's retry is due
      expect(await outage.delivered("lena@example.com")).toEqual(["appointment-cancelled"]);
      const [confirmation, cancellation] = await mails("lena@example.com");
      expect(confirmation).toMatchObject({
        kind: "appointment-confirmation",
        status: "withdrawn",
        attempts: 1,
        lastError: "the booking was cancelled before this email went out",
      });
      expect(cancellation).toMatchObject({ kind: "appointment-cancelled", status: "sent" });
    });
  });

  it("does not send a reminder of the old time still waiting for the provider once the booking moved; the confirmation already sent stays sent", async () => {
    await withOutage(async (outage) => {
      const { appointment, manageToken, slots } = await bookOne("paul@example.com");
      await outage.down();
      await runSiteTimers(appointment.start - Date.now() - 60 * 60_000 + 1_000); // the reminder is due
      expect(await states("paul@example.com")).toEqual([
        ["appointment-confirmation", "sent"],
        ["appointment-reminder", "retrying"],
      ]);

      await outage.up();
      const target = slots.find((s) => s.start > appointment.start + 86_400_000)!.start;
      const moved = await SELF.fetch(`${BASE}/api/v1/appointments/${SITE}/${appointment.id}/move`, {
        method: "POST",
        body: new URLSearchParams({ token: manageToken, start: String(target) }),
      });
      expect(moved.status).toBe(200);
      await runSiteTimers(31_000); // the reminder's retry is due
      expect(await outage.delivered("paul@example.com")).toEqual(["appointment-confirmation", "appointment-moved"]);
      const [confirmation, reminder, movedMail] = await mails("paul@example.com");
      expect(confirmation).toMatchObject({ kind: "appointment-confirmation", status: "sent", attempts: 1 });
      expect(reminder).toMatchObject({
        kind: "appointment-reminder",
        status: "withdrawn",
        lastError: "the booking was moved before this email went out",
      });
      expect(movedMail).toMatchObject({ kind: "appointment-moved", status: "sent" });
    });
  });

  it("tells the thread booked before cancelled when an operator cancels while the confirmation is still with the provider", async () => {
    // A flag, not a promise: the test and the Site run in different contexts.
    const provider = { slow: true };
    const release = () => {
      provider.slow = false;
    };
    await runInDurableObject<WithMailer, void>(site() as unknown as DurableObjectStub, (instance) => {
      instance.host.mailer.provider = () => ({
        name: "mailchannels",
        // The confirmation waits on a slow provider; the cancellation after it goes at once.
        send: async (msg) => {
          while (msg.subject.startsWith("Booked") && provider.slow) await new Promise((r) => setTimeout(r, 10));
          return { id: crypto.randomUUID() };
        },
      });
    });
    try {
      const grant = await startSession(SITE, { locale: "en", timezone: "America/New_York" });
      const tab = await visitorSocket(grant);
      await tab.hello();
      const { slots } = (await site().freeSlots()) as { slots: { start: number }[] };
      const slot = slots.find((s) => s.start > Date.now() + 3 * 3_600_000)!;
      const booking = site().bookAppointment(
        { visitorId: grant.visitorId, conversationId: grant.conversationId },
        { start: slot.start, email: "vera@example.com", lang: "en", timezone: "America/New_York" },
      );
      let bookedId = "";
      await eventually(async () => {
        const row = (await site().upcomingAppointments()).find((a) => a.email === "vera@example.com");
        expect(row).toBeTruthy();
        bookedId = row!.id;
      });
      await expectJson(call("POST", `/appointments/${bookedId}/cancel`, cookie), 200);
      release();
      expect("error" in (await booking)).toBe(false);
      await eventually(async () => expect(await threadEvents(grant.conversationId)).toEqual(["booked", "cancelled"]));
      tab.close();
    } finally {
      release();
      await runInDurableObject<WithMailer, void>(site() as unknown as DurableObjectStub, (instance) => {
        delete instance.host.mailer.provider;
      });
    }
  });
});
