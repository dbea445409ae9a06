import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Timers } from "../../worker/lib/timers";
import { createSite, login, noAutoReplies, operatorSocket, startSession, visitorSocket } from "./helpers";

/** A Conversation object to host the timers table (its schema has one). */
async function objectWithTimers() {
  await createSite(`t-${crypto.randomUUID().slice(0, 8)}`).catch(() => {});
  const stub = env.CONVERSATION.get(env.CONVERSATION.newUniqueId());
  return stub;
}

describe("timers: many jobs on one alarm", () => {
  it("arms the alarm for the earliest job, runs due jobs once, and clears the alarm when none is left", async () => {
    const stub = await objectWithTimers();
    const ran: string[] = [];
    await runInDurableObject(stub, async (_i, state) => {
      const timers = new Timers(state.storage, { ping: (p) => void ran.push(p.name) });
      const now = Date.now();
      await timers.set("ping", now + 60_000, { name: "later" }, "b");
      await timers.set("ping", now + 30_000, { name: "sooner" }, "a");
      expect(await state.storage.getAlarm()).toBe(now + 30_000);
      await timers.run(now + 30_000);
      expect(ran).toEqual(["sooner"]);
      expect(await state.storage.getAlarm()).toBe(now + 60_000);
      await timers.run(now + 30_000); // an alarm delivered twice does nothing more
      expect(ran).toEqual(["sooner"]);
      await timers.cancel("ping", "b");
      expect(await state.storage.getAlarm()).toBeNull();
    });
  });

  it("moves a timer when it is set again, and retries a failing job with backoff", async () => {
    const stub = await objectWithTimers();
    await runInDurableObject(stub, async (_i, state) => {
      let calls = 0;
      const timers = new Timers(state.storage, {
        flaky: () => {
          calls++;
          if (calls === 1) throw new Error("provider down");
        },
      });
      const now = Date.now();
      await timers.set("flaky", now + 1000);
      await timers.set("flaky", now + 2000);
      expect(timers.list()).toHaveLength(1);
      await timers.run(now + 2000);
      expect(timers.get("flaky")).toMatchObject({ attempts: 1, due: now + 2000 + 10_000 });
      await timers.run(now + 12_000);
      expect(calls).toBe(2);
      expect(timers.list()).toEqual([]);
    });
  });

  it("keeps a timer set again while its handler runs, and runs it again", async () => {
    const stub = await objectWithTimers();
    await runInDurableObject(stub, async (_i, state) => {
      let release!: () => void;
      const sending = new Promise<void>((r) => (release = r));
      const runs: string[] = [];
      const timers = new Timers(state.storage, {
        mail: async (p) => {
          runs.push(p.batch);
          if (p.batch === "first") await sending; // the email provider takes its time
        },
      });
      const now = Date.now();
      await timers.set("mail", now, { batch: "first" });
      const run = timers.run(now);
      await new Promise((r) => setTimeout(r, 10));
      // Asked meanwhile (a second answer posted): the running timer is not one that is set.
      expect(timers.get("mail")).toBeNull();
      await timers.set("mail", now, { batch: "second" }); // even for the same instant
      release();
      await run;
      expect(timers.get("mail")).toMatchObject({ payload: { batch: "second" } });
      await timers.run(now);
      expect(runs).toEqual(["first", "second"]);
      expect(timers.list()).toEqual([]);
    });
  });

  it("leaves an idle conversation with no alarm once nothing is due", async () => {
    await createSite("idle-shop");
    const cookie = await login("idle-shop");
    await noAutoReplies(cookie);
    const grant = await startSession("idle-shop");
    const tab = await visitorSocket(grant);
    await tab.hello();
    await tab.say("hi");
    const op = await operatorSocket(cookie, grant.conversationId);
    await op.hello();
    await op.say("hello!");
    await tab.next("message");
    tab.close();
    op.close();
    const stub = env.CONVERSATION.get(env.CONVERSATION.idFromString(grant.conversationId));
    expect(await runInDurableObject(stub, (_i, state) => state.storage.getAlarm())).toBeNull();
    expect(await runDurableObjectAlarm(stub)).toBe(false);
  });
});
