/**
 * A batch of news leaves 1.5 s after its first line; what happened in the conversation
 * meanwhile decides whether it still goes: an operator away hears nothing of a visitor a
 * colleague has already answered or taken; an operator whose admin has gone silent (a tab
 * frozen in the background, a laptop asleep: no ping for long) is away, not at the admin.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { siteStub } from "../../worker/lib/jurisdiction";
import { addOperator, call, deviceKeys, expectJson } from "./admin-helpers";
import {
  type Client,
  createSite,
  eventually,
  login,
  noAutoReplies,
  openSocket,
  operatorSocket,
  startSession,
  visitorSocket,
} from "./helpers";

const RECEIVER = (inject as (key: string) => string)("receiverUrl");
const SITE = "notify-batch";

let owner: string;
let colleague: { cookie: string; id: string };

const site = () => siteStub(env, SITE) as unknown as DurableObjectStub;

/** How many pushes the device `device` received (the receiver's log). */
async function pushesTo(device: string): Promise<number> {
  const log = (await (await fetch(`${RECEIVER}/_log?path=/push/${device}`)).json()) as unknown[];
  return log.length;
}

/** A visitor writes; returns once their news is queued for the owner, with the batch held back. */
async function visitorWrites(text: string) {
  const grant = await startSession(SITE);
  const tab = await visitorSocket(grant);
  await tab.hello();
  await tab.say(text);
  await eventually(() =>
    runInDurableObject(site(), (_i, state) => {
      const n = state.storage.sql
        .exec<{ n: number }>("SELECT COUNT(*) AS n FROM notify_pending WHERE conversation_id = ?", grant.conversationId)
        .one().n;
      expect(n).toBeGreaterThan(0);
      // Held until the test lets it go, so what happens meanwhile happens inside the batch's wait.
      state.storage.sql.exec("UPDATE timers SET due = ? WHERE kind = 'notify-batch'", Date.now() + 3_600_000);
    }),
  );
  return { grant, tab };
}

/** Waits until the Site's inbox shows `check` for the conversation, then lets the batch leave. */
async function batchLeavesOnce(conversationId: string, check: (entry: any) => void) {
  await eventually(() =>
    runInDurableObject(site(), (_i, state) => {
      const raw = state.storage.sql
        .exec<{ entry: string }>("SELECT entry FROM inbox WHERE id = ?", conversationId)
        .one().entry;
      check(JSON.parse(raw));
    }),
  );
  await runInDurableObject(site(), (_i, state) => {
    state.storage.sql.exec("UPDATE timers SET due = ? WHERE kind = 'notify-batch'", Date.now() - 1);
  });
  await runDurableObjectAlarm(site());
}

beforeAll(async () => {
  await createSite(SITE);
  owner = await login(SITE);
  await noAutoReplies(owner);
  colleague = await addOperator(SITE, owner, "operator");
});

describe("a batch of news", () => {
  it("reaches the operator away when nobody answered meanwhile", async () => {
    const device = `${SITE}-unanswered`;
    await expectJson(
      call("POST", "/push/subscriptions", owner, { endpoint: `${RECEIVER}/push/${device}`, keys: await deviceKeys() }),
      201,
    );
    const { grant, tab } = await visitorWrites("Is the blue one in stock?");
    await batchLeavesOnce(grant.conversationId, (entry) => expect(entry.lastMessage.author).toBe("visitor"));
    await eventually(async () => expect(await pushesTo(device)).toBe(1));
    tab.close();
    await expectJson(call("DELETE", "/push/subscriptions", owner, { endpoint: `${RECEIVER}/push/${device}` }), 200);
  });

  it("is not pushed for a visitor a colleague answered before it left", async () => {
    const device = `${SITE}-answered`;
    await expectJson(
      call("POST", "/push/subscriptions", owner, { endpoint: `${RECEIVER}/push/${device}`, keys: await deviceKeys() }),
      201,
    );
    const { grant, tab } = await visitorWrites("Do you ship to Riga?");
    const answering = await operatorSocket(colleague.cookie, grant.conversationId);
    await answering.hello();
    await answering.say("Yes, in three days.");
    await batchLeavesOnce(grant.conversationId, (entry) => expect(entry.lastMessage.author).toBe("operator"));
    expect(await pushesTo(device)).toBe(0);
    answering.close();
    tab.close();
    await expectJson(call("DELETE", "/push/subscriptions", owner, { endpoint: `${RECEIVER}/push/${device}` }), 200);
  });

  it("is not pushed to an operator once a colleague took the conversation", async () => {
    const device = `${SITE}-taken`;
    await expectJson(
      call("POST", "/push/subscriptions", owner, { endpoint: `${RECEIVER}/push/${device}`, keys: await deviceKeys() }),
      201,
    );
    const { grant, tab } = await visitorWrites("Can someone help me with a return?");
    await expectJson(
      call("POST", `/conversations/${grant.conversationId}/assign`, colleague.cookie, { operatorId: colleague.id }),
      200,
    );
    await batchLeavesOnce(grant.conversationId, (entry) => expect(entry.assignee).toBe(colleague.id));
    expect(await pushesTo(device)).toBe(0);
    tab.close();
    await expectJson(call("DELETE", "/push/subscriptions", owner, { endpoint: `${RECEIVER}/push/${device}` }), 200);
  });

  it("is not pushed while the operator's admin is open and alive", async () => {
    const device = `${SITE}-at-admin`;
    const endpoint = `${RECEIVER}/push/${device}`;
    await expectJson(call("POST", "/push/subscriptions", owner, { endpoint, keys: await deviceKeys() }), 201);
    const admin = (await openSocket("/api/v1/admin/ws", { Cookie: owner })) as Client;
    admin.send("ping");
    await admin.next("presence");
    const { grant, tab } = await visitorWrites("Anyone there?");
    await batchLeavesOnce(grant.conversationId, (entry) => expect(entry.lastMessage.author).toBe("visitor"));
    expect(await pushesTo(device)).toBe(0);
    tab.close();
    admin.close();
    await expectJson(call("DELETE", "/push/subscriptions", owner, { endpoint }), 200);
  });

  it("reaches an operator whose admin went silent: a tab frozen in the background, a laptop asleep", async () => {
    const device = `${SITE}-asleep`;
    const endpoint = `${RECEIVER}/push/${device}`;
    await expectJson(call("POST", "/push/subscriptions", owner, { endpoint, keys: await deviceKeys() }), 201);
    const admin = (await openSocket("/api/v1/admin/ws", { Cookie: owner })) as Client;
    admin.send("ping");
    await admin.next("presence");
    const { grant, tab } = await visitorWrites("Hello? Is anybody there?");
    // The socket is still open, but its last ping was ten minutes ago.
    await runInDurableObject(site(), (_i, state) => {
      for (const ws of state.getWebSockets("operator")) {
        const attachment = ws.deserializeAttachment() as Record<string, unknown>;
        ws.serializeAttachment({ ...attachment, heardAt: Date.now() - 10 * 60_000 });
      }
    });
    await batchLeavesOnce(grant.conversationId, (entry) => expect(entry.lastMessage.author).toBe("visitor"));
    await eventually(async () => expect(await pushesTo(device)).toBe(1));
    tab.close();
    admin.close();
  });

  it("is not pushed again, after the push service failed, once a colleague has answered", async () => {
    const device = "outage/push-service/answered-later";
    const endpoint = `${RECEIVER}/${device}`;
    await expectJson(call("POST", "/push/subscriptions", owner, { endpoint, keys: await deviceKeys() }), 201);
    await fetch(`${RECEIVER}/_outage?name=push-service&down=1`, { method: "POST" });
    const { grant, tab } = await visitorWrites("Can I still change my order?");
    await batchLeavesOnce(grant.conversationId, (entry) => expect(entry.lastMessage.author).toBe("visitor"));
    const tries = async () => (await (await fetch(`${RECEIVER}/_log?path=/${device}`)).json()) as { status: number }[];
    expect((await tries()).map((t) => t.status)).toEqual([503]);

    const answering = await operatorSocket(colleague.cookie, grant.conversationId);
    await answering.hello();
    await answering.say("Yes, until it ships.");
    await fetch(`${RECEIVER}/_outage?name=push-service&down=0`, { method: "POST" });
    await eventually(() =>
      runInDurableObject(site(), (_i, state) => {
        const raw = state.storage.sql
          .exec<{ entry: string }>("SELECT entry FROM inbox WHERE id = ?", grant.conversationId)
          .one().entry;
        expect(JSON.parse(raw).lastMessage.author).toBe("operator");
        state.storage.sql.exec("UPDATE timers SET due = ? WHERE kind = 'push-retry'", Date.now() - 1);
      }),
    );
    await runDurableObjectAlarm(site());
    expect((await tries()).map((t) => t.status)).toEqual([503]);
    answering.close();
    tab.close();
    await expectJson(call("DELETE", "/push/subscriptions", owner, { endpoint }), 200);
  });
});
