/**
 * Sockets and frames: the admin's sockets only from its own origin, sockets that end with
 * their session or the operator's access, the message limit per sender, guessed ids, and
 * deep, huge or malformed bodies and frames.
 */
import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_BODY_BYTES, MAX_JSON_DEPTH, RATE_LIMIT } from "../../worker/protocol";
import { addOperator, call, expectJson } from "../worker/admin-helpers";
import {
  BASE,
  type Client,
  createSite,
  login,
  openSocket,
  operatorSocket,
  ORIGIN,
  post,
  startSession,
  visitorSocket,
} from "../worker/helpers";
import { tally } from "./tally";

const SITE = "sec-sockets";
const t = tally("sockets and frames (CSRF on WebSocket, session end, limits, ids, bodies)");
let owner: string;
let conversationId: string;

/** Waits until the client's socket is closed. */
async function closed(client: Client, ms = 3000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!client.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return client.closed;
}

beforeAll(async () => {
  await createSite(SITE);
  owner = await login(SITE);
  const grant = await startSession(SITE);
  conversationId = grant.conversationId;
  const tab = await visitorSocket(grant);
  await tab.hello();
  await tab.say("hello");
  tab.close();
});

describe("cross-site WebSocket hijacking", () => {
  const foreign = [
    undefined,
    "null",
    "https://evil.example",
    "http://chat.example",
    "https://chat.example:8443",
    "https://chat.example.evil.example",
    "https://sub.chat.example",
    "https://chat.exampIe",
  ];
  for (const origin of foreign) {
    it(`refuses the admin sockets from Origin ${origin ?? "(absent)"}`, async () => {
      for (const path of ["/api/v1/admin/ws", `/api/v1/admin/conversations/${conversationId}/ws`]) {
        const res = await SELF.fetch(`${BASE}${path}`, {
          headers: { Upgrade: "websocket", Cookie: owner, ...(origin === undefined ? {} : { Origin: origin }) },
        });
        t.status(res);
        expect(res.status).toBe(403);
        expect(res.webSocket).toBeNull();
        expect(((await res.json()) as any).error.code).toBe("csrf");
      }
    });
  }
  it("refuses state-changing HTTP from foreign, absent, null and look-alike origins", async () => {
    for (const origin of foreign) {
      const res = await SELF.fetch(`${BASE}/api/v1/admin/logout`, {
        method: "POST",
        headers: { Cookie: owner, ...(origin === undefined ? {} : { Origin: origin }) },
      });
      t.status(res);
      expect(res.status).toBe(403);
    }
  });
});

describe("sockets end with their session", () => {
  async function openBoth(cookie: string) {
    const site = (await openSocket("/api/v1/admin/ws", { Cookie: cookie })) as Client;
    const chat = await operatorSocket(cookie, conversationId);
    await chat.hello();
    return { site, chat };
  }

  async function expectEnded(s: { site: Client; chat: Client }) {
    const ended = (await closed(s.site)) && (await closed(s.chat));
    t.probe(ended);
    expect(ended).toBe(true);
    let posted = true;
    try {
      s.chat.send({ type: "message", clientId: crypto.randomUUID(), text: "after the end" });
    } catch {
      posted = false;
    }
    const acked =
      posted &&
      (await s.chat.next("ack", 300).then(
        () => true,
        () => false,
      ));
    t.probe(!acked);
    expect(acked).toBe(false);
  }

  it("logout closes the session's inbox and conversation sockets", async () => {
    const cookie = await login(SITE);
    const s = await openBoth(cookie);
    await expectJson(call("POST", "/logout", cookie), 200);
    await expectEnded(s);
    const again = await SELF.fetch(`${BASE}/api/v1/admin/conversations/${conversationId}/ws`, {
      headers: { Upgrade: "websocket", Cookie: cookie, Origin: BASE },
    });
    t.status(again);
    expect(again.status).toBe(401);
  });

  it("ending a session from the sessions list closes its sockets, not the others'", async () => {
    const other = await login(SITE);
    const mine = await openBoth(other);
    const keep = await openBoth(owner);
    const { sessions } = await expectJson(call("GET", "/sessions", other), 200);
    const id = sessions.find((s: any) => s.current).id;
    await expectJson(call("DELETE", `/sessions/${id}`, owner), 200);
    await expectEnded(mine);
    expect(keep.site.closed || keep.chat.closed).toBe(false);
    await keep.chat.say("still here");
    keep.site.close();
    keep.chat.close();
  });

  it("removing or demoting an operator closes their sockets", async () => {
    const op = await addOperator(SITE, owner, "operator");
    const removed = await openBoth(op.cookie);
    await expectJson(call("DELETE", `/team/${op.id}`, owner), 200);
    await expectEnded(removed);

    const admin = await addOperator(SITE, owner, "admin");
    const demoted = await openBoth(admin.cookie);
    await expectJson(call("PATCH", `/team/${admin.id}`, owner, { role: "operator" }), 200);
    await expectEnded(demoted);
  });
});

describe("limits per sender, guessed ids, hostile bodies", () => {
  it("counts the message limit per visitor across tabs", async () => {
    const grant = await startSession(SITE);
    const tabs = [await visitorSocket(grant), await visitorSocket(grant)];
    for (const tab of tabs) await tab.hello();
    for (let i = 0; i < RATE_LIMIT.messages; i++) await tabs[i % 2]!.say(`m${i}`);
    for (const tab of tabs) {
      tab.send({ type: "message", clientId: crypto.randomUUID(), text: "one too many" });
      const error = await tab.next("error");
      t.probe(error.code === "rate_limited");
      expect(error.code).toBe("rate_limited");
    }
  });

  it("answers 404 for guessed, malformed and foreign conversation ids", async () => {
    const ids = ["0".repeat(64), "f".repeat(64), "x".repeat(64), "..%2F..%2Fadmin", "0".repeat(63), "A".repeat(64)];
    for (const id of ids) {
      const res = await SELF.fetch(`${BASE}/api/v1/admin/conversations/${id}/ws`, {
        headers: { Upgrade: "websocket", Cookie: owner, Origin: BASE },
      });
      t.status(res);
      expect(res.status, id).toBe(404);
      const http = await call("GET", `/conversations/${id}/visitor`, owner);
      t.status(http);
      expect(http.status, id).toBeLessThan(500);
    }
  });

  it("refuses deep, huge and malformed bodies with 4xx", async () => {
    const deep = "[".repeat(MAX_JSON_DEPTH + 1) + "]".repeat(MAX_JSON_DEPTH + 1);
    const bodies = [deep, `{"a":${deep}}`, "x".repeat(MAX_BODY_BYTES + 1), "{", "null", "[]", "\u0000"];
    for (const body of bodies) {
      const res = await post(`/api/v1/sites/${SITE}/sessions`, body, { Origin: ORIGIN });
      t.status(res);
      expect(res.status, body.slice(0, 40)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      const login = await post("/api/v1/admin/login", body, { Origin: BASE });
      t.status(login);
      expect(login.status).toBeLessThan(500);
    }
    const deepRes = await post(`/api/v1/sites/${SITE}/sessions`, deep, { Origin: ORIGIN });
    expect(((await deepRes.json()) as any).error.code).toBe("bad_json");
  });

  it("refuses deep and malformed frames with an error frame, and keeps the socket", async () => {
    const tab = await visitorSocket(await startSession(SITE));
    await tab.hello();
    const deep = `{"type":"message","clientId":"d","text":${"[".repeat(MAX_JSON_DEPTH + 1)}${"]".repeat(MAX_JSON_DEPTH + 1)}}`;
    for (const frame of [deep, "{", "null", '{"type":"nope"}', '{"type":"message"}', "x".repeat(70_000)]) {
      tab.send(frame);
      const error = await tab.next("error");
      t.probe(!!error.code);
    }
    await tab.say("still open");
  });
});
