import { SELF, env, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import {
  BASE,
  OWNER,
  createSite,
  eventually,
  login,
  openSocket,
  operatorSocket,
  post,
  startSession,
  visitorSocket,
  type Client,
} from "./helpers";

const SITE = "admin-shop";
let cookie: string;

beforeAll(async () => {
  await createSite(SITE);
  cookie = await login(SITE);
});

function get(path: string, c = cookie) {
  return SELF.fetch(`${BASE}${path}`, { headers: { Cookie: c } });
}

describe("site creation", () => {
  const body = {
    siteKey: "new-shop",
    name: "New",
    ownerEmail: "a@b.example",
    ownerPassword: "long enough pw",
    allowedOrigins: ["https://new.example"],
  };
  it("needs the deployment's admin token", async () => {
    const res = await post("/api/v1/sites", body, { Authorization: "Bearer wrong" });
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error.code).toBe("admin_token_required");
  });
  it("names the bad field", async () => {
    const res = await post(
      "/api/v1/sites",
      { ...body, allowedOrigins: ["shop.example/path"] },
      { Authorization: `Bearer ${env.ADMIN_TOKEN}` },
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.message).toContain("allowedOrigins.0");
  });
  it("refuses a site key that exists", async () => {
    const res = await post("/api/v1/sites", { ...body, siteKey: SITE }, { Authorization: `Bearer ${env.ADMIN_TOKEN}` });
    expect(res.status).toBe(409);
    expect(((await res.json()) as any).error.code).toBe("site_exists");
  });
});

describe("login", () => {
  it("sets an HttpOnly, SameSite=Strict cookie, Secure off localhost", async () => {
    const res = await post("/api/v1/admin/login", { siteKey: SITE, ...OWNER }, { Origin: BASE });
    const set = res.headers.get("Set-Cookie")!;
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Strict/);
    expect(set).toMatch(/Secure/);
    const local = await SELF.fetch("http://localhost:8787/api/v1/admin/login", {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: "http://localhost:8787" },
      body: JSON.stringify({ siteKey: SITE, ...OWNER }),
    });
    expect(local.status).toBe(200);
    expect(local.headers.get("Set-Cookie")).not.toMatch(/Secure/);
  });

  it("says the same for a wrong password and an unknown email", async () => {
    const a = await post(
      "/api/v1/admin/login",
      { siteKey: SITE, email: OWNER.email, password: "wrong" },
      { Origin: BASE },
    );
    const b = await post(
      "/api/v1/admin/login",
      { siteKey: SITE, email: "nobody@shop.example", password: "wrong" },
      { Origin: BASE },
    );
    const c = await post(
      "/api/v1/admin/login",
      { siteKey: "no-such-site", email: OWNER.email, password: "wrong" },
      { Origin: BASE },
    );
    for (const res of [a, b, c]) {
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: { code: "invalid_login", message: "wrong email or password" } });
    }
  });

  it("slows down repeated failures, even for the right password", async () => {
    await createSite("lockout-shop");
    const attempt = (password: string) =>
      post("/api/v1/admin/login", { siteKey: "lockout-shop", email: OWNER.email, password }, { Origin: BASE });
    for (let i = 0; i < 5; i++) expect((await attempt("guess" + i)).status).toBe(401);
    const locked = await attempt(OWNER.password);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(((await locked.json()) as any).error.message).toMatch(/try again in \d+ s/);
  });

  it("refuses a login posted from another origin (CSRF)", async () => {
    const res = await post("/api/v1/admin/login", { siteKey: SITE, ...OWNER }, { Origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(((await res.json()) as any).error.code).toBe("csrf");
  });

  it("ends the session on logout and after expiry", async () => {
    const mine = await login(SITE);
    expect((await get("/api/v1/admin/me", mine)).status).toBe(200);
    const out = await SELF.fetch(`${BASE}/api/v1/admin/logout`, {
      method: "POST",
      headers: { Cookie: mine, Origin: BASE },
    });
    expect(out.status).toBe(200);
    expect((await get("/api/v1/admin/me", mine)).status).toBe(401);

    const later = await login(SITE);
    const site = env.SITE.get(env.SITE.idFromName(SITE));
    await runInDurableObject(site, (_i, state) => {
      state.storage.sql.exec("UPDATE sessions SET expires_at = ?", Date.now() - 1);
    });
    const res = await get("/api/v1/admin/me", later);
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error.code).toBe("session_expired");
    cookie = await login(SITE);
  });

  it("refuses the admin API without a session", async () => {
    const res = await SELF.fetch(`${BASE}/api/v1/admin/conversations`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error.code).toBe("not_logged_in");
  });
});

describe("inbox", () => {
  it("lists a conversation with unread count and waiting time, kept current by summaries", async () => {
    const grant = await startSession(SITE);
    const tab = await visitorSocket(grant);
    await tab.hello();
    await tab.say("Is the blue one in stock?");
    const entry = async () => {
      const list = ((await (await get("/api/v1/admin/conversations?status=open")).json()) as any).conversations;
      return list.find((e: any) => e.id === grant.conversationId);
    };
    await eventually(async () =>
      expect(await entry()).toMatchObject({
        unread: 1,
        lastMessage: { text: "Is the blue one in stock?", author: "visitor" },
      }),
    );
    expect((await entry()).waitingSince).toBeGreaterThan(0);

    const op = await operatorSocket(cookie, grant.conversationId);
    await op.hello();
    op.send({ type: "read", seq: 1 });
    await eventually(async () => expect((await entry()).unread).toBe(0));
    await op.say("Yes, size 42 too.");
    await eventually(async () =>
      expect(await entry()).toMatchObject({ waitingSince: null, lastMessage: { author: "operator" } }),
    );
  });

  it("tells operators' site sockets about changes live, and who is online", async () => {
    const inbox = (await openSocket("/api/v1/admin/ws", { Cookie: cookie })) as Client;
    expect((await inbox.next("inbox")).conversations).toBeInstanceOf(Array);
    expect((await inbox.next("presence")).operatorsOnline).toBe(1);
    const grant = await startSession(SITE);
    expect(grant.config.operatorsOnline).toBe(true);
    const tab = await visitorSocket(grant);
    await tab.hello();
    await tab.say("live?");
    const change = await inbox.next("conversation");
    expect(change.conversation).toMatchObject({ id: grant.conversationId, unread: 1, lastMessage: { text: "live?" } });
    inbox.close();
  });

  it("counts an operator with the admin open in two tabs as one operator online", async () => {
    const laptop = (await openSocket("/api/v1/admin/ws", { Cookie: cookie })) as Client;
    await laptop.next("inbox");
    const alone = (await laptop.next("presence")).operatorsOnline;
    const phone = (await openSocket("/api/v1/admin/ws", { Cookie: cookie })) as Client;
    await phone.next("inbox");
    expect((await phone.next("presence")).operatorsOnline).toBe(alone);
    expect((await laptop.next("presence")).operatorsOnline).toBe(alone);
    phone.close();
    laptop.close();
  });

  it("keeps operators to their own site: another site's operator gets 403", async () => {
    await createSite("rival-shop");
    const rival = await login("rival-shop");
    const grant = await startSession(SITE);
    const tab = await visitorSocket(grant);
    await tab.hello();
    const res = await openSocket(`/api/v1/admin/conversations/${grant.conversationId}/ws`, { Cookie: rival });
    expect(res).toBeInstanceOf(Response);
    expect((res as Response).status).toBe(403);
    const list = ((await (await get("/api/v1/admin/conversations", rival)).json()) as any).conversations;
    expect(list.find((e: any) => e.id === grant.conversationId)).toBeUndefined();
  });
});
