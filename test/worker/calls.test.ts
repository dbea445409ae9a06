import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { localDay } from "../../worker/reports";
import { CALL_RING_TIMER } from "../../worker/conversation/calls";
import { call, expectJson } from "./admin-helpers";
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

const SITE = "calls-shop";
const OFF_SITE = "calls-off-shop";
let cookie: string;
let offCookie: string;

const OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n";
const ANSWER = OFFER.replace("o=- 1 2", "o=- 3 4");
const CANDIDATE = { candidate: "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", sdpMid: "0", sdpMLineIndex: 0 };

beforeAll(async () => {
  await createSite(SITE);
  cookie = await login(SITE);
  await noAutoReplies(cookie);
  await expectJson(call("PUT", "/settings", cookie, { video: { enabled: true } }), 200);
  await createSite(OFF_SITE);
  offCookie = await login(OFF_SITE);
  await noAutoReplies(offCookie);
});

/** A visitor with a socket and an operator on the same conversation, both greeted. */
async function pair(site = SITE, who = cookie) {
  const grant = await startSession(site);
  const visitor = await visitorSocket(grant);
  await visitor.hello();
  await visitor.say("Can you show me the boots?");
  const operator = await operatorSocket(who, grant.conversationId);
  await operator.hello();
  const stub = env.CONVERSATION.get(env.CONVERSATION.idFromString(grant.conversationId));
  return { grant, visitor, operator, stub };
}

async function callFrame(c: Client): Promise<any> {
  return c.next("call");
}

/** System messages of the call, as the thread shows them. */
async function callEvents(c: Client): Promise<any[]> {
  const { messages } = await c.hello();
  return messages.filter((m: any) => m.meta?.call).map((m: any) => m.meta.call);
}

/**
 * Makes the conversation's questions about video wait, once answered, until `pause.over`;
 * `pause.asked` says one was answered. Flags, not promises: a promise settled in the object's
 * context cannot be awaited in the test's.
 */
function pauseVideoSettings(host: { site: () => any }, pause: { asked: boolean; over: boolean }): void {
  const site = host.site;
  const askThenWait = async (s: any) => {
    const answer = await s.videoSettings();
    pause.asked = true;
    while (!pause.over) await new Promise((r) => setTimeout(r, 10));
    return answer;
  };
  host.site = () => {
    const s = site();
    return new Proxy(s, { get: (t, method) => (method === "videoSettings" ? () => askThenWait(t) : t[method]) });
  };
}

describe("call signalling", () => {
  it("rings the operator, relays offer, answer, ICE and screen share between the two parties, and records the call", async () => {
    const { grant, visitor, operator } = await pair();
    const otherTab = await visitorSocket(grant);
    await otherTab.hello();
    const id = crypto.randomUUID();
    visitor.send({ type: "call", action: "request", callId: id });
    expect(await callFrame(operator)).toEqual({
      type: "call",
      action: "request",
      callId: id,
      from: "visitor",
      audioOnly: false,
    });

    operator.send({ type: "call", action: "offer", callId: id, sdp: OFFER });
    expect(await callFrame(visitor)).toEqual({ type: "call", action: "offer", callId: id, sdp: OFFER });
    // The caller's other tab takes no part in the call's signalling.
    await otherTab.none("call");

    visitor.send({ type: "call", action: "answer", callId: id, sdp: ANSWER });
    expect((await callFrame(operator)).sdp).toBe(ANSWER);
    visitor.send({ type: "call", action: "ice", callId: id, candidate: CANDIDATE });
    expect((await callFrame(operator)).candidate).toEqual(CANDIDATE);
    operator.send({ type: "call", action: "ice", callId: id, candidate: CANDIDATE });
    expect((await callFrame(visitor)).candidate).toEqual(CANDIDATE);
    operator.send({ type: "call", action: "screen", callId: id, on: true });
    expect(await callFrame(visitor)).toMatchObject({ action: "screen", on: true });

    // Another tab of the visitor may not inject signalling into the call.
    otherTab.send({ type: "call", action: "ice", callId: id, candidate: CANDIDATE });
    expect((await otherTab.next("error")).code).toBe("forbidden");
    await operator.none("call");

    visitor.send({ type: "call", action: "hangup", callId: id });
    for (const c of [visitor, operator, otherTab])
      expect(await callFrame(c)).toMatchObject({ action: "end", outcome: "completed" });
    const events = await callEvents(operator);
    expect(events.map((e) => e.event)).toEqual(["requested", "answered", "ended"]);
    expect(events[2]).toMatchObject({ outcome: "completed", screenShared: true });
    expect(events[2].durationMs).toBeGreaterThanOrEqual(0);
  });

  it("lets only one operator answer: the others stop ringing and are refused", async () => {
    const { grant, visitor, operator } = await pair();
    const second = await operatorSocket(cookie, grant.conversationId);
    await second.hello();
    const id = crypto.randomUUID();
    visitor.send({ type: "call", action: "request", callId: id, audioOnly: true });
    expect((await callFrame(second)).audioOnly).toBe(true);
    await callFrame(operator);
    operator.send({ type: "call", action: "offer", callId: id, sdp: OFFER });
    expect(await callFrame(second)).toMatchObject({ action: "end", outcome: "answered_elsewhere" });
    second.send({ type: "call", action: "offer", callId: id, sdp: OFFER });
    expect((await second.next("error")).code).toBe("forbidden");
    second.send({ type: "call", action: "hangup", callId: id });
    expect((await second.next("error")).code).toBe("forbidden");
    await callFrame(visitor); // the first offer only
    await visitor.none("call");
  });

  it("records a declined call and a missed one after the ring timer, and a busy line", async () => {
    const { visitor, operator, stub } = await pair();
    const declined = crypto.randomUUID();
    visitor.send({ type: "call", action: "request", callId: declined });
    await callFrame(operator);
    visitor.send({ type: "call", action: "decline", callId: declined });
    expect((await visitor.next("error")).code).toBe("forbidden");
    operator.send({ type: "call", action: "decline", callId: declined });
    for (const c of [visitor, operator])
      expect(await callFrame(c)).toMatchObject({ action: "end", outcome: "declined", durationMs: null });

    const missed = crypto.randomUUID();
    visitor.send({ type: "call", action: "request", callId: missed });
    expect((await callFrame(operator)).callId).toBe(missed);
    visitor.send({ type: "call", action: "request", callId: crypto.randomUUID() });
    expect((await visitor.next("error")).code).toBe("call_busy");
    const due = await runInDurableObject(
      stub,
      (_i, state) =>
        state.storage.sql
          .exec<{ due: number }>("SELECT due FROM timers WHERE kind = 'call-ring' AND key = ?", missed)
          .one().due,
    );
    expect(due - Date.now()).toBeGreaterThan(40_000);
    // Time is made, not waited for: the ring timer is moved to now and the alarm runs.
    await runInDurableObject(stub, (_i, state) => {
      state.storage.sql.exec("UPDATE timers SET due = ? WHERE kind = 'call-ring'", Date.now() - 1);
    });
    await runDurableObjectAlarm(stub);
    expect(await callFrame(operator)).toMatchObject({ action: "end", callId: missed, outcome: "missed" });
    const events = await callEvents(visitor);
    expect(events.filter((e) => e.event === "ended").map((e) => e.outcome)).toEqual(["declined", "missed"]);
    // A late answer to the missed call finds nothing.
    operator.send({ type: "call", action: "offer", callId: missed, sdp: OFFER });
    expect((await operator.next("error")).code).toBe("no_call");
  });

  it("rings operators anywhere in the admin, and an operator who opens the conversation mid-ring", async () => {
    const grant = await startSession(SITE);
    const visitor = await visitorSocket(grant);
    await visitor.hello();
    await visitor.say("Call me?");
    const admin = (await openSocket("/api/v1/admin/ws", { Cookie: cookie })) as Client;
    await admin.next("inbox");
    const id = crypto.randomUUID();
    visitor.send({ type: "call", action: "request", callId: id, audioOnly: true });
    expect(await admin.next("ringing")).toEqual({
      type: "ringing",
      conversationId: grant.conversationId,
      callId: id,
      audioOnly: true,
    });
    const late = await operatorSocket(cookie, grant.conversationId);
    await late.hello();
    expect(await callFrame(late)).toEqual({
      type: "call",
      action: "request",
      callId: id,
      from: "visitor",
      audioOnly: true,
    });
    // The caller's own tabs are not rung.
    const secondTab = await visitorSocket(grant);
    await secondTab.hello();
    await secondTab.none("call");
  });

  it("ends the call for the other party when a party's socket closes", async () => {
    const { visitor, operator } = await pair();
    const id = crypto.randomUUID();
    operator.send({ type: "call", action: "request", callId: id });
    expect((await callFrame(visitor)).from).toBe("operator");
    visitor.send({ type: "call", action: "offer", callId: id, sdp: OFFER });
    await callFrame(operator);
    visitor.close();
    expect(await callFrame(operator)).toMatchObject({ action: "end", outcome: "completed" });
  });
});

describe("a call asked for as the conversation is erased", () => {
  it("leaves nothing of the call in the erased conversation", async () => {
    const { grant, visitor, stub } = await pair();
    await eventually(async () => {
      const listed = (await expectJson(call("GET", "/conversations", cookie), 200)).conversations;
      expect(listed.some((e: any) => e.id === grant.conversationId)).toBe(true);
    });
    // The conversation asks the Site whether video is on, and is erased before the answer is used.
    const pause = { asked: false, over: false };
    await runInDurableObject(stub as DurableObjectStub, async (instance: any, _state) => {
      pauseVideoSettings(instance.host, pause);
      return true;
    });
    visitor.send({ type: "call", action: "request", callId: crypto.randomUUID() });
    await eventually(() => expect(pause.asked).toBe(true));
    await expectJson(call("POST", `/contacts/${grant.visitorId}/erase`, cookie, { confirm: grant.visitorId }), 200);
    pause.over = true;
    // Time for the request to go on with the Site's answer, as it would have.
    await new Promise((r) => setTimeout(r, 200));

    // A tab still holding the old token finds an empty conversation, with no call in it.
    const back = await visitorSocket(grant);
    expect((await back.hello(0)).messages).toEqual([]);
    // Nor a call row, nor its ring timer (which would post "Missed call" 45 s later).
    await runInDurableObject(stub as DurableObjectStub, async (_i, state) => {
      const sql = state.storage.sql;
      expect(sql.exec("SELECT COUNT(*) AS n FROM calls").one().n).toBe(0);
      expect(sql.exec("SELECT COUNT(*) AS n FROM timers WHERE kind = ?", CALL_RING_TIMER).one().n).toBe(0);
      return true;
    });
  });
});

describe("bad call frames", () => {
  it("refuses calls when video is off for the site, and relays nothing", async () => {
    const { visitor, operator } = await pair(OFF_SITE, offCookie);
    visitor.send({ type: "call", action: "request", callId: crypto.randomUUID() });
    const err = await visitor.next("error");
    expect(err).toMatchObject({ code: "video_disabled", message: "video calls are turned off for this site" });
    await operator.none("call");
    expect(await callEvents(operator)).toEqual([]);
  });

  it("refuses malformed and oversized SDP, bad candidates and missing fields, with the field named", async () => {
    const { visitor, operator } = await pair();
    const id = crypto.randomUUID();
    visitor.send({ type: "call", action: "request", callId: id });
    await callFrame(operator);
    const bad: [unknown, RegExp][] = [
      [
        { type: "call", action: "offer", callId: id, sdp: "<script>alert(1)</script>" },
        /sdp is not a session description/,
      ],
      [
        { type: "call", action: "offer", callId: id, sdp: `${OFFER}a=${"x".repeat(16_000)}\r\n` },
        /sdp is longer than 16000 characters/,
      ],
      [{ type: "call", action: "offer", callId: id }, /offer needs sdp/],
      [{ type: "call", action: "offer", callId: id, sdp: 42 }, /sdp/],
      [
        { type: "call", action: "ice", callId: id, candidate: { candidate: "x".repeat(1001) } },
        /candidate is longer than 1000/,
      ],
      [{ type: "call", action: "ice", callId: id, candidate: { candidate: "", evil: true } }, /evil/],
      [{ type: "call", action: "dial", callId: id }, /action/],
      [{ type: "call", action: "hangup", callId: "../../x" }, /callId is 8 to 64/],
      [{ type: "call", action: "screen", callId: id }, /screen needs on/],
    ];
    for (const [frame, message] of bad) {
      operator.send(frame);
      const err = await operator.next("error");
      expect(err.code, JSON.stringify(frame).slice(0, 80)).toBe("bad_frame");
      expect(err.message).toMatch(message);
    }
    await visitor.none("call");
  });

  it("shows the operator the product a visitor calls about, before answering; refuses a product with a script link", async () => {
    const { visitor, operator } = await pair();
    const product = {
      name: "Linen lamp",
      price: "49 €",
      url: "https://shop.example/p/lamp",
      image: "https://shop.example/lamp.jpg",
    };
    for (const [bad, message] of [
      [{ ...product, url: "javascript:alert(1)" }, /url: use an http or https URL/],
      [{ ...product, name: "" }, /product name is empty/],
      [{ ...product, html: "<b>" }, /html/],
    ] as const) {
      visitor.send({ type: "call", action: "request", callId: crypto.randomUUID(), product: bad });
      const err = await visitor.next("error");
      expect(err.code).toBe("bad_frame");
      expect(err.message).toMatch(message);
    }
    await operator.none("call");
    const id = crypto.randomUUID();
    visitor.send({ type: "call", action: "request", callId: id, product });
    expect(await callFrame(operator)).toEqual({
      type: "call",
      action: "request",
      callId: id,
      from: "visitor",
      audioOnly: false,
      product,
    });
    const requested = (await operator.next("message")).message;
    expect(requested.text).toBe(
      "Video call requested by the visitor — about Linen lamp (49 €) https://shop.example/p/lamp",
    );
    expect(requested.meta.call.product).toEqual(product);
  });

  it("refuses frames for a call of another conversation, or none", async () => {
    const a = await pair();
    const b = await pair();
    const id = crypto.randomUUID();
    a.visitor.send({ type: "call", action: "request", callId: id });
    await callFrame(a.operator);
    // Someone not in conversation A (B's operator and B's visitor) cannot reach A's call.
    b.operator.send({ type: "call", action: "offer", callId: id, sdp: OFFER });
    expect((await b.operator.next("error")).code).toBe("no_call");
    b.visitor.send({ type: "call", action: "hangup", callId: id });
    expect((await b.visitor.next("error")).code).toBe("no_call");
    await a.visitor.none("call");
    a.operator.send({ type: "call", action: "answer", callId: id, sdp: ANSWER });
    expect((await a.operator.next("error")).code).toBe("no_call");
  });

  it("refuses a callId used before", async () => {
    const { visitor, operator } = await pair();
    const id = crypto.randomUUID();
    visitor.send({ type: "call", action: "request", callId: id });
    await callFrame(operator);
    visitor.send({ type: "call", action: "hangup", callId: id });
    expect(await callFrame(operator)).toMatchObject({ outcome: "cancelled" });
    visitor.send({ type: "call", action: "request", callId: id });
    expect((await visitor.next("error")).message).toMatch(/used before/);
  });
});

describe("calls in the Reports", () => {
  it("counts requested, answered, declined, screen shared and the length of the answered call", async () => {
    const { grant, visitor, operator } = await pair();
    const answered = crypto.randomUUID();
    visitor.send({ type: "call", action: "request", callId: answered });
    await callFrame(operator);
    operator.send({ type: "call", action: "offer", callId: answered, sdp: OFFER });
    await callFrame(visitor);
    operator.send({ type: "call", action: "screen", callId: answered, on: true });
    await callFrame(visitor);
    operator.send({ type: "call", action: "hangup", callId: answered });
    for (const c of [visitor, operator])
      expect(await callFrame(c)).toMatchObject({ action: "end", outcome: "completed" });
    const declined = crypto.randomUUID();
    visitor.send({ type: "call", action: "request", callId: declined });
    expect(await callFrame(operator)).toMatchObject({ action: "request", callId: declined });
    operator.send({ type: "call", action: "decline", callId: declined });
    expect(await callFrame(visitor)).toMatchObject({ action: "end", outcome: "declined" });
    // What the Site's reports keep of this conversation (its `report_facts` row).
    const site = env.SITE.get(env.SITE.idFromName(SITE));
    const facts = () =>
      runInDurableObject(site, (_instance, state: DurableObjectState) => {
        const row = state.storage.sql
          .exec<{ facts: string }>("SELECT facts FROM report_facts WHERE id = ?", grant.conversationId)
          .toArray()[0];
        return row ? JSON.parse(row.facts) : null;
      });
    await eventually(async () => {
      const calls = (await facts())?.calls;
      expect(calls).toMatchObject({ requested: 2, answered: 1, missed: 0, declined: 1, screenShared: 1 });
      expect(calls.durations).toHaveLength(1);
    }, 15_000);
    const today = localDay("Europe/Berlin", Date.now());
    const video = (await expectJson(call("GET", `/reports?from=${today}&to=${today}`, cookie), 200)).figures.video;
    expect(video.requested).toBeGreaterThanOrEqual(2);
    expect(video.duration.count).toBeGreaterThanOrEqual(1);
    const csv = await (await call("GET", `/reports/video.csv?from=${today}&to=${today}`, cookie)).text();
    const requested = csv.split("\r\n").find((line) => line.startsWith("calls_requested,"));
    expect(Number(requested?.split(",")[1])).toBeGreaterThanOrEqual(2);
  });
});
