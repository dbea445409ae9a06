import { describe, expect, it } from "vitest";
import { defaultAutoReplySettings } from "./defaults";
import { chooseReply } from "./rules";
import { validateAutoReplySettings } from "./schema";

// January 2026: Mon 12, Sat 17, Mon 19. Moscow +3, Berlin +1, New York −5.
describe("defaultAutoReplySettings", () => {
  it.each(["ru", "en"] as const)("%s defaults pass validation unchanged", (locale) => {
    const settings = defaultAutoReplySettings(locale);
    expect(validateAutoReplySettings(settings)).toEqual({ ok: true, value: settings });
  });

  it("returns a fresh copy each time", () => {
    const a = defaultAutoReplySettings("en");
    a.schedule.week.mon.push({ from: "20:00", to: "21:00" });
    expect(a.schedule.week.tue).toHaveLength(2);
    expect(defaultAutoReplySettings("en").schedule.week.mon).toHaveLength(2);
  });

  it("picks the zone: the owner's when known, else by language", () => {
    expect(defaultAutoReplySettings("ru").schedule.timezone).toBe("Europe/Moscow");
    expect(defaultAutoReplySettings("en").schedule.timezone).toBe("Europe/Berlin");
    expect(defaultAutoReplySettings("en", "America/New_York").schedule.timezone).toBe("America/New_York");
    expect(defaultAutoReplySettings("ru", "Not/A_Zone").schedule.timezone).toBe("Europe/Moscow");
  });

  it("weekend, Russian visitor: promises Monday 09:00 and asks for the email", () => {
    // Sat 17 Jan 12:00 MSK = 09:00Z; opens Mon 19 09:00 MSK = 06:00Z
    const reply = chooseReply(defaultAutoReplySettings("ru"), {
      at: new Date("2026-01-17T09:00:00Z"),
      emailKnown: false,
      locale: "ru",
      visitorTimezone: "Europe/Moscow",
    });
    expect(reply).toMatchObject({
      period: "weekend",
      rule: { id: "off-hours", name: "Нерабочее время" },
      timeoutSec: 0,
      askEmail: true,
    });
    expect(reply.nextOpening?.toISOString()).toBe("2026-01-19T06:00:00.000Z");
    expect(reply.text).toBe(
      "Спасибо за сообщение! Сейчас мы не на связи; оператор ответит в понедельник в 09:00. Оставьте email — ответ придёт и на почту.",
    );
  });

  it("working hours, known visitor, an operator signed in: after 60 s, busy, no email question", () => {
    const reply = chooseReply(defaultAutoReplySettings("en"), {
      at: new Date("2026-01-12T09:00:00Z"), // Mon 10:00 CET
      emailKnown: true,
      locale: "en-GB",
      name: "Anna",
      operatorsOnline: true,
    });
    expect(reply).toMatchObject({ period: "work", rule: { id: "working-hours" }, timeoutSec: 60, askEmail: false });
    expect(reply.text).toBe(
      "Thanks for your message, Anna! All our operators are busy right now; one will answer here shortly, and we will copy the answer to your email.",
    );
  });

  it("working hours with nobody signed in: never 'all our operators are busy'", () => {
    const reply = chooseReply(defaultAutoReplySettings("en"), {
      at: new Date("2026-01-12T09:00:00Z"),
      emailKnown: false,
      locale: "en",
    });
    expect(reply.text).toBe(
      "Thanks for your message! Nobody is at the chat this minute; we will answer here as soon as someone is back. Leave your email so the answer reaches you even if you close this page.",
    );
    expect(reply.text).not.toContain("busy");
  });

  it("outside hours with an operator signed in: waits for the operator first, then says so", () => {
    const at = new Date("2026-01-12T19:00:00Z"); // Mon 20:00 CET, night
    const nobody = chooseReply(defaultAutoReplySettings("en"), { at, emailKnown: true, locale: "en" });
    expect(nobody).toMatchObject({ period: "night", timeoutSec: 0 });
    const someone = chooseReply(defaultAutoReplySettings("en"), {
      at,
      emailKnown: true,
      locale: "en",
      operatorsOnline: true,
    });
    expect(someone).toMatchObject({ period: "night", timeoutSec: 60 });
    expect(someone.text).toBe(
      "Thanks for your message! We are outside our hours and nobody could answer yet; an operator will answer tomorrow at 09:00, and we will send the answer to your email as well.",
    );
    const ru = chooseReply(defaultAutoReplySettings("ru"), {
      at,
      emailKnown: false,
      locale: "ru",
      operatorsOnline: true,
    });
    expect(ru.timeoutSec).toBe(60);
    expect(ru.text).toContain("Рабочее время закончилось");
  });

  it("lunch in Berlin, visitor in New York: the time is theirs", () => {
    // Mon 13:30 CET = 12:30Z; opens 14:00 CET = 13:00Z = 08:00 EST, and it is 07:30 there
    const reply = chooseReply(defaultAutoReplySettings("en"), {
      at: new Date("2026-01-12T12:30:00Z"),
      emailKnown: false,
      locale: "en",
      visitorTimezone: "America/New_York",
    });
    expect(reply.period).toBe("lunch");
    expect(reply.text).toBe(
      "Thanks for your message! We are away right now; an operator will answer today at 08:00. Leave your email and the answer will reach you by email too.",
    );
  });

  it.each([
    [
      "en",
      false,
      "Thanks for your message! Nobody is in the chat right now. Leave your email and we will answer by email as soon as we can.",
    ],
    ["ru", true, "Спасибо за сообщение! Сейчас в чате никого нет; мы ответим вам на почту, как только сможем."],
  ] as const)("never open (%s, email known %s): the answer comes by email", (locale, emailKnown, text) => {
    const defaults = defaultAutoReplySettings(locale);
    const settings = {
      ...defaults,
      schedule: {
        ...defaults.schedule,
        week: { ...defaults.schedule.week, mon: [], tue: [], wed: [], thu: [], fri: [] },
      },
    };
    const reply = chooseReply(settings, { at: new Date("2026-01-12T09:00:00Z"), emailKnown, locale });
    expect(reply).toMatchObject({ period: "weekend", nextOpening: null, text });
  });
});
