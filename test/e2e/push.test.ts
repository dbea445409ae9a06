/**
 * Web Push end to end against the real Worker and a local push service: a device's
 * subscription is validated and stored; a visitor's message reaches the service as an
 * RFC 8291 payload the subscriber's keys open, with a valid VAPID header; a 410 forgets
 * the device, a 429 is tried again; no push while the operator has the admin open or is in
 * quiet hours. Prints the time from the visitor's message to the push request.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptPush, startPushService, subscriberKeys, type PushService } from "./support/push-service";
import { newVisitor, OwnerClient, startServerWith, visitorSays, type LocalServer } from "./support/node-clients";

let server: LocalServer;
let push: PushService;
let owner: OwnerClient;

beforeAll(async () => {
  push = await startPushService();
  server = await startServerWith({});
  owner = await OwnerClient.login(server);
});

afterAll(async () => {
  await server?.stop();
  await push?.close();
});

function subscription(device: string, keys = subscriberKeys()) {
  return {
    endpoint: `${push.origin}/push/${device}`,
    expirationTime: null,
    keys: { p256dh: keys.p256dh, auth: keys.auth },
  };
}

describe("Web Push", () => {
  it("refuses subscriptions with invalid keys or a non-https endpoint, naming the field", async () => {
    const good = subscription("x");
    const cases: [unknown, string][] = [
      [{ ...good, keys: { ...good.keys, p256dh: "AAAA" } }, "keys.p256dh"],
      [{ ...good, keys: { ...good.keys, auth: "c2hvcnQ" } }, "keys.auth"],
      [{ ...good, endpoint: "not a url" }, "endpoint"],
      [{ ...good, endpoint: "http://push.example.com/x" }, "endpoint"],
    ];
    for (const [body, field] of cases) {
      const res = await owner.api("POST", "/push/subscriptions", body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(Object.keys(res.body.error.fields)).toEqual([field]);
    }
  });

  it("sends an encrypted, VAPID-signed push for a visitor's message; the subscriber's keys open it", async () => {
    const keys = subscriberKeys();
    const settings = await owner.api("GET", "/notifications");
    expect(settings.body.push).toMatchObject({ available: true, devices: 0 });
    expect((await owner.api("POST", "/push/subscriptions", subscription("phone", keys))).status).toBe(201);

    const visitor = await newVisitor(server);
    const sentAt = await visitorSays(visitor.socket, "Do you ship to Riga?");
    const [received] = await push.waitFor("phone");
    console.log(`push: visitor message → push request received: ${received!.at - sentAt} ms`);

    expect(received!.vapid, received!.vapid.problem).toMatchObject({
      ok: true,
      publicKey: settings.body.push.publicKey,
    });
    expect(received!.headers.urgency).toBe("high");
    const payload = JSON.parse(decryptPush(received!.body, keys));
    expect(payload).toMatchObject({
      title: expect.stringContaining("New chat"),
      body: "Do you ship to Riga?",
      url: `/admin/c/${visitor.conversationId}`,
      conversationIds: [visitor.conversationId],
    });
    visitor.socket.close();
  });

  it("batches a burst into one push per device, and sends none while the admin is open", async () => {
    const visitor = await newVisitor(server);
    const before = push.received.filter((r) => r.device === "phone").length;
    await visitorSays(visitor.socket, "one");
    await visitorSays(visitor.socket, "two");
    await visitorSays(visitor.socket, "three");
    await push.waitFor("phone", before + 1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(push.received.filter((r) => r.device === "phone").length).toBe(before + 1);

    const admin = await owner.siteSocket();
    await admin.next("inbox");
    await visitorSays(visitor.socket, "are you there?");
    await admin.next("conversation", (f) => f.conversation.lastMessage?.text === "are you there?");
    await new Promise((r) => setTimeout(r, 1500));
    expect(push.received.filter((r) => r.device === "phone").length).toBe(before + 1);
    admin.close();
    visitor.socket.close();
  });

  it("sends nothing in the operator's quiet hours", async () => {
    const now = new Date();
    const hh = (h: number) => `${String((now.getUTCHours() + h + 24) % 24).padStart(2, "0")}:00`;
    const quiet = { start: hh(-1), end: hh(2), timezone: "UTC" };
    expect(
      (await owner.api("PUT", "/notifications", { quietHours: { ...quiet, timezone: "Mars/Olympus" } })).status,
    ).toBe(400);
    expect((await owner.api("PUT", "/notifications", { quietHours: quiet })).status).toBe(200);
    const before = push.received.length;
    const visitor = await newVisitor(server);
    await visitorSays(visitor.socket, "hello at night");
    await new Promise((r) => setTimeout(r, 1500));
    expect(push.received.length).toBe(before);
    expect((await owner.api("PUT", "/notifications", { quietHours: null })).status).toBe(200);
    visitor.socket.close();
  });

  it("forgets a device the push service says is gone (410) and retries one that is busy (429)", async () => {
    push.answers.set("old-tablet", [410]);
    push.answers.set("busy", [429]);
    expect((await owner.api("POST", "/push/subscriptions", subscription("old-tablet"))).status).toBe(201);
    expect((await owner.api("POST", "/push/subscriptions", subscription("busy"))).status).toBe(201);
    const devices = (await owner.api("GET", "/notifications")).body.push.devices;

    const visitor = await newVisitor(server);
    await visitorSays(visitor.socket, "anyone?");
    await push.waitFor("old-tablet");
    const [first, second] = await push.waitFor("busy", 2, 10_000);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(900);
    expect((await owner.api("GET", "/notifications")).body.push.devices).toBe(devices - 1);
    visitor.socket.close();
  });

  it("pushes a visitor's call at once with the conversation's tag; an operator who turned calls off gets none", async () => {
    const keys = subscriberKeys();
    expect((await owner.api("POST", "/push/subscriptions", subscription("call-phone", keys))).status).toBe(201);
    expect((await owner.api("PUT", "/settings", { video: { enabled: true } })).status).toBe(200);
    const visitor = await newVisitor(server);
    await visitorSays(visitor.socket, "can we talk?");
    const [message] = await push.waitFor("call-phone");
    const ringAt = Date.now();
    visitor.socket.send({ type: "call", action: "request", callId: "call-push-0001", audioOnly: false });
    const [, ring] = await push.waitFor("call-phone", 2);
    console.log(`push: call request → push request received: ${ring!.at - ringAt} ms`);
    const payload = JSON.parse(decryptPush(ring!.body, keys));
    expect(payload).toMatchObject({
      title: expect.stringContaining("Video call"),
      url: `/admin/c/${visitor.conversationId}`,
      conversationIds: [visitor.conversationId],
    });
    // The call's notification and the conversation's messages replace each other on the device.
    expect(payload.tag).toBe(JSON.parse(decryptPush(message!.body, keys)).tag);
    visitor.socket.send({ type: "call", action: "hangup", callId: "call-push-0001" });

    const off = await owner.api("PUT", "/notifications", { alerts: { events: { calls: false } } });
    expect(off.body.alerts.events).toMatchObject({ calls: false, myMessages: true });
    expect((await owner.api("PUT", "/notifications", { alerts: { events: { ring: true } } })).status).toBe(400);
    const count = push.received.filter((r) => r.device === "call-phone").length;
    visitor.socket.send({ type: "call", action: "request", callId: "call-push-0002", audioOnly: true });
    await visitor.socket.next("message", (f) => f.message?.meta?.call?.event === "requested");
    await new Promise((r) => setTimeout(r, 1500));
    expect(push.received.filter((r) => r.device === "call-phone").length).toBe(count);
    visitor.socket.send({ type: "call", action: "hangup", callId: "call-push-0002" });
    await owner.api("PUT", "/notifications", { alerts: { events: { calls: true } } });
    visitor.socket.close();
  });
});
