/**
 * Sites: creation with the deployment's admin token (SIGNUP=closed, the default),
 * bad input that must leave nothing behind, the plugin's signed status and events, and EU
 * sites. The signup modes are in signup.test.ts; data rights and secrets in data.test.ts.
 */
import { env, runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { hmacSha256, toHex } from "../../worker/lib/crypto";
import { jurisdictionOfKey, newConversationId, siteStub } from "../../worker/lib/jurisdiction";
import { signRequest } from "../../worker/site/plugin/signature";
import { call, expectJson, mailboxOf } from "./admin-helpers";
import { BASE, pluginRequest, post, startSession, visitorSocket } from "./helpers";

const ADMIN = { Authorization: `Bearer ${env.ADMIN_TOKEN}` };
const HEX64 = /^[0-9a-f]{64}$/;

function createSite(body: Record<string, unknown> | string, headers: Record<string, string> = ADMIN) {
  return post("/api/v1/sites", body, headers);
}

async function signupEmails(siteKey: string) {
  const res = await SELF.fetch(`${BASE}/api/v1/sites/${siteKey}/signup-emails`, { headers: ADMIN });
  return (await expectJson(res, 200)).emails as Array<{ kind: string; to: string; message: { text: string } }>;
}

describe("creating a site with the admin token", () => {
  it("answers keys, status and loader; the owner gets an email to set a password", async () => {
    const res = await createSite({
      name: "Linen & Loom",
      ownerEmail: "anna@linen.example",
      url: "https://www.linen.example/",
    });
    const site = await expectJson(res, 201);
    expect(site).toMatchObject({
      siteKey: "linen-example",
      name: "Linen & Loom",
      status: "active",
      jurisdiction: null,
      url: "https://www.linen.example",
      loader: `<script src="https://chat.example/widget.js" data-site="linen-example" async></script>`,
    });
    expect(site.identitySecret).toMatch(HEX64);
    expect(site.pluginSecret).toMatch(HEX64);
    expect(site.pluginSecret).not.toBe(site.identitySecret);

    const [mail] = await signupEmails("linen-example");
    expect(mail).toMatchObject({ kind: "site_welcome", to: "anna@linen.example" });
    // The deployment owner sees the email with its link redacted; the owner's mailbox has it.
    expect(mail!.message.text).toContain("token=REDACTED");
    const [own] = await mailboxOf("linen-example", "anna@linen.example");
    expect(own!.message.text).toContain(site.setPasswordUrl);
    const link = new URL(site.setPasswordUrl);
    expect(link.pathname).toBe("/admin/reset-password");

    await expectJson(
      call("POST", "/password-reset/complete", null, {
        siteKey: "linen-example",
        token: link.searchParams.get("token"),
        password: "a brand new password",
      }),
      200,
    );
    await expectJson(
      post(
        "/api/v1/admin/login",
        { siteKey: "linen-example", email: "anna@linen.example", password: "a brand new password" },
        { Origin: BASE },
      ),
      200,
    );

    // The shop's origin is allowed; another is not.
    await startSession("linen-example", {}, "https://www.linen.example");
    const other = await post("/api/v1/sites/linen-example/sessions", {}, { Origin: "https://evil.example" });
    expect(other.status).toBe(403);
  });

  it("gives a taken key a suffix when the key was derived, and 409 when it was asked for", async () => {
    const first = await expectJson(createSite({ ownerEmail: "a@twice.example", url: "https://twice.example" }), 201);
    const second = await expectJson(createSite({ ownerEmail: "b@twice.example", url: "https://twice.example" }), 201);
    expect(first.siteKey).toBe("twice-example");
    expect(second.siteKey).toMatch(/^twice-example-[0-9a-f]{4}$/);

    const again = await expectJson(
      createSite({ siteKey: "twice-example", ownerEmail: "c@twice.example", url: "https://twice.example" }),
      409,
    );
    expect(again.error.code).toBe("site_exists");
    // Nothing was overwritten: the first site's plugin secret still signs its status.
    expect((await pluginRequest("GET", "/api/v1/sites/twice-example/status", first.pluginSecret)).status).toBe(200);
  });

  it("keeps the deployment owner's full body working (key, password, origins): no email then", async () => {
    const site = await expectJson(
      createSite({
        siteKey: "full-body",
        name: "Full",
        ownerEmail: "o@full.example",
        ownerPassword: "long enough pw",
        allowedOrigins: ["https://full.example", "http://localhost:*"],
        timezone: "Europe/Berlin",
        locale: "ru",
      }),
      201,
    );
    expect(site).toMatchObject({ siteKey: "full-body", status: "active", url: null });
    expect(site.setPasswordUrl).toBeUndefined();
    expect(await signupEmails("full-body")).toEqual([]);
    await startSession("full-body", {}, "http://localhost:5173");
  });

  describe("bad input: a clear 4xx, and nothing created", () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ["an invalid url", { ownerEmail: "a@bad.example", url: "not a url" }, "url"],
      ["a url that is not http(s)", { ownerEmail: "a@bad.example", url: "ftp://bad.example" }, "url"],
      ["a url with a password", { ownerEmail: "a@bad.example", url: "https://user:pw@bad.example" }, "url"],
      ["an invalid email", { ownerEmail: "not-an-email", url: "https://bad.example" }, "ownerEmail"],
      ["no url nor origins", { ownerEmail: "a@bad.example" }, "url"],
      ["a bad site key", { siteKey: "Bad Key!", ownerEmail: "a@bad.example", url: "https://bad.example" }, "siteKey"],
      [
        "an EU jurisdiction with a non-EU key",
        { siteKey: "bad-example", jurisdiction: "eu", ownerEmail: "a@bad.example", url: "https://bad.example" },
        "siteKey",
      ],
      [
        "an unknown jurisdiction",
        { jurisdiction: "mars", ownerEmail: "a@bad.example", url: "https://bad.example" },
        "jurisdiction",
      ],
      [
        "a short password",
        { ownerEmail: "a@bad.example", url: "https://bad.example", ownerPassword: "short" },
        "ownerPassword",
      ],
    ];
    for (const [what, body, field] of cases) {
      it(`refuses ${what}`, async () => {
        const error = (await expectJson(createSite(body), 400)).error;
        expect(error.code).toBe("invalid_body");
        expect(error.message).toContain(field);
      });
    }

    it("refuses a wrong admin token (401) and SIGNUP=closed without one (401)", async () => {
      const wrong = await expectJson(
        createSite({ ownerEmail: "a@bad.example", url: "https://bad.example" }, { Authorization: "Bearer nope" }),
        401,
      );
      expect(wrong.error.code).toBe("admin_token_required");
      const none = await expectJson(createSite({ ownerEmail: "a@bad.example", url: "https://bad.example" }, {}), 401);
      expect(none.error).toMatchObject({
        code: "admin_token_required",
        message: expect.stringContaining("SIGNUP=closed"),
      });
    });

    it("refuses a body that is not JSON", async () => {
      expect((await expectJson(createSite("{nope"), 400)).error.code).toBe("bad_json");
    });

    it("left nothing behind: the derived key is still free", async () => {
      const site = await expectJson(createSite({ ownerEmail: "a@bad.example", url: "https://bad.example" }), 201);
      expect(site.siteKey).toBe("bad-example");
    });
  });
});

describe("the plugin's signed calls", () => {
  let secret = "";
  const KEY = "signed-shop";
  const now = () => Date.now();

  it("status: signed → {status, name}; every wrong signature is a 401 that says why", async () => {
    secret = (
      await expectJson(
        createSite({
          siteKey: KEY,
          name: "Signed shop",
          ownerEmail: "s@signed.example",
          url: "https://signed.example",
        }),
        201,
      )
    ).pluginSecret;
    const path = `/api/v1/sites/${KEY}/status`;
    expect(await expectJson(pluginRequest("GET", path, secret), 200)).toEqual({
      status: "active",
      name: "Signed shop",
    });

    const unsigned = await SELF.fetch(`${BASE}${path}`);
    expect((await expectJson(unsigned, 401)).error.code).toBe("unsigned_request");
    expect((await expectJson(pluginRequest("GET", path, secret, "", { at: now() - 301_000 }), 401)).error.code).toBe(
      "stale_signature",
    );
    expect((await expectJson(pluginRequest("GET", path, secret, "", { at: now() + 301_000 }), 401)).error.code).toBe(
      "stale_signature",
    );
    expect((await expectJson(pluginRequest("GET", path, "f".repeat(64)), 401)).error.code).toBe("bad_signature");
    // A signature for another path does not open this one.
    const ts = String(Math.floor(now() / 1000));
    const other = await signRequest(secret, ts, { method: "GET", pathWithQuery: `${path}?x=1`, body: "" });
    const moved = await SELF.fetch(`${BASE}${path}`, {
      headers: { "X-Edgechat-Timestamp": ts, "X-Edgechat-Signature": other },
    });
    expect((await expectJson(moved, 401)).error.code).toBe("bad_signature");
    expect((await expectJson(pluginRequest("GET", "/api/v1/sites/no-such-shop/status", secret), 404)).error.code).toBe(
      "unknown_site",
    );
  });

  it("the signature is the plugin's: hex(HMAC-SHA256(secret, ts\\nMETHOD\\npath\\nbody))", async () => {
    const expected = toHex(await hmacSha256("s3cret", '1700000000\nPOST\n/api/v1/sites/x/events\n{"a":1}'));
    expect(
      await signRequest("s3cret", "1700000000", {
        method: "post",
        pathWithQuery: "/api/v1/sites/x/events",
        body: '{"a":1}',
      }),
    ).toBe(expected);
  });

  it("events: order_placed is stored once, a replayed request is refused, bad events are 400", async () => {
    const path = `/api/v1/sites/${KEY}/events`;
    const event = {
      type: "order_placed",
      visitorId: "v_abc123",
      userId: null,
      orderId: "1001",
      total: 89.5,
      currency: "EUR",
      at: "2026-03-01T10:00:00Z",
    };
    const body = JSON.stringify(event);
    const ts = String(Math.floor(now() / 1000));
    const signature = await signRequest(secret, ts, { method: "POST", pathWithQuery: path, body });
    const send = () =>
      SELF.fetch(`${BASE}${path}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Edgechat-Timestamp": ts, "X-Edgechat-Signature": signature },
        body,
      });
    expect(await expectJson(send(), 202)).toEqual({ ok: true, duplicate: false });
    expect((await expectJson(send(), 401)).error.code).toBe("replayed_request");
    // The same order, reported again in a new request (another second, so another signature).
    expect(await expectJson(pluginRequest("POST", path, secret, body, { at: now() - 2000 }), 202)).toEqual({
      ok: true,
      duplicate: true,
    });

    const orders = await siteStub(env, KEY).orderEvents();
    expect(orders).toEqual([
      {
        orderId: "1001",
        visitorId: "v_abc123",
        userId: null,
        total: 89.5,
        currency: "EUR",
        at: Date.parse("2026-03-01T10:00:00Z"),
      },
    ]);

    expect(
      (await expectJson(pluginRequest("POST", path, secret, JSON.stringify({ type: "cart_updated" })), 400)).error.code,
    ).toBe("unknown_event");
    const bad = await expectJson(
      pluginRequest("POST", path, secret, JSON.stringify({ ...event, orderId: "1002", currency: "euro" })),
      400,
    );
    expect(bad.error.message).toContain("currency");
    expect((await expectJson(pluginRequest("POST", path, secret, "{oops"), 400)).error.code).toBe("bad_json");
    expect((await expectJson(pluginRequest("POST", path, "0".repeat(64), body), 401)).error.code).toBe("bad_signature");
  });
});

describe("EU jurisdiction", () => {
  it("makes an eu- site whose widget and conversations work (locally not enforced)", async () => {
    const site = await expectJson(
      createSite({
        jurisdiction: "eu",
        ownerEmail: "eu@shop.example",
        ownerPassword: "long enough pw",
        url: "https://eu-shop.example",
      }),
      201,
    );
    expect(site).toMatchObject({ siteKey: "eu-eu-shop-example", jurisdiction: "eu", status: "active" });
    const explicit = await expectJson(
      createSite({ siteKey: "eu-berlin", ownerEmail: "b@shop.example", url: "https://berlin.example" }),
      201,
    );
    expect(explicit.jurisdiction).toBe("eu");

    const grant = await startSession(site.siteKey, {}, "https://eu-shop.example");
    const tab = await visitorSocket(grant);
    await tab.hello();
    await tab.say("Hallo aus Berlin");
    const cookie = (
      await post(
        "/api/v1/admin/login",
        { siteKey: site.siteKey, email: "eu@shop.example", password: "long enough pw" },
        { Origin: BASE },
      )
    ).headers
      .get("Set-Cookie")!
      .split(";")[0]!;
    await expect
      .poll(async () =>
        (await expectJson(call("GET", "/conversations", cookie), 200)).conversations.map((c: any) => c.id),
      )
      .toContain(grant.conversationId);
  });

  it("routes eu- keys to SITE.jurisdiction('eu') and an EU site's new conversations to CONVERSATION.jurisdiction('eu')", () => {
    const calls: string[] = [];
    const fakeNs = (label: string): any => ({
      idFromName: (n: string) => (calls.push(`${label}.idFromName(${n})`), { toString: () => n }),
      newUniqueId: () => (calls.push(`${label}.newUniqueId()`), { toString: () => "u" }),
      jurisdiction: (j: string) => fakeNs(`${label}[${j}]`),
      get: () => ({}),
      idFromString: () => ({}),
      getByName: () => ({}),
    });
    const prod = { ENVIRONMENT: "production", SITE: fakeNs("SITE"), CONVERSATION: fakeNs("CONVERSATION") } as any;
    siteStub(prod, "eu-shop");
    siteStub(prod, "shop");
    newConversationId(prod, "shop");
    newConversationId(prod, "eu-shop");
    expect(calls).toEqual([
      "SITE[eu].idFromName(eu-shop)",
      "SITE.idFromName(shop)",
      "CONVERSATION.newUniqueId()",
      "CONVERSATION[eu].newUniqueId()",
    ]);
    expect(jurisdictionOfKey("eu-shop")).toBe("eu");
    expect(jurisdictionOfKey("europe-shop")).toBeNull();
  });

  it("never falls back outside the EU in production; locally it does", () => {
    const throwing = (): any => ({
      jurisdiction: () => {
        throw new Error("Jurisdiction restrictions are not implemented in workerd.");
      },
      idFromName: (n: string) => n,
      get: (id: string) => ({ id }),
      newUniqueId: () => "plain",
    });
    expect(() => siteStub({ ENVIRONMENT: "production", SITE: throwing() } as any, "eu-shop")).toThrow(
      /not implemented/,
    );
    expect(siteStub({ ENVIRONMENT: "local", SITE: throwing() } as any, "eu-shop")).toEqual({ id: "eu-shop" });
    expect(siteStub({ ENVIRONMENT: "production", SITE: throwing() } as any, "shop")).toEqual({ id: "shop" });
  });

  it("keeps the site in the object its key names", async () => {
    await runInDurableObject(siteStub(env, "eu-berlin"), async (_instance, state) => {
      const row = state.storage.sql.exec<{ value: string }>("SELECT value FROM settings WHERE key = 'site_meta'").one();
      expect(JSON.parse(row.value)).toMatchObject({
        jurisdiction: "eu",
        status: "active",
        url: "https://berlin.example",
      });
    });
  });
});
