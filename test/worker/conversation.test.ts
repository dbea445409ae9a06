import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ConversationStore } from "../../worker/conversation/store";
import {
  createSite,
  eventually,
  login,
  noAutoReplies,
  openSocket,
  operatorSocket,
  startSession,
  visitorSocket,
  type Client,
} from "./helpers";

const SITE = "conv-shop";
let cookie: string;

beforeAll(async () => {
  await createSite(SITE);
  cookie = await login(SITE);
  await noAutoReplies(cookie);
});

/** A visitor with a fresh conversation and a socket that has said hello. */
async function newVisitor() {
  const grant = await startSession(SITE);
  const tab = await visitorSocket(grant);
  await tab.hello();
  return { grant, tab };
}

describe("conversation frames", () => {
  it("delivers visitor messages to other tabs and operators, and answers back", async () => {
    const { grant, tab } = await newVisitor();
    const tab2 = await visitorSocket(grant);
    await tab2.hello();
    const seq = await tab.say("Do you ship to Riga?");
    expect(seq).toBe(1);
    const op = await operatorSocket(cookie, grant.conversationId);
    const welcome = await op.hello();
    expect(welcome.messages.map((m: any) => m.text)).toEqual(["Do you ship to Riga?"]);
    const inTab2 = await tab2.next("message");
    expect(inTab2.message).toMatchObject({ seq: 1, text: "Do you ship to Riga?", author: { kind: "visitor" } });
    await tab.none("message");

    await op.say("Yes, in 3 days.");
    for (const t of [tab, tab2]) {
      const { message } = await t.next("message");
      expect(message).toMatchObject({
        seq: 2,
        text: "Yes, in 3 days.",
        author: { kind: "operator", name: OWNER_NAME },
      });
    }
  });

  it("lets every tab of a new conversation in when they connect at once, and keeps the conversation one", async () => {
    const grant = await startSession(SITE);
    const path = `/api/v1/conversations/${grant.conversationId}/ws?token=${encodeURIComponent(grant.visitorToken)}`;
    const opened = await Promise.all([1, 2, 3].map(() => openSocket(path)));
    const refused = opened.filter((c) => c instanceof Response).map((r) => (r as Response).status);
    expect(refused).toEqual([]);
    const [first, ...others] = opened as Client[];
    await Promise.all(opened.map((c) => (c as Client).hello()));
    const seq = await first!.say("Three tabs, one chat");
    expect(seq).toBe(1);
    for (const tab of others) expect((await tab.next("message")).message).toMatchObject({ seq: 1 });
  });

  it("acknowledges a resent clientId again and stores it once", async () => {
    const { tab } = await newVisitor();
    const first = await tab.say("hello", "c-1");
    const again = await tab.say("hello", "c-1");
    expect(again).toBe(first);
    const welcome = await tab.hello(0);
    expect(welcome.messages).toHaveLength(1);
  });

  it("acknowledges a clientId sent again after the object was evicted, and stores it once", async () => {
    const { grant, tab } = await newVisitor();
    const first = await tab.say("sent before the restart", "c-old");
    await tab.say("and another", "c-next");
    const stub = env.CONVERSATION.get(env.CONVERSATION.idFromString(grant.conversationId));
    await evictDurableObject(stub, { webSockets: "close" });
    // A client that never saw the ack sends it again on a new socket, to an object that
    // remembers nothing of it in memory.
    const again = await visitorSocket(grant);
    await again.hello(0);
    expect(await again.say("sent before the restart", "c-old")).toBe(first);
    expect(await again.say("after the restart", "c-new")).toBe(3);
    const welcome = await again.hello(0);
    expect(welcome.messages.map((m: any) => m.text)).toEqual([
      "sent before the restart",
      "and another",
      "after the restart",
    ]);
  });

  it("relays typing and read state between visitor and operator", async () => {
    const { grant, tab } = await newVisitor();
    await tab.say("anyone?");
    const op = await operatorSocket(cookie, grant.conversationId);
    await op.hello();
    tab.send({ type: "typing" });
    expect((await op.next("typing")).author).toEqual({ kind: "visitor" });
    op.send({ type: "typing" });
    expect((await tab.next("typing")).author).toEqual({ kind: "operator", name: OWNER_NAME });
    op.send({ type: "read", seq: 1 });
    expect(await tab.next("read")).toMatchObject({ seq: 1, by: "operator" });
    const welcome = await tab.hello(1);
    expect(welcome.conversation.readSeq).toEqual({ visitor: 1, operator: 1 });
  });

  it("does not show an operator their own typing in their other windows", async () => {
    const { grant, tab } = await newVisitor();
    await tab.say("hi, anyone?");
    const laptop = await operatorSocket(cookie, grant.conversationId);
    const phone = await operatorSocket(cookie, grant.conversationId);
    await laptop.hello();
    await phone.hello();
    laptop.send({ type: "typing" });
    expect((await tab.next("typing")).author).toEqual({ kind: "operator", name: OWNER_NAME });
    await laptop.say("hello from the laptop");
    expect((await phone.next("message")).message.text).toBe("hello from the laptop");
    expect(phone.frames.filter((f) => f.type === "typing")).toEqual([]);
  });

  it("resumes with hello {lastSeq}: exactly the missed messages, no gap, no duplicate", async () => {
    const { grant, tab } = await newVisitor();
    await tab.say("one");
    await tab.say("two");
    tab.close();
    const op = await operatorSocket(cookie, grant.conversationId);
    await op.hello();
    await op.say("three");
    await op.say("four");
    const back = await visitorSocket(grant);
    const welcome = await back.hello(2);
    expect(welcome.messages.map((m: any) => [m.seq, m.text])).toEqual([
      [3, "three"],
      [4, "four"],
    ]);
    expect(welcome.more).toBe(false);
    expect(welcome.conversation.lastSeq).toBe(4);
  });

  it("keeps history and live sockets across eviction (hibernation)", async () => {
    const { grant, tab } = await newVisitor();
    const op = await operatorSocket(cookie, grant.conversationId);
    await op.hello();
    await tab.say("before eviction");
    await op.next("message");
    const stub = env.CONVERSATION.get(env.CONVERSATION.idFromString(grant.conversationId));
    await evictDurableObject(stub);
    expect(await tab.say("after eviction")).toBe(2);
    expect((await op.next("message")).message.text).toBe("after eviction");
    const welcome = await tab.hello(0);
    expect(welcome.messages.map((m: any) => m.text)).toEqual(["before eviction", "after eviction"]);
  });

  it("answers the heartbeat's ping with pong on visitor and operator sockets, hibernated or not, and keeps chatting", async () => {
    const { grant, tab } = await newVisitor();
    const op = await operatorSocket(cookie, grant.conversationId);
    await op.hello();
    tab.send("ping");
    expect(await tab.next("pong")).toEqual({ type: "pong" });
    const stub = env.CONVERSATION.get(env.CONVERSATION.idFromString(grant.conversationId));
    await evictDurableObject(stub);
    op.send("ping");
    expect(await op.next("pong")).toEqual({ type: "pong" });
    tab.send("ping");
    expect(await tab.next("pong")).toEqual({ type: "pong" });
    // Only the exact text is the heartbeat: anything else is still a frame, refused as one.
    tab.send("ping ");
    expect((await tab.next("error")).code).toBe("bad_json");
    expect(await tab.say("still here")).toBe(1);
    expect((await op.next("message")).message.text).toBe("still here");
  });

  it("keeps history when the object is evicted with its sockets closed (restart)", async () => {
    const { grant, tab } = await newVisitor();
    await tab.say("first");
    const stub = env.CONVERSATION.get(env.CONVERSATION.idFromString(grant.conversationId));
    await evictDurableObject(stub, { webSockets: "close" });
    const again = await visitorSocket(grant);
    const welcome = await again.hello(0);
    expect(welcome.messages.map((m: any) => m.text)).toEqual(["first"]);
    expect(await again.say("second")).toBe(2);
  });

  it("pages a long history: more=true until the client has caught up", async () => {
    const { grant } = await newVisitor();
    const stub = env.CONVERSATION.get(env.CONVERSATION.idFromString(grant.conversationId));
    await runInDurableObject(stub as DurableObjectStub, (_instance, state) => {
      for (let i = 1; i <= 501; i++) {
        state.storage.sql.exec(
          "INSERT INTO messages (seq, author_kind, text, at) VALUES (?, 'visitor', ?, ?)",
          i,
          `m${i - 1}`,
          i,
        );
      }
    });
    const tab = await visitorSocket(grant);
    const page1 = await tab.hello(0);
    expect(page1.messages).toHaveLength(500);
    expect(page1.more).toBe(true);
    const page2 = await tab.hello(500);
    expect(page2.messages.map((m: any) => m.text)).toEqual(["m500"]);
    expect(page2.more).toBe(false);
  });

  it("stores the visitor's email from a contact frame and tells their tabs", async () => {
    const { grant, tab } = await newVisitor();
    tab.send({ type: "contact", email: "not-an-email" });
    expect(await tab.next("error")).toMatchObject({ code: "bad_frame", message: expect.stringContaining("email") });
    tab.send({ type: "contact", email: " ann@example.com " });
    expect(await tab.next("contact")).toEqual({ type: "contact", emailKnown: true, askEmail: false });
    const welcome = await tab.hello(0);
    expect(welcome.conversation.emailKnown).toBe(true);
    const site = env.SITE.get(env.SITE.idFromName(SITE));
    expect((await site.contactOf(grant.visitorId))?.email).toBe("ann@example.com");
  });
});

describe("bad frames", () => {
  const cases: Array<[string, unknown, string, string]> = [
    ["malformed JSON", "{not json", "bad_json", "not valid JSON"],
    ["unknown type", { type: "shout" }, "bad_frame", 'unknown frame type "shout"'],
    ["no type", { text: "hi" }, "bad_frame", "unknown frame type null"],
    ["empty text", { type: "message", clientId: "e1", text: "   " }, "empty_text", "empty"],
    [
      "text over 4,000 characters",
      { type: "message", clientId: "e2", text: "x".repeat(4001) },
      "text_too_long",
      "4000",
    ],
    ["missing clientId", { type: "message", text: "hi" }, "bad_frame", "clientId"],
    ["negative lastSeq", { type: "hello", lastSeq: -1 }, "bad_frame", "lastSeq"],
  ];
  for (const [name, frame, code, words] of cases) {
    it(`answers ${name} with error ${code} and keeps serving`, async () => {
      const { grant, tab } = await newVisitor();
      const other = await visitorSocket(grant);
      tab.send(frame);
      const error = await tab.next("error");
      expect(error.code).toBe(code);
      expect(error.message).toContain(words);
      expect(error.clientId).toBe((frame as { clientId?: string }).clientId);
      expect(await tab.say("still here")).toBe(1);
      expect((await other.next("message")).message.text).toBe("still here");
    });
  }

  it("accepts exactly 4,000 characters", async () => {
    const { tab } = await newVisitor();
    expect(await tab.say("y".repeat(4000))).toBe(1);
  });

  it("refuses binary frames", async () => {
    const { tab } = await newVisitor();
    tab.ws.send(new Uint8Array([1, 2, 3]));
    expect((await tab.next("error")).code).toBe("bad_frame");
  });

  it("rate limits a socket over 20 messages in 10 s, with the limit in the error, without affecting others", async () => {
    const { grant, tab } = await newVisitor();
    for (let i = 0; i < 20; i++) tab.send({ type: "message", clientId: `r${i}`, text: `m${i}` });
    for (let i = 0; i < 20; i++) await tab.next("ack");
    tab.send({ type: "message", clientId: "r20", text: "one too many" });
    const error = await tab.next("error");
    expect(error.code).toBe("rate_limited");
    expect(error.clientId).toBe("r20");
    expect(error.message).toContain("20 messages in 10 seconds");
    const op = await operatorSocket(cookie, grant.conversationId);
    const welcome = await op.hello(0);
    expect(welcome.messages).toHaveLength(20);
    expect(await op.say("operator is not limited by the visitor")).toBe(21);
  });
});

const OWNER_NAME = "owner";

/** Runs `fn` inside a conversation's object; typed loosely, as the test reads its insides. */
function inConversation<R>(id: string, fn: (instance: any, state: DurableObjectState) => R): Promise<R> {
  const stub = env.CONVERSATION.get(env.CONVERSATION.idFromString(id)) as unknown as DurableObjectStub;
  return runInDurableObject(stub, fn as any) as Promise<R>;
}

describe("the state row", () => {
  it("is written with the summary, and a woken object replays the messages it had not written", async () => {
    const { grant } = await newVisitor();
    const at = Date.now();
    const seen = await inConversation(grant.conversationId, (instance, state) => {
      // In one turn: the first message's summary leaves at once (and writes the row); the
      // rest wait for the next summary, as under load.
      instance.host.post({ author: { kind: "visitor" }, text: "one", at, clientId: "r1" });
      instance.host.post({ author: { kind: "visitor" }, text: "two", at: at + 1, clientId: "r2" });
      instance.host.post({ author: { kind: "operator", id: "op_1" }, text: "answer", at: at + 2 });
      instance.host.post({
        author: { kind: "operator", id: "op_1" },
        text: "a note",
        at: at + 3,
        meta: { internal: true },
      });
      instance.host.post({ author: { kind: "visitor" }, text: "three", at: at + 4, clientId: "r3" });
      instance.host.post({ author: { kind: "bot" }, text: "auto", at: at + 5 });
      const row = state.storage.sql.exec<{ state_seq: number }>("SELECT state_seq FROM conversation").one();
      // What an object that wakes on this storage now would load.
      const woken = new ConversationStore(state.storage.sql).state();
      return { stored: row.state_seq, live: { ...instance.store.state() }, woken };
    });
    expect(seen.stored).toBe(1);
    expect(seen.woken).toEqual(seen.live);
    expect(seen.live).toMatchObject({
      status: "open",
      first_visitor_at: at,
      last_visitor_at: at + 4,
      first_operator_at: at + 2,
      last_operator_at: at + 2,
      waiting_since: at + 4,
      visitor_read_seq: 5,
      operator_read_seq: 3,
    });
    // The next summary writes the row: it then equals what is in memory.
    await eventually(async () => {
      const now = await inConversation(grant.conversationId, (instance, state) => ({
        row: state.storage.sql.exec("SELECT * FROM conversation").one(),
        live: { ...instance.store.state() },
      }));
      expect(now.row).toEqual({ id: 1, ...now.live });
    });
  });
});
