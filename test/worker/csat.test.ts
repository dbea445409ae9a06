import { beforeAll, describe, expect, it } from "vitest";
import { localDay } from "../../worker/reports";
import { call, expectJson } from "./admin-helpers";
import { createSite, eventually, login, noAutoReplies, operatorSocket, startSession, visitorSocket } from "./helpers";

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
