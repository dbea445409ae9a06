import { SELF, env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { call, expectJson } from "./admin-helpers";
import { BASE, ORIGIN, createSite, login, startSession } from "./helpers";

const SITE = "booking-shop";
const OFF_SITE = "booking-off-shop";
let cookie: string;

const DAY = [{ from: "09:00", to: "17:00" }];
const HOURS = {
  timezone: "Europe/Berlin",
  week: { mon: DAY, tue: DAY, wed: DAY, thu: DAY, fri: DAY, sat: DAY, sun: DAY },
};

beforeAll(async () => {
  await createSite(SITE);
  cookie = await login(SITE);
  await expectJson(
    call("PUT", "/appointments/settings", cookie, { enabled: true, hours: HOURS, slotMinutes: 30 }),
    200,
  );
  await createSite(OFF_SITE);
});

function site(key = SITE) {
  return env.SITE.get(env.SITE.idFromName(key));
}

async function visitorFetch(site: string, path: string, init: RequestInit = {}) {
  const grant = await startSession(site);
  return SELF.fetch(
    `${BASE}/api/v1/conversations/${grant.conversationId}/appointments${path}?token=${encodeURIComponent(grant.visitorToken)}`,
    {
      ...init,
      headers: { Origin: ORIGIN, "Content-Type": "application/json", ...(init.headers ?? {}) },
    },
  );
}

async function freeSlots(): Promise<{ start: number; end: number }[]> {
  return (await expectJson(visitorFetch(SITE, "/slots"), 200)).slots;
}

describe("appointments", () => {
  it("offers 30-minute slots inside consultation hours, from 30 minutes ahead, in the site's zone", async () => {
    const slots = await freeSlots();
    expect(slots.length).toBeGreaterThan(100);
    const now = Date.now();
    for (const s of slots.slice(0, 40)) {
      expect(s.end - s.start).toBe(30 * 60_000);
      expect(s.start).toBeGreaterThanOrEqual(now + 30 * 60_000 - 5_000);
      const hour = Number(
        new Intl.DateTimeFormat("en", { hour: "2-digit", hourCycle: "h23", timeZone: "Europe/Berlin" }).format(s.start),
      );
      expect(hour).toBeGreaterThanOrEqual(9);
      expect(hour).toBeLessThan(17);
    }
  });

  it("books a slot once even when two visitors click it at the same moment", async () => {
    const [slot] = (await freeSlots()).slice(-1);
    const body = (email: string) => JSON.stringify({ start: slot!.start, email });
    const answers = await Promise.all([
      visitorFetch(SITE, "", { method: "POST", body: body("ann@example.com") }),
      visitorFetch(SITE, "", { method: "POST", body: body("bob@example.com") }),
    ]);
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409]);
    const refused = (await answers.find((r) => r.status === 409)!.json()) as any;
    expect(refused.error).toMatchObject({ code: "slot_taken", fields: { start: expect.any(String) } });
    const booked = (await answers.find((r) => r.status === 201)!.json()) as any;
    expect(booked.appointment).toMatchObject({ start: slot!.start, status: "booked" });
    expect(JSON.stringify(booked)).not.toMatch(/token/i);
    expect((await freeSlots()).some((s) => s.start === slot!.start)).toBe(false);
    const list = await expectJson(call("GET", "/appointments", cookie), 200);
    expect(list.appointments.filter((a: any) => a.start === slot!.start)).toHaveLength(1);
  });

  it("refuses past slots, starts that are not slots, bad emails, and shops without bookings", async () => {
    const [slot] = await freeSlots();
    const post = (body: unknown, key = SITE) => visitorFetch(key, "", { method: "POST", body: JSON.stringify(body) });
    expect((await expectJson(post({ start: Date.now() - 3_600_000, email: "a@example.com" }), 400)).error.code).toBe(
      "slot_past",
    );
    expect((await expectJson(post({ start: slot!.start + 60_000, email: "a@example.com" }), 400)).error.code).toBe(
      "not_a_slot",
    );
    expect((await expectJson(post({ start: slot!.start, email: "nope" }), 400)).error.fields).toHaveProperty("email");
    expect((await expectJson(post({ start: slot!.start, email: "a@example.com" }, OFF_SITE), 403)).error.code).toBe(
      "appointments_disabled",
    );
    expect((await expectJson(visitorFetch(OFF_SITE, "/slots"), 403)).error.code).toBe("appointments_disabled");
    expect(
      (
        await expectJson(
          call("PUT", "/appointments/settings", cookie, { enabled: true, hours: HOURS, slotMinutes: 5 }),
          400,
        )
      ).error.fields,
    ).toHaveProperty("slotMinutes");
  });

  it("emails a confirmation, reminds an hour before (time made, not waited for), and cancels only with the link's token", async () => {
    const slots = await freeSlots();
    const slot = slots.find((s) => s.start > Date.now() + 3 * 3_600_000)!;
    const booked = await site().bookAppointment(
      { visitorId: "v-remind", conversationId: null },
      { start: slot.start, email: "cleo@example.com" },
    );
    if ("error" in booked) throw new Error(booked.error.message);
    const id = booked.appointment.id;
    const outbox = async () =>
      (await site().outbox(50)).filter((m: any) => m.to === "cleo@example.com").map((m: any) => m.kind);
    expect(await outbox()).toEqual(["appointment-confirmation"]);

    const stub = site();
    const due = await runInDurableObject(
      stub,
      (_i, s) =>
        s.storage.sql
          .exec<{ due: number }>("SELECT due FROM timers WHERE kind = 'appointment-reminder' AND key = ?", id)
          .one().due,
    );
    expect(due).toBe(slot.start - 3_600_000);
    await runInDurableObject(
      stub,
      (_i, s) =>
        void s.storage.sql.exec(
          "UPDATE timers SET due = ? WHERE kind = 'appointment-reminder' AND key = ?",
          Date.now() - 1,
          id,
        ),
    );
    await runDurableObjectAlarm(stub);
    expect((await outbox()).sort()).toEqual(["appointment-confirmation", "appointment-reminder"]);

    const forgedPage = await SELF.fetch(`${BASE}/api/v1/appointments/${SITE}/${id}?token=forged`);
    expect(forgedPage.status).toBe(403);
    expect(await forgedPage.text()).not.toContain("<select");
    const forged = await SELF.fetch(`${BASE}/api/v1/appointments/${SITE}/${id}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: "forged" }),
    });
    expect((await expectJson(forged, 403)).error.code).toBe("invalid_link");
    expect((await freeSlots()).some((s) => s.start === slot.start)).toBe(false);

    const page = await SELF.fetch(`${BASE}/api/v1/appointments/${SITE}/${id}?token=${booked.manageToken}`);
    expect(page.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
    expect(await page.text()).toContain(`value="${booked.manageToken}"`);
    const cancelled = await SELF.fetch(`${BASE}/api/v1/appointments/${SITE}/${id}`, {
      method: "POST",
      body: new URLSearchParams({ token: booked.manageToken }),
    });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.text()).toContain("is cancelled");
    expect((await freeSlots()).some((s) => s.start === slot.start)).toBe(true);
  });
});
