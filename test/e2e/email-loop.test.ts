/**
 * The whole email loop against the local runtime (the code `npm start` runs): an operator's
 * late answer → the outbox holds the follow-up with the signed Reply-To → the visitor's
 * reply, POSTed to wrangler's local email endpoint, runs the Worker's email() handler →
 * the message appears live for the operator and the visitor.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "./support/server";

let server: TestServer;
let cookie: string;

/** A WebSocket client that queues JSON frames. */
class Peer {
  frames: any[] = [];
  private wake: (() => void) | null = null;
  constructor(readonly ws: WebSocket) {
    ws.onmessage = (e) => {
      this.frames.push(JSON.parse(String(e.data)));
      this.wake?.();
    };
  }
  static async open(url: string, headers: Record<string, string> = {}): Promise<Peer> {
    const ws = new WebSocket(url, { headers } as any);
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = () => reject(new Error(`cannot open ${url}`));
    });
    return new Peer(ws);
  }
  send(frame: unknown) {
    this.ws.send(JSON.stringify(frame));
  }
  async next(type: string, where: (f: any) => boolean = () => true, ms = 10_000): Promise<any> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.frames.findIndex((f) => f.type === type && where(f));
      if (i >= 0) return this.frames.splice(i, 1)[0];
      if (Date.now() > deadline) throw new Error(`no ${type} frame; have ${JSON.stringify(this.frames)}`);
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, 100);
      });
    }
  }
}

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${server.url}${path}`, {
    ...init,
    headers: { "Content-Type": "application/json", Origin: server.url, Cookie: cookie, ...(init.headers ?? {}) },
  });

async function outbox(): Promise<any[]> {
  return ((await (await api("/api/v1/admin/outbox")).json()) as any).messages;
}

function sendEmail(to: string, raw: string) {
  const qs = new URLSearchParams({ from: "ann@example.com", to });
  return fetch(`${server.url}/cdn-cgi/handler/email?${qs}`, { method: "POST", body: raw.replace(/\n/g, "\r\n") });
}

beforeAll(async () => {
  server = await startServer();
  const login = await fetch(`${server.url}/api/v1/admin/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: server.url },
    body: JSON.stringify({ siteKey: "demo", ...server.owner }),
  });
  cookie = login.headers.get("set-cookie")!.split(";")[0]!;
  await api("/api/v1/admin/autoreply", {
    method: "PUT",
    body: JSON.stringify({ schedule: { timezone: "UTC", week: {} }, rules: [] }),
  });
  expect(
    (await api("/api/v1/admin/email-settings", { method: "PUT", body: JSON.stringify({ followupDelayMinutes: 0 }) }))
      .status,
  ).toBe(200);
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe("email loop under the local runtime", () => {
  it("follows up by email and takes the reply back into the same conversation", async () => {
    const session = (await (
      await fetch(`${server.url}/api/v1/sites/demo/sessions`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Origin: "http://localhost:5173" },
        body: "{}",
      })
    ).json()) as any;
    const wsBase = server.url.replace("http", "ws");
    const visitor = await Peer.open(
      `${wsBase}/api/v1/conversations/${session.conversationId}/ws?token=${session.visitorToken}`,
    );
    visitor.send({ type: "hello", lastSeq: 0 });
    await visitor.next("welcome");
    visitor.send({ type: "message", clientId: "q1", text: "Can I return boots after 30 days?" });
    await visitor.next("ack");
    visitor.send({ type: "contact", email: "ann@example.com" });
    await visitor.next("contact");
    visitor.ws.close();

    const operator = await Peer.open(`${wsBase}/api/v1/admin/conversations/${session.conversationId}/ws`, {
      Cookie: cookie,
      Origin: server.url,
    });
    operator.send({ type: "hello", lastSeq: 0 });
    await operator.next("welcome");
    operator.send({ type: "message", clientId: "a1", text: "Yes, within 60 days." });
    await operator.next("ack");

    let followup: any;
    for (let i = 0; i < 50 && !followup; i++) {
      followup = (await outbox()).find((m) => m.kind === "followup" && m.conversationId === session.conversationId);
      if (!followup) await new Promise((r) => setTimeout(r, 200));
    }
    expect(followup, "follow-up in the outbox").toBeTruthy();
    const replyTo: string = followup.message.replyTo.address;
    expect(replyTo).toMatch(
      new RegExp(`^reply\\+${session.conversationId}\\.\\d+\\.[a-z2-7]+@in\\.edgechat\\.localhost$`),
    );
    expect(followup.status).toBe("outbox");
    expect(followup.raw).toContain("Yes, within 60 days.");

    const back = await Peer.open(
      `${wsBase}/api/v1/conversations/${session.conversationId}/ws?token=${session.visitorToken}`,
    );
    back.send({ type: "hello", lastSeq: 2 });
    await back.next("welcome");
    const reply = `From: Ann <ann@example.com>\nTo: ${replyTo}\nSubject: Re: ${followup.subject}\nMessage-ID: <ann-1@example.com>\nIn-Reply-To: ${followup.message.messageId}\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nPerfect, thank you!\n\nOn Sun, 22 Nov 2026 at 12:00, Edgechat demo <support@edgechat.localhost> wrote:\n> Yes, within 60 days.\n`;
    const res = await sendEmail(replyTo, reply);
    expect(res.status).toBe(200);
    const live = await operator.next("message", (f) => f.message.channel === "email");
    expect(live.message).toMatchObject({ text: "Perfect, thank you!", author: { kind: "visitor" }, channel: "email" });
    expect((await back.next("message")).message.text).toBe("Perfect, thank you!");

    // The same email delivered twice is stored once.
    expect((await sendEmail(replyTo, reply)).status).toBe(200);
    operator.send({ type: "hello", lastSeq: 0 });
    const all = (await operator.next("welcome")).messages.filter((m: any) => m.channel === "email");
    expect(all).toHaveLength(1);

    // An out-of-office reply is neither stored nor answered.
    const ooo = reply
      .replace("Message-ID: <ann-1@example.com>", "Message-ID: <ooo@example.com>\nAuto-Submitted: auto-replied")
      .replace("Perfect, thank you!", "I am away until Monday.");
    expect((await sendEmail(replyTo, ooo)).status).toBe(200);
    operator.send({ type: "hello", lastSeq: 0 });
    const texts = (await operator.next("welcome")).messages.map((m: any) => m.text);
    expect(texts).not.toContain("I am away until Monday.");

    // A forged signature is rejected with a reason.
    const forged = replyTo.replace(/\.[a-z0-9]+@/, ".aaaaaaaaaaaaaaaaaaaaaaaaaa@");
    const rejected = await sendEmail(forged, reply.replace(replyTo, forged));
    expect(rejected.status).toBe(400);
    expect(await rejected.text()).toContain("signature does not match");
    operator.ws.close();
    back.ws.close();
  }, 60_000);
});
