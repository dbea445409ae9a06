import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { toHex, hmacSha256 } from "../../worker/lib/crypto";
import { signVisitorToken } from "../../worker/lib/token";
import { ORIGIN, createSite, openSocket, post, startSession, visitorSocket } from "./helpers";

const SITE = "sess-shop";
let identitySecret: string;

beforeAll(async () => {
  ({ identitySecret } = await createSite(SITE, [ORIGIN, "http://localhost:*"]));
  await createSite("other-shop");
});

async function refused(
  body: unknown,
  origin: string | null = ORIGIN,
  site = SITE,
  headers: Record<string, string> = {},
) {
  const res = await post(`/api/v1/sites/${site}/sessions`, body, { ...(origin ? { Origin: origin } : {}), ...headers });
  return { status: res.status, error: ((await res.json()) as any).error };
}

describe("POST /api/v1/sites/:siteKey/sessions", () => {
  it("issues a token, a visitor and a conversation id, with the widget's config and no secret", async () => {
    const grant = await startSession(SITE);
    expect(grant.visitorId).toMatch(/^v_[0-9a-f]{24}$/);
    expect(grant.conversationId).toMatch(/^[0-9a-f]{64}$/);
    expect(grant.config).toMatchObject({ siteName: "Shop sess-shop", operatorsOnline: false, emailKnown: false });
    expect(JSON.stringify(grant)).not.toContain(identitySecret);
  });

  it("refreshes a token: same visitor, same open conversation, a new expiry", async () => {
    const first = await startSession(SITE);
    const again = await startSession(SITE, { visitorToken: first.visitorToken });
    expect(again.visitorId).toBe(first.visitorId);
    expect(again.conversationId).toBe(first.conversationId);
  });

  it("refreshes an expired token within the refresh window", async () => {
    const old = await signVisitorToken(env.TOKEN_SECRET, {
      s: SITE,
      v: "v_aaaaaaaaaaaaaaaaaaaaaaaa",
      c: "a".repeat(64),
      iat: 0,
      exp: Math.floor(Date.now() / 1000) - 3600,
    });
    const grant = await startSession(SITE, { visitorToken: old });
    expect(grant.visitorId).toBe("v_aaaaaaaaaaaaaaaaaaaaaaaa");
    expect(grant.conversationId).toBe("a".repeat(64));
  });

  it("answers for localhost on any port when the site allows http://localhost:*", async () => {
    const grant = await startSession(SITE, {}, "http://localhost:5173");
    expect(grant.visitorToken).toBeTruthy();
  });

  it("allows the widget's CORS preflight", async () => {
    const { SELF } = await import("cloudflare:test");
    const res = await SELF.fetch(`https://chat.example/api/v1/sites/${SITE}/sessions`, {
      method: "OPTIONS",
      headers: { Origin: ORIGIN },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
  });

  const bad: Array<[string, () => Promise<{ status: number; error: any }>, number, string, string]> = [
    [
      "an origin that is not allowed",
      () => refused({}, "https://evil.example"),
      403,
      "origin_not_allowed",
      "https://evil.example",
    ],
    ["no Origin header", () => refused({}, null), 403, "origin_not_allowed", "(none)"],
    ["an unknown site", () => refused({}, ORIGIN, "no-such-shop"), 404, "unknown_site", "no such site"],
    ["a malformed site key", () => refused({}, ORIGIN, "Bad_Key!"), 404, "unknown_site", "no such site"],
    ["malformed JSON", () => refused("{nope"), 400, "bad_json", "not valid JSON"],
    [
      "a forged token",
      () => refused({ visitorToken: "eyJzIjoic2Vzcy1zaG9wIn0.AAAA" }),
      401,
      "invalid_token",
      "not valid",
    ],
    ["a bad trail", () => refused({ trail: { pages: [{ url: 1 }] } }), 400, "invalid_body", "trail.pages.0.url"],
    [
      "a cart without a currency code",
      () => refused({ trail: { cart: { items: [], total: 0, currency: "€" } } }),
      400,
      "invalid_body",
      "trail.cart.currency",
    ],
    [
      "a cart line without a name",
      () => refused({ trail: { cart: { items: [{ qty: 1 }], total: 0, currency: "EUR" } } }),
      400,
      "invalid_body",
      "trail.cart.items.0.name",
    ],
    [
      "a bad identity hash format",
      () => refused({ identity: { userId: "7", hash: "zz" } }),
      400,
      "invalid_body",
      "identity.hash",
    ],
    [
      "a wrong identity hash",
      () => refused({ identity: { userId: "7", hash: "0".repeat(64) } }),
      401,
      "bad_identity",
      "HMAC-SHA256",
    ],
  ];
  for (const [name, call, status, code, words] of bad) {
    it(`refuses ${name} (${status} ${code})`, async () => {
      const { status: got, error } = await call();
      expect(got).toBe(status);
      expect(error.code).toBe(code);
      expect(error.message).toContain(words);
    });
  }

  it("refuses a non-JSON body with 415", async () => {
    const { SELF } = await import("cloudflare:test");
    const res = await SELF.fetch(`https://chat.example/api/v1/sites/${SITE}/sessions`, {
      method: "POST",
      headers: { Origin: ORIGIN, "Content-Type": "text/plain" },
      body: "{}",
    });
    expect(res.status).toBe(415);
  });

  it("refuses a token of another site", async () => {
    const other = await startSession("other-shop");
    const { status, error } = await refused({ visitorToken: other.visitorToken });
    expect([status, error.code]).toEqual([401, "invalid_token"]);
  });

  it("refuses a token too old to refresh", async () => {
    const ancient = await signVisitorToken(env.TOKEN_SECRET, {
      s: SITE,
      v: "v_x",
      c: "b".repeat(64),
      iat: 0,
      exp: 1000,
    });
    const { status, error } = await refused({ visitorToken: ancient });
    expect([status, error.code]).toEqual([401, "token_expired"]);
  });

  it("verifies identity in constant time and gives the same user the same visitor on any device", async () => {
    const hash = toHex(await hmacSha256(identitySecret, "user-42"));
    const signedEmail = toHex(await hmacSha256(identitySecret, "user-42\nann@example.com"));
    const laptop = await startSession(SITE, {
      identity: { userId: "user-42", email: "ann@example.com", name: "Ann", hash: signedEmail },
    });
    const phone = await startSession(SITE, { identity: { userId: "user-42", hash } });
    expect(phone.visitorId).toBe(laptop.visitorId);
    expect(phone.config.emailKnown).toBe(true);
    const site = env.SITE.get(env.SITE.idFromName(SITE));
    expect(await site.contactOf(laptop.visitorId)).toMatchObject({
      userId: "user-42",
      email: "ann@example.com",
      name: "Ann",
      verified: true,
    });
  });

  it("gives another of the shop's users on the same browser a visitor of their own, not the first one's chat", async () => {
    const annSigned = toHex(await hmacSha256(identitySecret, "user-50\nann@example.com"));
    const ann = await startSession(SITE, {
      identity: { userId: "user-50", email: "ann@example.com", name: "Ann", hash: annSigned },
    });
    const annTab = await visitorSocket(ann);
    await annTab.hello();
    await annTab.say("deliver to 5 Elm St, my card ends 4242");
    annTab.close();
    // Ann logs out of the shop and Ben logs in on the same computer: the widget keeps its token.
    const benHash = toHex(await hmacSha256(identitySecret, "user-51"));
    const ben = await startSession(SITE, {
      visitorToken: ann.visitorToken,
      identity: { userId: "user-51", name: "Ben", hash: benHash },
    });
    const benTab = await visitorSocket(ben);
    const welcome = await benTab.hello();
    expect(welcome.messages.map((m: any) => m.text)).not.toContain("deliver to 5 Elm St, my card ends 4242");
    expect(ben.visitorId).not.toBe(ann.visitorId);
    expect(ben.config.emailKnown).toBe(false);
    benTab.close();
    const site = env.SITE.get(env.SITE.idFromName(SITE));
    expect(await site.contactOf(ann.visitorId)).toMatchObject({ userId: "user-50", email: "ann@example.com" });
    expect(await site.contactOf(ben.visitorId)).toMatchObject({ userId: "user-51", email: null, name: "Ben" });
    // Ann, on her phone, is still the same visitor.
    const annPhone = await startSession(SITE, {
      identity: { userId: "user-50", hash: toHex(await hmacSha256(identitySecret, "user-50")) },
    });
    expect(annPhone.visitorId).toBe(ann.visitorId);
  });

  it("keeps an email the shop did not sign as unverified: a shopper cannot make any email look verified", async () => {
    const hash = toHex(await hmacSha256(identitySecret, "user-43"));
    const grant = await startSession(SITE, { identity: { userId: "user-43", email: "ceo@bank.example", hash } });
    const site = env.SITE.get(env.SITE.idFromName(SITE));
    expect(await site.contactOf(grant.visitorId)).toMatchObject({
      userId: "user-43",
      email: "ceo@bank.example",
      verified: false,
    });
    // The same user later signed with their real email: now it is verified.
    const signed = toHex(await hmacSha256(identitySecret, "user-43\nreal@shop.example"));
    await startSession(SITE, { identity: { userId: "user-43", email: "real@shop.example", hash: signed } });
    expect(await site.contactOf(grant.visitorId)).toMatchObject({ email: "real@shop.example", verified: true });
  });

  it("stores the trail sent when a conversation starts", async () => {
    const trail = {
      landing: "https://shop.example/?utm_source=news",
      referrer: "https://news.example/",
      utm: { source: "news" },
      pages: [{ url: "https://shop.example/p/1", title: "Boots", at: 1 }],
    };
    const grant = await startSession(SITE, { trail, locale: "ru", timezone: "Europe/Moscow" });
    const site = env.SITE.get(env.SITE.idFromName(SITE));
    expect(await site.contactOf(grant.visitorId)).toMatchObject({
      trail,
      locale: "ru",
      timezone: "Europe/Moscow",
      verified: false,
    });
  });

  it("stores a guest's cart with the trail, and the newer cart when the trail comes again", async () => {
    const cart = {
      items: [{ id: 12, name: "Chair <b>", qty: 2, price: 149.9, url: "https://shop.example/p/12" }],
      total: 299.8,
      currency: "RUB",
    };
    const grant = await startSession(SITE, { trail: { landing: "https://shop.example/", cart } });
    const site = env.SITE.get(env.SITE.idFromName(SITE));
    expect((await site.contactOf(grant.visitorId))!.trail).toEqual({ landing: "https://shop.example/", cart });
    const emptied = { items: [], total: 0, currency: "RUB" };
    await startSession(SITE, {
      visitorToken: grant.visitorToken,
      trail: { landing: "https://shop.example/", cart: emptied },
    });
    expect((await site.contactOf(grant.visitorId))!.trail!.cart).toEqual(emptied);
  });

  it("stores nothing for a visitor who only opened the page", async () => {
    const grant = await startSession(SITE);
    const site = env.SITE.get(env.SITE.idFromName(SITE));
    expect(await site.contactOf(grant.visitorId)).toBeNull();
  });
});

describe("GET /api/v1/conversations/:id/ws", () => {
  async function status(path: string, upgrade = true) {
    const res = await openSocket(path, upgrade ? {} : { Upgrade: "" });
    if (!(res instanceof Response)) throw new Error("socket was accepted");
    return { status: res.status, code: ((await res.json()) as any).error.code };
  }

  it("refuses a missing, forged, expired or foreign token", async () => {
    const grant = await startSession(SITE);
    const base = `/api/v1/conversations/${grant.conversationId}/ws`;
    expect(await status(base)).toEqual({ status: 401, code: "missing_token" });
    expect(await status(`${base}?token=abc.def`)).toEqual({ status: 401, code: "invalid_token" });
    const expired = await signVisitorToken(env.TOKEN_SECRET, {
      s: SITE,
      v: grant.visitorId,
      c: grant.conversationId,
      iat: 0,
      exp: 5,
    });
    expect(await status(`${base}?token=${expired}`)).toEqual({ status: 401, code: "token_expired" });
    const other = await startSession(SITE);
    expect(await status(`${base}?token=${other.visitorToken}`)).toEqual({ status: 403, code: "wrong_conversation" });
    expect(await status(`/api/v1/conversations/nope/ws?token=${grant.visitorToken}`)).toEqual({
      status: 404,
      code: "not_found",
    });
    expect(await status(`${base}?token=${grant.visitorToken}`, false)).toEqual({
      status: 426,
      code: "upgrade_required",
    });
  });

  it("accepts the right token", async () => {
    const grant = await startSession(SITE);
    const tab = await visitorSocket(grant);
    const welcome = await tab.hello();
    expect(welcome.conversation).toMatchObject({ id: grant.conversationId, status: "open", lastSeq: 0 });
  });
});

describe("identity learnt after the conversation started", () => {
  it("updates the conversation's visitor: the inbox shows the name, email and verified badge", async () => {
    const { hmacSha256: h, toHex: hex } = await import("../../worker/lib/crypto");
    const { login, noAutoReplies, eventually } = await import("./helpers");
    const { SELF } = await import("cloudflare:test");
    const cookie = await login(SITE);
    await noAutoReplies(cookie);
    const anon = await startSession(SITE);
    const tab = await visitorSocket(anon);
    await tab.hello();
    await tab.say("I am about to log in");
    // The shop signs the user id and the email: only then is the email shown as verified.
    const hash = hex(await h(identitySecret, "user-77\neve@example.com"));
    const known = await startSession(SITE, {
      visitorToken: anon.visitorToken,
      identity: { userId: "user-77", email: "eve@example.com", name: "Eve", hash },
    });
    expect(known.conversationId).toBe(anon.conversationId);
    expect(await tab.next("contact")).toEqual({ type: "contact", emailKnown: true, askEmail: false });
    await eventually(async () => {
      const res = await SELF.fetch("https://chat.example/api/v1/admin/conversations", { headers: { Cookie: cookie } });
      const entry = ((await res.json()) as any).conversations.find((e: any) => e.id === anon.conversationId);
      expect(entry).toMatchObject({ email: "eve@example.com", visitorName: "Eve", verified: true });
    });
  });
});
