import { SELF, env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { nextDigestAt } from "../../worker/reports";
import { digestToken, sendDigest } from "../../worker/site/reports/digest";
import { call, expectJson } from "./admin-helpers";
import { BASE, createSite, eventually, login, noAutoReplies, startSession, visitorSocket } from "./helpers";

const SITE = "digest-shop";
let owner: string;
const site = () => env.SITE.get(env.SITE.idFromName(SITE)) as DurableObjectStub;

beforeAll(async () => {
  await createSite(SITE); // Europe/Berlin
  owner = await login(SITE);
  await noAutoReplies(owner);
});

async function digests(): Promise<any[]> {
  return (await expectJson(call("GET", "/outbox", owner), 200)).messages.filter((m: any) => m.kind === "digest");
}

/** Runs the digest as the timer would on the Monday after today (time made, not waited for). */
async function mondayDigest(): Promise<void> {
  const monday = nextDigestAt("Europe/Berlin", Date.now());
  await runInDurableObject(site(), (instance) => sendDigest((instance as any).host, monday));
}

describe("weekly digest", () => {
  it("is armed by the first conversation for Monday 08:00 local, sends nothing after a quiet week, and is armed again for the week's conversation", async () => {
    const due = () =>
      runInDurableObject(
        site(),
        (_i, s) => s.storage.sql.exec("SELECT due FROM timers WHERE kind = 'reports.digest'").toArray()[0]?.due ?? null,
      );
    expect(await due()).toBeNull();
    const tab = await visitorSocket(await startSession(SITE));
    await tab.hello();
    await tab.say("Do you sell gift cards?");
    tab.close();
    await eventually(async () => expect(await due()).toBe(nextDigestAt("Europe/Berlin", Date.now())));
    // The alarm at its due time now: last week (before today's) had no conversation.
    await runInDurableObject(
      site(),
      (_i, s) => void s.storage.sql.exec("UPDATE timers SET due = ? WHERE kind = 'reports.digest'", Date.now() - 1),
    );
    const fired = Date.now();
    await runDurableObjectAlarm(site());
    expect(await digests()).toEqual([]);
    // Today's conversation armed nothing (the timer was armed): the next Monday reports it.
    expect(await due()).toBe(nextDigestAt("Europe/Berlin", fired));
  });

  it("emails each owner the week's figures, unless they unsubscribed with the link (on POST only)", async () => {
    const id = (await expectJson(call("GET", "/me", owner), 200)).operator.id;
    const t = await digestToken(env.TOKEN_SECRET, SITE, id);
    expect((await SELF.fetch(`${BASE}/api/v1/digest/unsubscribe?t=${t}`)).status).toBe(200);
    expect(await expectJson(call("GET", "/reports/digest", owner), 200)).toEqual({ subscribed: true });
    const forged = await digestToken("another-secret-of-forty-characters-0000000", SITE, id);
    const refused = await SELF.fetch(`${BASE}/api/v1/digest/unsubscribe`, {
      method: "POST",
      body: new URLSearchParams({ t: forged }),
    });
    expect(refused.status).toBe(400);
    const done = await SELF.fetch(`${BASE}/api/v1/digest/unsubscribe`, {
      method: "POST",
      body: new URLSearchParams({ t }),
    });
    expect(done.status).toBe(200);
    expect(await expectJson(call("GET", "/reports/digest", owner), 200)).toEqual({ subscribed: false });

    await mondayDigest();
    expect(await digests()).toEqual([]);

    const bad = await expectJson(call("PUT", "/reports/digest", owner, { subscribed: "yes" }), 400);
    expect(bad.error.message).toContain("subscribed is true or false");
    await expectJson(call("PUT", "/reports/digest", owner, { subscribed: true }), 200);
    await mondayDigest();
    const [mail] = await digests();
    expect(mail).toMatchObject({ to: "owner@shop.example", status: "outbox" });
    expect(mail.subject).toMatch(/: your chat week, \d{4}-\d\d-\d\d – \d{4}-\d\d-\d\d$/);
  });

  it("sends an owner a week's digest once, also when its timer runs again", async () => {
    expect(await digests()).toHaveLength(1);
    // Alarms are at-least-once: a Site restarted while the email was on its way runs the digest again.
    await mondayDigest();
    expect(await digests()).toHaveLength(1);
  });
});
