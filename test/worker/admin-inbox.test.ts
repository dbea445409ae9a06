import { env, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ORIGIN,
  createSite,
  eventually,
  login,
  openSocket,
  operatorSocket,
  startSession,
  visitorSocket,
  type Client,
} from "./helpers";
import { PREVIEW_LINK_MS } from "../../worker/conversation/preview-link";
import { encodePreview, PREVIEW_SOCKET_PATH, PREVIEWS_NOT_WANTED } from "../../worker/lib/inbox-preview";
import { siteStub } from "../../worker/lib/jurisdiction";
import { CROWD_OF_NEW_CONVERSATIONS, PREVIEWS_RESUME_AFTER_MS } from "../../worker/site/inbox";
import { CONVERSATION_GONE, type InboxEntry } from "../../worker/protocol";
import { inboxEntry } from "../../worker/protocol/inbox-entry.fixture";
import { addOperator, call, expectJson } from "./admin-helpers";

const SITE = "inbox-shop";
let owner: string;
let operator: { cookie: string; id: string };

beforeAll(async () => {
  await createSite(SITE);
  owner = await login(SITE);
  operator = await addOperator(SITE, owner, "operator", "Olga");
});

async function newVisitor(site = SITE, body: Record<string, unknown> = {}) {
  const grant = await startSession(site, body);
  const tab = await visitorSocket(grant);
  await tab.hello();
  return { grant, tab };
}

async function entryOf(id: string, cookie = owner) {
  const list = (await expectJson(call("GET", "/conversations", cookie), 200)).conversations;
  return list.find((e: any) => e.id === id);
}

describe("internal notes", () => {
  it("reach operators only and never a visitor's welcome", async () => {
    const { grant, tab } = await newVisitor();
    await tab.say("Where is my order?");
    const op1 = await operatorSocket(owner, grant.conversationId);
    const op2 = await operatorSocket(operator.cookie, grant.conversationId);
    await op1.hello();
    await op2.hello();
    op1.send({ type: "note", clientId: "n-1", text: "<b>VIP</b> customer, refund ok" });
    expect((await op1.next("ack")).clientId).toBe("n-1");
    const seen = (await op2.next("message")).message;
    expect(seen).toMatchObject({
      text: "<b>VIP</b> customer, refund ok",
      author: { kind: "operator", id: expect.any(String) },
      meta: { internal: true },
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(JSON.stringify(tab.frames)).not.toContain("VIP");

    const welcome = await tab.hello(0);
    expect(welcome.messages.map((m: any) => m.text)).toContain("Where is my order?");
    expect(JSON.stringify(welcome)).not.toContain("VIP");
    const opWelcome = await op2.hello(0);
    expect(opWelcome.messages.filter((m: any) => m.meta?.internal).map((m: any) => m.text)).toEqual([
      "<b>VIP</b> customer, refund ok",
    ]);

    // A note is not an answer: the visitor is still waiting.
    await eventually(async () =>
      expect((await entryOf(grant.conversationId))?.lastSeq).toBeGreaterThanOrEqual(seen.seq),
    );
    expect((await entryOf(grant.conversationId)).waitingSince).toBeGreaterThan(0);
    op1.send({ type: "note", clientId: "n-1", text: "again" });
    expect((await op1.next("ack")).seq).toBe(seen.seq);
  });

  it("cannot be sent by a visitor, nor empty", async () => {
    const { grant, tab } = await newVisitor();
    tab.send({ type: "note", clientId: "v-1", text: "sneaky" });
    expect((await tab.next("error")).code).toBe("bad_frame");
    await tab.say("hi");
    const op = await operatorSocket(owner, grant.conversationId);
    await op.hello();
    op.send({ type: "note", clientId: "n-2", text: "   " });
    expect((await op.next("error")).code).toBe("empty_text");
    op.send({ type: "note", text: "no id" });
    expect((await op.next("error")).message).toMatch(/^note: clientId/);
  });
});

describe("resolve, reopen, assign", () => {
  it("change the conversation and every operator's inbox live", async () => {
    const { grant, tab } = await newVisitor();
    await tab.say("hello?");
    const inbox = (await openSocket("/api/v1/admin/ws", { Cookie: operator.cookie })) as Client;
    await inbox.next("inbox");
    const id = grant.conversationId;

    const assigned = await expectJson(
      call("POST", `/conversations/${id}/assign`, owner, { operatorId: operator.id }),
      200,
    );
    expect(assigned.conversation).toMatchObject({ id, assignee: operator.id });
    await eventually(async () =>
      expect(inbox.frames.some((f) => f.type === "conversation" && f.conversation.assignee === operator.id)).toBe(true),
    );

    const resolved = await expectJson(call("POST", `/conversations/${id}/resolve`, operator.cookie), 200);
    expect(resolved.conversation).toMatchObject({ status: "resolved", waitingSince: null });
    expect(resolved.conversation.resolvedAt).toBeGreaterThan(0);
    await eventually(async () =>
      expect(inbox.frames.some((f) => f.type === "conversation" && f.conversation.status === "resolved")).toBe(true),
    );
    expect((await tab.hello(0)).conversation.status).toBe("resolved");

    const reopened = await expectJson(call("POST", `/conversations/${id}/reopen`, owner), 200);
    expect(reopened.conversation).toMatchObject({ status: "open", resolvedAt: null });
    await eventually(async () => expect((await entryOf(id))?.status).toBe("open"));

    const dep = (await expectJson(call("POST", "/departments", owner, { name: "Billing", operatorIds: [] }), 201))
      .department;
    const toDep = await expectJson(
      call("POST", `/conversations/${id}/assign`, operator.cookie, { operatorId: null, departmentId: dep.id }),
      200,
    );
    expect(toDep.conversation).toMatchObject({ assignee: null, department: dep.id });
    inbox.close();
  });

  it("names what is wrong with an assign request", async () => {
    const { grant, tab } = await newVisitor();
    await tab.say("x");
    const id = grant.conversationId;
    expect((await expectJson(call("POST", `/conversations/${id}/assign`, owner, {}), 400)).error.fields._).toMatch(
      /operatorId/,
    );
    expect(
      (await expectJson(call("POST", `/conversations/${id}/assign`, owner, { operatorId: "op_nobody" }), 404)).error
        .code,
    ).toBe("unknown_operator");
    expect(
      (await expectJson(call("POST", `/conversations/${id}/assign`, owner, { departmentId: "dep_x" }), 404)).error.code,
    ).toBe("unknown_department");
    const foreign = "0".repeat(64);
    expect((await expectJson(call("POST", `/conversations/${foreign}/resolve`, owner), 404)).error.code).toBe(
      "not_found",
    );
    expect((await call("POST", `/conversations/${env.CONVERSATION.newUniqueId()}/resolve`, owner)).status).toBe(404);
  });

  it("keeps operators of another site out with 403", async () => {
    await createSite("inbox-rival");
    const rival = await login("inbox-rival");
    const { grant, tab } = await newVisitor();
    await tab.say("private");
    const id = grant.conversationId;
    for (const path of [`/conversations/${id}/resolve`, `/conversations/${id}/reopen`]) {
      expect((await expectJson(call("POST", path, rival), 403)).error.code).toBe("forbidden");
    }
    const rivalOp = (await expectJson(call("GET", "/me", rival), 200)).operator.id;
    expect((await call("POST", `/conversations/${id}/assign`, rival, { operatorId: rivalOp })).status).toBe(403);
    expect((await call("GET", `/conversations/${id}/visitor`, rival)).status).toBe(403);
    expect((await expectJson(call("GET", `/search?q=private`, rival), 200)).conversations).toEqual([]);
    expect(
      (await call("POST", `/conversations/${id}/resolve`, owner, undefined, { Origin: "https://evil.example" })).status,
    ).toBe(403);
    await eventually(async () => expect((await entryOf(id))?.status).toBe("open"));
  });
});

describe("visitor card and search", () => {
  it("shows contact, place, device, trail and previous conversations", async () => {
    const trail = {
      landing: "https://shop.example/?utm_source=<script>alert(1)</script>",
      referrer: "https://search.example/",
      utm: { source: "<img src=x onerror=alert(1)>", campaign: "spring" },
      pages: [{ url: "https://shop.example/p/1", title: "<b>Boots</b>", at: Date.now() }],
    };
    const { grant, tab } = await newVisitor(SITE, { trail, locale: "de-DE", timezone: "Europe/Berlin" });
    const site = env.SITE.get(env.SITE.idFromName(SITE));
    await site.startSession({
      origin: ORIGIN,
      visitorId: grant.visitorId,
      conversationId: grant.conversationId,
      client: {
        country: "DE",
        city: "Berlin",
        userAgent:
          "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
      },
    });
    tab.send({ type: "contact", email: "vis@example.com" });
    await tab.say("Die Stiefel in Größe 44?");
    const { visitor } = await expectJson(
      call("GET", `/conversations/${grant.conversationId}/visitor`, operator.cookie),
      200,
    ).catch(async () => {
      await eventually(async () => expect(await entryOf(grant.conversationId)).toBeTruthy());
      return expectJson(call("GET", `/conversations/${grant.conversationId}/visitor`, operator.cookie), 200);
    });
    expect(visitor).toMatchObject({
      visitorId: grant.visitorId,
      email: "vis@example.com",
      country: "DE",
      city: "Berlin",
      locale: "de-DE",
      timezone: "Europe/Berlin",
      device: { kind: "mobile", browser: "Safari 17", os: "iOS" },
      trail,
      previous: [],
    });
  });

  it("finds conversations by text in any case, by name and by email", async () => {
    const { grant, tab } = await newVisitor(SITE, { trail: {} });
    await tab.say("Есть ли РАЗМЕР XL?");
    await eventually(async () => {
      const found = (await expectJson(call("GET", `/search?q=${encodeURIComponent("размер xl")}`, owner), 200))
        .conversations;
      expect(found.map((e: any) => e.id)).toContain(grant.conversationId);
    });
    tab.send({ type: "contact", email: "findme@example.com" });
    await eventually(async () => {
      const found = (await expectJson(call("GET", "/search?q=FINDME", operator.cookie), 200)).conversations;
      expect(found.map((e: any) => e.id)).toEqual([grant.conversationId]);
    });
    expect((await expectJson(call("GET", "/search?q=%25", owner), 200)).conversations).toEqual([]);
    // Long queries, and ones that needed escaping in a LIKE pattern, are plain searches.
    for (const q of ["a".repeat(200), "_".repeat(60), "é".repeat(60)]) {
      expect((await expectJson(call("GET", `/search?q=${encodeURIComponent(q)}`, owner), 200)).conversations).toEqual(
        [],
      );
    }
    expect((await expectJson(call("GET", `/search?q=${"x".repeat(201)}`, owner), 400)).error.code).toBe(
      "invalid_query",
    );
  });
});

describe("search after a message is deleted", () => {
  it("no longer finds a conversation by the text of a message an operator deleted", async () => {
    const { grant, tab } = await newVisitor(SITE, { trail: {} });
    const seq = await tab.say("my card is 4929 1234 5678 9012, exp 09/29");
    await eventually(async () => {
      const found = (await expectJson(call("GET", "/search?q=4929%201234", owner), 200)).conversations;
      expect(found.map((e: any) => e.id)).toEqual([grant.conversationId]);
    });
    await tab.say("oops, should I not have sent that?");
    await expectJson(call("DELETE", `/conversations/${grant.conversationId}/messages/${seq}`, owner), 200);
    expect((await expectJson(call("GET", "/search?q=4929%201234", owner), 200)).conversations).toEqual([]);
    // What is still in the conversation is still found.
    await eventually(async () => {
      const found = (await expectJson(call("GET", "/search?q=should%20i%20not", owner), 200)).conversations;
      expect(found.map((e: any) => e.id)).toEqual([grant.conversationId]);
    });
  });
});

describe("an operator's welcome", () => {
  it("carries the conversation's inbox entry as it is now; a visitor's never does", async () => {
    const { grant, tab } = await newVisitor(SITE, { trail: {} });
    await tab.say("is the walnut table still on sale?");
    tab.send({ type: "contact", email: "walnut@example.com" });
    const op = await operatorSocket(owner, grant.conversationId);
    const welcome = await op.hello();
    expect(welcome.entry).toMatchObject({
      id: grant.conversationId,
      email: "walnut@example.com",
      status: "open",
      unread: 1,
      lastMessage: { text: "is the walnut table still on sale?" },
    });
    expect(welcome.entry.activity).toBeUndefined();
    expect((await tab.hello()).entry).toBeUndefined();
  });
});

describe("an erased conversation", () => {
  it("closes operators' sockets with 4004, and tells one that comes back the same", async () => {
    const { grant, tab } = await newVisitor(SITE, { trail: {} });
    await tab.say("please erase everything about me");
    await eventually(async () => expect(await entryOf(grant.conversationId)).toBeTruthy());
    const op = await operatorSocket(owner, grant.conversationId);
    await op.hello();
    const list = (await openSocket("/api/v1/admin/ws", { Cookie: owner })) as Client;
    await list.next("inbox");
    await expectJson(call("POST", `/contacts/${grant.visitorId}/erase`, owner, { confirm: grant.visitorId }), 200);
    await eventually(() => expect([op.closeCode, tab.closeCode]).toEqual([CONVERSATION_GONE, CONVERSATION_GONE]));
    expect((await list.next("erased")).conversationIds).toEqual([grant.conversationId]);
    const back = await operatorSocket(owner, grant.conversationId);
    await eventually(() => expect(back.closeCode).toBe(CONVERSATION_GONE));
    expect(back.frames).toEqual([]);
    list.close();
  });
});

describe("the inbox row after a message is deleted", () => {
  it("shows the newest line still there, not an empty one", async () => {
    const { grant, tab } = await newVisitor(SITE, { trail: {} });
    await tab.say("do you ship to Norway?");
    const slip = await tab.say("my password is hunter2");
    await eventually(async () =>
      expect((await entryOf(grant.conversationId))?.lastMessage?.text).toBe("my password is hunter2"),
    );
    await expectJson(call("DELETE", `/conversations/${grant.conversationId}/messages/${slip}`, owner), 200);
    await eventually(async () =>
      expect((await entryOf(grant.conversationId))?.lastMessage).toMatchObject({
        text: "do you ship to Norway?",
        author: "visitor",
      }),
    );
  });

  it("no longer count a visitor's message an operator deleted", async () => {
    const { grant, tab } = await newVisitor(SITE, { trail: {} });
    const spam = await tab.say("BUY CHEAP WATCHES http://spam.example");
    await tab.say("sorry, my little brother typed that; where is order 5120?");
    await eventually(async () => expect((await entryOf(grant.conversationId))?.unread).toBe(2));
    await expectJson(call("DELETE", `/conversations/${grant.conversationId}/messages/${spam}`, owner), 200);
    await eventually(async () => expect((await entryOf(grant.conversationId))?.unread).toBe(1));
  });
});

describe("the inbox list between summaries", () => {
  /** The `conversation` frames a socket got for `id`, by the last seq they show. */
  const framesFor = (socket: Client, id: string) =>
    socket.frames.filter((f) => f.type === "conversation" && f.conversation.id === id).map((f) => f.conversation);

  it("shows every message at once, and the stored summary that follows is not sent again", async () => {
    // The list is open before the chat starts, so the Site's first answer asks for previews.
    const list = (await openSocket("/api/v1/admin/ws", { Cookie: owner })) as Client;
    await list.next("inbox");
    const { grant, tab } = await newVisitor();
    const id = grant.conversationId;
    const first = await tab.say("first");
    await eventually(async () => expect(framesFor(list, id).map((e) => e.lastSeq)).toContain(first));
    await new Promise((r) => setTimeout(r, 50));

    // Within the gap the Site named, later messages reach the list as previews...
    const second = await tab.say("second");
    const third = await tab.say("third, <b>not markup</b>");
    await eventually(async () => expect(framesFor(list, id).map((e) => e.lastSeq)).toContain(third), 500);
    const shown = framesFor(list, id).find((e) => e.lastSeq === third);
    expect(shown).toMatchObject({ unread: 3, lastMessage: { seq: third, text: "third, <b>not markup</b>" } });
    expect(shown).not.toHaveProperty("activity");
    expect(framesFor(list, id).map((e) => e.lastSeq)).toContain(second);
    // ...while the stored list still holds the first summary.
    expect((await entryOf(id))?.lastSeq).toBe(first);

    // An operator opening the admin now is greeted with what the others see.
    const late = (await openSocket("/api/v1/admin/ws", { Cookie: operator.cookie })) as Client;
    const greeting = await late.next("inbox");
    expect(greeting.conversations.find((e: any) => e.id === id)).toMatchObject({ lastSeq: third, rev: shown.rev });

    // The summary is stored after the gap at the rev the preview showed, and not sent again.
    await eventually(async () => expect((await entryOf(id))?.lastSeq).toBe(third), 3000);
    expect((await entryOf(id))?.rev).toBe(shown.rev);
    await new Promise((r) => setTimeout(r, 100));
    expect(framesFor(list, id).filter((e) => e.lastSeq === third)).toHaveLength(1);
    expect(framesFor(late, id)).toEqual([]);
    list.close();
    late.close();
  });
});

describe("previews", () => {
  const BUSY = "busy-shop";
  const entry = (id: string, lastSeq: number): InboxEntry =>
    inboxEntry({
      id,
      visitorId: `v_${id.slice(0, 8)}`,
      lastMessage: { seq: lastSeq, text: `message ${lastSeq}`, author: "visitor", at: Date.now() },
      lastSeq,
      unread: lastSeq,
      rev: lastSeq,
    });
  const frameOf = (e: InboxEntry) => JSON.stringify({ type: "conversation", conversation: e });
  const previewOf = (e: InboxEntry) => ({ id: e.id, rev: e.rev, lastSeq: e.lastSeq, frame: frameOf(e) });

  /**
   * 3,000 messages within a second, as ten conversations' summaries report them (a
   * conversation's first summary counts as one message: the Site did not know it before).
   * Their summaries then stand at seq 302.
   */
  async function rush(site: ReturnType<typeof siteStub>, ids: string[], thenWaitMs = 1000) {
    await Promise.all(ids.map((id) => site.conversationChanged(entry(id, 2))));
    await Promise.all(ids.map((id) => site.conversationChanged(entry(id, 302))));
    await new Promise((r) => setTimeout(r, thenWaitMs));
  }

  /** A preview socket as a Conversation opens it, with the code it was closed with. */
  async function previewSocket(site: ReturnType<typeof siteStub>) {
    const res = await site.fetch(`https://site${PREVIEW_SOCKET_PATH}`, { headers: { Upgrade: "websocket" } });
    const ws = res.webSocket!;
    ws.accept();
    const link = { ws, closedWith: null as number | null };
    ws.addEventListener("close", (e) => {
      link.closedWith = e.code;
    });
    return link;
  }
  const previewSockets = (site: ReturnType<typeof siteStub>) =>
    runInDurableObject(site as unknown as DurableObjectStub, (_site, state) => state.getWebSockets("preview").length);

  it("are asked for while someone has the admin open and the site is not taking hundreds of messages a second", async () => {
    await createSite(BUSY);
    const cookie = await login(BUSY);
    const site = siteStub(env, BUSY);
    const ids = Array.from({ length: 10 }, () => env.CONVERSATION.newUniqueId().toString());

    expect((await site.conversationChanged(entry(ids[0]!, 1))).previews).toBe(false); // nobody looking
    const list = (await openSocket("/api/v1/admin/ws", { Cookie: cookie })) as Client;
    await list.next("inbox");
    expect((await site.conversationChanged(entry(ids[0]!, 2))).previews).toBe(true);

    await rush(site, ids);
    expect((await site.conversationChanged(entry(ids[0]!, 303))).previews).toBe(false);
    // A conversation still sending previews hears it in the preview's answer.
    const preview = (e: InboxEntry) => site.conversationPreview(previewOf(e));
    expect(await preview(entry(ids[2]!, 310))).toBe(false);

    // Calm again: a second on, the conversations' summaries bring a message each; previews
    // come back once the site has stayed calm for PREVIEWS_RESUME_AFTER_MS.
    await new Promise((r) => setTimeout(r, 1100));
    const early = await Promise.all(ids.map((id) => site.conversationChanged(entry(id, 304))));
    expect(early.at(-1)!.previews).toBe(false);
    await new Promise((r) => setTimeout(r, PREVIEWS_RESUME_AFTER_MS - 1000));
    const answers = await Promise.all(ids.map((id) => site.conversationChanged(entry(id, 305))));
    expect(answers.at(-1)!.previews).toBe(true);
    expect(await preview(entry(ids[3]!, 306))).toBe(true);
    list.close();
  });

  it("are not asked of a crowd of conversations starting at once, before their messages show the rush", async () => {
    const CROWD = "crowd-shop";
    await createSite(CROWD);
    const cookie = await login(CROWD);
    const site = siteStub(env, CROWD);
    const list = (await openSocket("/api/v1/admin/ws", { Cookie: cookie })) as Client;
    await list.next("inbox");
    const newIds = (n: number) => Array.from({ length: n }, () => env.CONVERSATION.newUniqueId().toString());

    // As many starting together as the limit: one message each is no rush, previews come.
    const first = await Promise.all(
      newIds(CROWD_OF_NEW_CONVERSATIONS).map((id) => site.conversationChanged(entry(id, 1))),
    );
    expect(first.every((answer) => answer.previews)).toBe(true);
    // One more within a quarter second is a crowd: it and the ones already known hear so.
    const [late] = newIds(1);
    expect((await site.conversationChanged(entry(late!, 1))).previews).toBe(false);
    expect(await site.conversationPreview(previewOf(entry(late!, 2)))).toBe(false);
    list.close();
  });

  it("of a conversation that previews often travel on one socket, closed a second after its last", async () => {
    const list = (await openSocket("/api/v1/admin/ws", { Cookie: owner })) as Client;
    await list.next("inbox");
    const { grant, tab } = await newVisitor();
    const id = grant.conversationId;
    const site = siteStub(env, SITE);
    const presenceFrames = () => list.frames.filter((f) => f.type === "presence").length;
    const presenceBefore = presenceFrames();
    // The first summary's answer asks for previews; the messages after it are previewed.
    const seqs = [await tab.say("one")];
    await eventually(async () => expect(list.frames.some((f) => f.conversation?.id === id)).toBe(true));
    await new Promise((r) => setTimeout(r, 50));
    for (const text of ["two", "three", "four", "five"]) seqs.push(await tab.say(text));
    // The list has the last of them (a preview made while the socket opened gives way to a
    // newer one) long before the stored summary, which still holds the first.
    const shownUpTo = () =>
      Math.max(...list.frames.filter((f) => f.conversation?.id === id).map((f) => f.conversation.lastSeq));
    await eventually(() => expect(shownUpTo()).toBe(seqs.at(-1)), 500);
    expect((await entryOf(id))?.lastSeq).toBe(seqs[0]);
    expect(await previewSockets(site)).toBe(1);

    // Quiet for a second: the socket is closed, so the conversation can hibernate.
    await eventually(async () => expect(await previewSockets(site)).toBe(0), PREVIEW_LINK_MS + 2000);
    const more = await tab.say("six");
    await eventually(async () =>
      expect(list.frames.some((f) => f.conversation?.id === id && f.conversation.lastSeq === more)).toBe(true),
    );
    // It is no operator: neither its coming nor its going told operators anything of presence.
    await new Promise((r) => setTimeout(r, 100));
    expect(presenceFrames()).toBe(presenceBefore);
    list.close();
    tab.ws.close();
  });

  it("stop when the Site closes a conversation's socket for them", async () => {
    await createSite("rushed-shop");
    const cookie = await login("rushed-shop");
    const site = siteStub(env, "rushed-shop");
    const list = (await openSocket("/api/v1/admin/ws", { Cookie: cookie })) as Client;
    await list.next("inbox");
    const { grant, tab } = await newVisitor("rushed-shop");
    const id = grant.conversationId;
    const shown = () => list.frames.filter((f) => f.conversation?.id === id).map((f) => f.conversation.lastSeq);
    // Within one summary gap: the first message is summarized, the next open the socket.
    await tab.say("one");
    await eventually(() => expect(shown()).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 50));
    await tab.say("two");
    const three = await tab.say("three");
    await eventually(async () => expect(await previewSockets(site)).toBe(1), 500);
    await eventually(() => expect(shown()).toContain(three), 500);

    // A rush elsewhere on the site: the next preview is shown, and its socket closed...
    await rush(
      site,
      Array.from({ length: 10 }, () => env.CONVERSATION.newUniqueId().toString()),
      0,
    );
    const four = await tab.say("four");
    await eventually(async () => expect(await previewSockets(site)).toBe(0), 500);
    // ...and the conversation opens no other for the message after it, which waits for
    // the summary (whose answer says no previews either).
    const five = await tab.say("five");
    await new Promise((r) => setTimeout(r, 150));
    expect(await previewSockets(site)).toBe(0);
    expect(shown()).not.toContain(five);
    await eventually(() => expect(Math.max(...shown())).toBe(five), 3000);
    expect(four).toBeLessThan(five);
    list.close();
    tab.ws.close();
  });

  it("over a socket are shown to operators, and a busy site closes it to stop them", async () => {
    const site = siteStub(env, BUSY);
    const cookie = await login(BUSY);
    const list = (await openSocket("/api/v1/admin/ws", { Cookie: cookie })) as Client;
    await list.next("inbox");
    const ids = Array.from({ length: 10 }, () => env.CONVERSATION.newUniqueId().toString());
    const link = await previewSocket(site);
    const calm = entry(ids[0]!, 5);
    link.ws.send(encodePreview(previewOf(calm)));
    expect((await list.next("conversation")).conversation).toMatchObject({ id: calm.id, lastSeq: 5 });

    await rush(site, ids);
    const busy = entry(ids[1]!, 310);
    link.ws.send(encodePreview(previewOf(busy)));
    await eventually(() => expect(link.closedWith).toBe(PREVIEWS_NOT_WANTED));
    list.close();
  });

  it("on a socket must be previews, and only a preview socket's are taken as one", async () => {
    await createSite("calm-shop");
    const site = siteStub(env, "calm-shop");
    const cookie = await login("calm-shop");
    const list = (await openSocket("/api/v1/admin/ws", { Cookie: cookie })) as Client;
    await list.next("inbox");
    const id = env.CONVERSATION.newUniqueId().toString();
    const forged = entry(id, 7);

    // An operator's admin socket is no way in: a preview sent on it shows nothing...
    const other = (await openSocket("/api/v1/admin/ws", { Cookie: cookie })) as Client;
    await other.next("inbox");
    other.send(encodePreview(previewOf(forged)));
    await new Promise((r) => setTimeout(r, 200));
    expect(list.frames.filter((f) => f.type === "conversation")).toEqual([]);
    // ...where the same on a preview socket would.
    const link = await previewSocket(site);
    link.ws.send(encodePreview(previewOf(forged)));
    expect((await list.next("conversation")).conversation).toMatchObject({ id, lastSeq: 7 });

    for (const bad of [
      "not a preview",
      `${id} -1 7\n${frameOf(forged)}`,
      `${id} 7 7\n<b>html</b>`,
      `${id} NaN 7\n{}`,
      `${id} 7\n${frameOf(forged)}`,
    ]) {
      const link = await previewSocket(site);
      link.ws.send(bad);
      await eventually(() => expect(link.closedWith).toBe(1007));
    }
    const binary = await previewSocket(site);
    binary.ws.send(new TextEncoder().encode(encodePreview(previewOf(forged))));
    await eventually(() => expect(binary.closedWith).toBe(1007));
    expect(list.frames.filter((f) => f.type === "conversation")).toEqual([]);
    list.close();
    other.close();
  });
});
