/**
 * Data rights and secrets: erasing a contact and all their conversations (with
 * confirmation, audited), retention through the Site's alarm, rotation of the identity and
 * plugin secrets with a grace period, and the WooCommerce data the Worker fetches from the
 * shop's signed REST route (the shop is a stubbed `fetch` here; the real plugin route is
 * exercised by the WordPress E2E).
 */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { hmacSha256, sha256Hex, toHex } from "../../worker/lib/crypto";
import type { ConversationHost } from "../../worker/conversation/host";
import { siteStub } from "../../worker/lib/jurisdiction";
import { signRequest } from "../../worker/site/plugin/signature";
import { addOperator, call, expectJson } from "./admin-helpers";
import {
  eventually,
  login,
  OWNER,
  pluginRequest,
  post,
  startSession,
  visitorSocket,
  type Client,
  type Grant,
} from "./helpers";

const SITE = "rights-shop";
const SHOP = "https://rights.example";
let owner: string;
let operator: { cookie: string };
let secrets: { identitySecret: string; pluginSecret: string };

beforeAll(async () => {
  const res = await post(
    "/api/v1/sites",
    {
      siteKey: SITE,
      name: "Rights shop",
      ownerEmail: OWNER.email,
      ownerPassword: OWNER.password,
      url: SHOP,
    },
    { Authorization: `Bearer ${env.ADMIN_TOKEN}` },
  );
  secrets = await expectJson(res, 201);
  owner = await login(SITE);
  operator = await addOperator(SITE, owner, "operator");
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function identity(userId: string, secret = secrets.identitySecret, email?: string) {
  return { userId, ...(email ? { email } : {}), hash: toHex(await hmacSha256(secret, userId)) };
}

/** A visitor who wrote one message; resolves once the Site lists the conversation. */
async function visitorWhoWrote(
  body: Record<string, unknown> = {},
  text = "hello",
): Promise<{ grant: Grant; tab: Client }> {
  const grant = await startSession(SITE, body, SHOP);
  const tab = await visitorSocket(grant);
  await tab.hello();
  await tab.say(text);
  await eventually(async () => expect(await siteStub(env, SITE).hasConversation(grant.conversationId)).toBe(true));
  return { grant, tab };
}

async function conversationRows(id: string): Promise<{ messages: number; state: number }> {
  const stub = env.CONVERSATION.get(env.CONVERSATION.idFromString(id));
  return runInDurableObject(stub, (_i, state) => ({
    messages: state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM messages").one().n,
    state: state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM conversation").one().n,
  }));
}

async function auditActions(): Promise<any[]> {
  return (await expectJson(call("GET", "/audit", owner), 200)).entries;
}

describe("erasing a contact", () => {
  it("needs owner or admin, a known contact, and the email or visitor id repeated", async () => {
    const { grant } = await visitorWhoWrote({ identity: await identity("501", undefined, "keep@rights.example") });
    const path = `/contacts/${grant.visitorId}/erase`;
    expect((await expectJson(call("POST", path, operator.cookie, { confirm: grant.visitorId }), 403)).error.code).toBe(
      "forbidden",
    );
    expect((await expectJson(call("POST", path, owner, { confirm: "someone@else.example" }), 400)).error.code).toBe(
      "confirmation_mismatch",
    );
    expect((await expectJson(call("POST", path, owner, {}), 400)).error.code).toBe("invalid_body");
    expect(
      (await expectJson(call("POST", "/contacts/v_nobody/erase", owner, { confirm: "v_nobody" }), 404)).error.code,
    ).toBe("unknown_contact");
    expect(
      (
        await expectJson(
          call("POST", "/contacts/erase", owner, { email: "keep@rights.example", confirm: "other@rights.example" }),
          400,
        )
      ).error.code,
    ).toBe("confirmation_mismatch");
    // Nothing was erased by the refused requests.
    expect(await siteStub(env, SITE).hasConversation(grant.conversationId)).toBe(true);
    expect((await conversationRows(grant.conversationId)).messages).toBe(1);
  });

  it("by visitor id: the bot's lead card and its deliveries, bookings, notices waiting about the conversation and the Gravatar profile go too; another visitor's stay", async () => {
    const gone = await visitorWhoWrote(
      { identity: await identity("503", undefined, "contact@rights.example") },
      "call me",
    );
    const kept = await visitorWhoWrote({}, "I stay");
    const site = siteStub(env, SITE);
    const now = Date.now();
    // What the bot, the booking and the notices keep at the Site (written as they write it).
    const keep = async (who: Grant, n: number, email: string) =>
      runInDurableObject(site, async (_i, state) => {
        const sql = state.storage.sql;
        sql.exec(
          "INSERT INTO leads (id, conversation_id, visitor_id, fields, status, created_at) VALUES (?, ?, ?, ?, 'complete', ?)",
          `lead_${n}`,
          who.conversationId,
          who.visitorId,
          JSON.stringify({ name: "Lena", phone: "+491701234567", email }),
          now,
        );
        sql.exec(
          "INSERT INTO lead_deliveries (lead_id, target, status, at) VALUES (?, 'webhook', 'retrying', ?)",
          `lead_${n}`,
          now,
        );
        sql.exec(
          `INSERT INTO appointments (id, starts_at, ends_at, status, visitor_id, conversation_id, email, name, manage_hash, created_at)
           VALUES (?, ?, ?, 'booked', ?, ?, ?, 'Lena', 'h', ?)`,
          `appt_${n}`,
          now + (n + 1) * 86_400_000,
          now + (n + 1) * 86_400_000 + 1_800_000,
          who.visitorId,
          who.conversationId,
          email,
          now,
        );
        sql.exec(
          "INSERT OR REPLACE INTO notice_queue (conversation_id, item, at) VALUES (?, ?, ?)",
          who.conversationId,
          JSON.stringify({ text: "call me" }),
          now,
        );
        sql.exec(
          "INSERT INTO gravatar_cache (email_hash, profile, fetched_at) VALUES (?, ?, ?)",
          await sha256Hex(email),
          JSON.stringify({ displayName: "Lena" }),
          now,
        );
      });
    await keep(gone.grant, 1, "lead@rights.example");
    await keep(kept.grant, 2, "stays@rights.example");
    const counts = () =>
      runInDurableObject(site, (_i, state) =>
        Object.fromEntries(
          ["leads", "lead_deliveries", "appointments", "notice_queue", "gravatar_cache"].map((table) => [
            table,
            state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).one().n,
          ]),
        ),
      );
    const before = await counts();

    await expectJson(
      call("POST", `/contacts/${gone.grant.visitorId}/erase`, owner, { confirm: gone.grant.visitorId }),
      200,
    );
    const after = await counts();
    for (const table of Object.keys(before)) expect([table, after[table]]).toEqual([table, before[table] - 1]);
    await runInDurableObject(site, (_i, state) => {
      const sql = state.storage.sql;
      expect(sql.exec("SELECT id FROM leads").toArray()).toEqual([{ id: "lead_2" }]);
      expect(sql.exec("SELECT id FROM appointments").toArray()).toEqual([{ id: "appt_2" }]);
      expect(JSON.stringify(sql.exec("SELECT * FROM leads").toArray())).not.toContain("lead@rights.example");
    });
  });

  it("by visitor id: the conversation's object, inbox row, contact, emails and order link are gone; audited without the email", async () => {
    const { grant, tab } = await visitorWhoWrote(
      { identity: await identity("502", undefined, "gone@rights.example") },
      "please forget me",
    );
    const site = siteStub(env, SITE);
    // An email about the conversation (written as the outbox would; the site's mailer is a capture here).
    await runInDurableObject(site, (_i, state) => {
      state.storage.sql.exec(
        `INSERT INTO outbox (id, kind, to_addr, subject, message, conversation_id, status, provider, created_at)
         VALUES ('m_erase', 'transcript', 'gone@rights.example', 'Your chat', '{}', ?, 'outbox', 'outbox', ?)`,
        grant.conversationId,
        Date.now(),
      );
    });
    const event = JSON.stringify({
      type: "order_placed",
      visitorId: grant.visitorId,
      userId: "502",
      orderId: "erase-1",
      total: 10,
      currency: "EUR",
    });
    await pluginRequest("POST", `/api/v1/sites/${SITE}/events`, secrets.pluginSecret, event);

    const res = await expectJson(
      call("POST", `/contacts/${grant.visitorId}/erase`, owner, { confirm: "GONE@rights.example" }),
      200,
    );
    expect(res.erased).toEqual({ visitorIds: [grant.visitorId], conversations: 1 });

    expect(await conversationRows(grant.conversationId)).toEqual({ messages: 0, state: 0 });
    expect(await site.hasConversation(grant.conversationId)).toBe(false);
    expect(await site.contactOf(grant.visitorId)).toBeNull();
    await runInDurableObject(site, (_i, state) => {
      expect(state.storage.sql.exec("SELECT COUNT(*) AS n FROM outbox WHERE id = 'm_erase'").one().n).toBe(0);
    });
    expect((await site.orderEvents()).find((o) => o.orderId === "erase-1")).toMatchObject({
      visitorId: null,
      userId: null,
      total: 10,
    });
    await eventually(() => expect(tab.closed).toBe(true));

    const entry = (await auditActions()).find((e) => e.action === "contact.erase");
    expect(entry).toMatchObject({ target: grant.visitorId, details: { by: "visitorId", conversations: 1 } });
    expect(JSON.stringify(entry)).not.toContain("gone@rights.example");

    // The visitor's old token still opens a session: an empty, new conversation.
    const again = await startSession(SITE, { visitorToken: grant.visitorToken }, SHOP);
    const fresh = await visitorSocket(again);
    expect((await fresh.hello()).messages).toEqual([]);
  });

  it("a message that work begun before the erasure posts after it writes nothing into the erased conversation", async () => {
    const { grant } = await visitorWhoWrote({}, "book me a slot");
    await expectJson(call("POST", `/contacts/${grant.visitorId}/erase`, owner, { confirm: grant.visitorId }), 200);
    // As the bot's booking does once the Site has answered: it posts into the conversation.
    const stub = env.CONVERSATION.get(env.CONVERSATION.idFromString(grant.conversationId));
    let posted = "not run";
    await runInDurableObject(stub, (instance) => {
      try {
        (instance as unknown as { host: ConversationHost }).host.post({
          author: { kind: "bot" },
          text: "Booked: Friday 10:00",
          at: Date.now(),
        });
        posted = "posted";
      } catch (err) {
        posted = (err as Error).message;
      }
    });
    expect(await conversationRows(grant.conversationId)).toEqual({ messages: 0, state: 0 });
    expect(posted).toContain("erased");
  });

  it("by email: every contact and conversation with that email", async () => {
    const a = await visitorWhoWrote(
      { identity: await identity("601", undefined, "twice@rights.example") },
      "first device",
    );
    const b = await visitorWhoWrote({}, "second device");
    b.tab.send({ type: "contact", email: "twice@rights.example" });
    await eventually(async () =>
      expect((await siteStub(env, SITE).contactOf(b.grant.visitorId))?.email).toBe("twice@rights.example"),
    );
    const other = await visitorWhoWrote({}, "someone else");

    const res = await expectJson(
      call("POST", "/contacts/erase", owner, { email: "twice@rights.example", confirm: "twice@rights.example" }),
      200,
    );
    expect(res.erased.visitorIds.sort()).toEqual([a.grant.visitorId, b.grant.visitorId].sort());
    expect(res.erased.conversations).toBe(2);
    for (const v of [a, b]) expect((await conversationRows(v.grant.conversationId)).messages).toBe(0);
    expect((await conversationRows(other.grant.conversationId)).messages).toBe(1);
    expect(
      (
        await expectJson(
          call("POST", "/contacts/erase", owner, { email: "twice@rights.example", confirm: "twice@rights.example" }),
          404,
        )
      ).error.code,
    ).toBe("unknown_contact");
  });
});

describe("retention", () => {
  it("validates the setting and audits it", async () => {
    expect(await expectJson(call("GET", "/data/retention", owner), 200)).toEqual({ months: null });
    for (const months of [0, 121, 1.5, "6"]) {
      expect((await expectJson(call("PUT", "/data/retention", owner, { months }), 400)).error.code).toBe(
        "invalid_body",
      );
    }
    expect((await expectJson(call("PUT", "/data/retention", operator.cookie, { months: 6 }), 403)).error.code).toBe(
      "forbidden",
    );
  });

  it("the Site's alarm erases conversations older than N months, and keeps the rest", async () => {
    const old = await visitorWhoWrote(
      { identity: await identity("701", undefined, "old@rights.example") },
      "an old question",
    );
    const recent = await visitorWhoWrote({}, "a recent question");
    expect(await expectJson(call("PUT", "/data/retention", owner, { months: 6 }), 200)).toEqual({ months: 6 });
    const site = siteStub(env, SITE);
    const sevenMonths = Date.now() - 7 * 31 * 86_400_000;
    await runInDurableObject(site, (_i, state) => {
      const sql = state.storage.sql;
      sql.exec("UPDATE inbox SET updated_at = ? WHERE id = ?", sevenMonths, old.grant.conversationId);
      sql.exec("UPDATE contacts SET last_seen = ? WHERE visitor_id = ?", sevenMonths, old.grant.visitorId);
      // A booking of the old conversation still to come (kept: the visitor is expected), one
      // long over (dropped), a Gravatar profile fetched then, and a booking of a recent one.
      const booking = (id: string, at: number, conversation: string | null) =>
        sql.exec(
          `INSERT INTO appointments (id, starts_at, ends_at, status, visitor_id, conversation_id, email, manage_hash, created_at)
           VALUES (?, ?, ?, 'booked', 'v_someone', ?, 'someone@rights.example', 'h', ?)`,
          id,
          at,
          at + 1_800_000,
          conversation,
          at,
        );
      booking("appt_old_conversation", Date.now() + 86_400_000, old.grant.conversationId);
      booking("appt_long_over", sevenMonths, null);
      booking("appt_to_come", Date.now() + 86_400_000 * 2, recent.grant.conversationId);
      sql.exec("INSERT INTO gravatar_cache (email_hash, profile, fetched_at) VALUES ('h_old', NULL, ?)", sevenMonths);
      expect(sql.exec("SELECT COUNT(*) AS n FROM timers WHERE kind = 'retention'").one().n).toBe(1);
      sql.exec("UPDATE timers SET due = 1 WHERE kind = 'retention'");
    });
    expect(await runDurableObjectAlarm(site)).toBe(true);

    expect(await conversationRows(old.grant.conversationId)).toEqual({ messages: 0, state: 0 });
    expect(await site.hasConversation(old.grant.conversationId)).toBe(false);
    expect(await site.contactOf(old.grant.visitorId)).toBeNull();
    expect((await conversationRows(recent.grant.conversationId)).messages).toBe(1);
    expect(await site.hasConversation(recent.grant.conversationId)).toBe(true);
    await runInDurableObject(site, (_i, state) => {
      const next = state.storage.sql.exec<{ due: number }>("SELECT due FROM timers WHERE kind = 'retention'").one().due;
      expect(next).toBeGreaterThan(Date.now() + 23 * 3600_000);
      expect(
        state.storage.sql.exec("SELECT id FROM appointments WHERE visitor_id = 'v_someone' ORDER BY id").toArray(),
      ).toEqual([{ id: "appt_old_conversation" }, { id: "appt_to_come" }]);
      expect(
        state.storage.sql.exec("SELECT COUNT(*) AS n FROM gravatar_cache WHERE email_hash = 'h_old'").one().n,
      ).toBe(0);
    });
    expect((await auditActions()).find((e) => e.action === "retention.sweep")).toMatchObject({
      details: { conversations: 1 },
    });

    // A conversation that cannot be erased now is left for the next run; the job goes on.
    await runInDurableObject(site, (_i, state) => {
      const sql = state.storage.sql;
      sql.exec(
        "INSERT INTO inbox (id, visitor_id, status, updated_at, rev, entry) VALUES ('not-an-object-id', 'v_x', 'resolved', ?, 1, '{}')",
        sevenMonths,
      );
      sql.exec("UPDATE timers SET due = 1 WHERE kind = 'retention'");
    });
    await runDurableObjectAlarm(site);
    await runInDurableObject(site, (_i, state) => {
      const sql = state.storage.sql;
      expect(sql.exec("SELECT COUNT(*) AS n FROM inbox WHERE id = 'not-an-object-id'").one().n).toBe(1);
      expect(sql.exec<{ due: number }>("SELECT due FROM timers WHERE kind = 'retention'").one().due).toBeGreaterThan(
        Date.now() + 23 * 3600_000,
      );
      sql.exec("DELETE FROM inbox WHERE id = 'not-an-object-id'");
    });

    // Off: the job is cancelled.
    await expectJson(call("PUT", "/data/retention", owner, { months: null }), 200);
    await runInDurableObject(site, (_i, state) => {
      expect(state.storage.sql.exec("SELECT COUNT(*) AS n FROM timers WHERE kind = 'retention'").one().n).toBe(0);
    });
  });
});

describe("rotating secrets", () => {
  it("identity: new and old both verify during the grace period, then only the new one", async () => {
    const before = secrets.identitySecret;
    expect((await expectJson(call("POST", "/secrets/identity/rotate", operator.cookie, {}), 403)).error.code).toBe(
      "forbidden",
    );
    expect((await expectJson(call("POST", "/secrets/video/rotate", owner, {}), 404)).error.code).toBe("unknown_secret");
    expect(
      (await expectJson(call("POST", "/secrets/identity/rotate", owner, { graceHours: 500 }), 400)).error.code,
    ).toBe("invalid_body");

    const rotated = await expectJson(call("POST", "/secrets/identity/rotate", owner), 200);
    expect(rotated.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(rotated.previousValidUntil).toBeGreaterThan(Date.now() + 23.9 * 3600_000);
    const info = (await expectJson(call("GET", "/secrets", owner), 200)).secrets;
    expect(info.identity).toEqual({ set: true, previousValidUntil: rotated.previousValidUntil });
    expect(JSON.stringify(info)).not.toContain(rotated.secret);

    await startSession(SITE, { identity: await identity("801", before) }, SHOP);
    await startSession(SITE, { identity: await identity("801", rotated.secret) }, SHOP);

    // The grace period ends (made to end inside the object, not waited for).
    await runInDurableObject(siteStub(env, SITE), (_i, state) => {
      state.storage.sql.exec(
        "UPDATE settings SET value = json_set(value, '$.until', 1) WHERE key = 'identity_secret_previous'",
      );
    });
    const refused = await post(
      `/api/v1/sites/${SITE}/sessions`,
      { identity: await identity("801", before) },
      { Origin: SHOP },
    );
    expect((await expectJson(refused, 401)).error.code).toBe("bad_identity");
    await startSession(SITE, { identity: await identity("801", rotated.secret) }, SHOP);
    secrets.identitySecret = rotated.secret;

    const entry = (await auditActions()).find((e) => e.action === "secret.rotate" && e.target === "identity");
    expect(entry).toMatchObject({ details: { graceHours: 24 } });
    expect(JSON.stringify(entry)).not.toContain(rotated.secret);
  });

  it("identity with graceHours 0: the old secret is refused at once", async () => {
    const before = secrets.identitySecret;
    const rotated = await expectJson(call("POST", "/secrets/identity/rotate", owner, { graceHours: 0 }), 200);
    expect(rotated.previousValidUntil).toBeNull();
    const refused = await post(
      `/api/v1/sites/${SITE}/sessions`,
      { identity: await identity("802", before) },
      { Origin: SHOP },
    );
    expect(refused.status).toBe(401);
    secrets.identitySecret = rotated.secret;
  });

  it("plugin: both secrets sign the plugin's calls during the grace period, then only the new one", async () => {
    const path = `/api/v1/sites/${SITE}/status`;
    const before = secrets.pluginSecret;
    const rotated = await expectJson(call("POST", "/secrets/plugin/rotate", owner, { graceHours: 1 }), 200);
    expect((await pluginRequest("GET", path, before)).status).toBe(200);
    expect((await pluginRequest("GET", path, rotated.secret)).status).toBe(200);
    await runInDurableObject(siteStub(env, SITE), (_i, state) => {
      state.storage.sql.exec(
        "UPDATE settings SET value = json_set(value, '$.until', 1) WHERE key = 'plugin_secret_previous'",
      );
    });
    expect((await expectJson(pluginRequest("GET", path, before), 401)).error.code).toBe("bad_signature");
    expect((await pluginRequest("GET", path, rotated.secret)).status).toBe(200);
    secrets.pluginSecret = rotated.secret;
  });
});

describe("WooCommerce data for the visitor card", () => {
  function stubShop(answer: (url: URL, init: RequestInit) => Response) {
    const seen: Array<{ url: URL; headers: Headers }> = [];
    const real = globalThis.fetch;
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.origin !== SHOP) return real(input as any, init);
      seen.push({ url, headers: new Headers(init?.headers) });
      return answer(url, init ?? {});
    });
    return seen;
  }

  const customer = {
    cart: {
      items: [{ id: 5, name: "Linen shirt", qty: 1, price: 89, url: `${SHOP}/p/5` }],
      total: 89,
      currency: "EUR",
    },
    orders: [
      {
        id: 77,
        number: "77",
        status: "completed",
        total: 120,
        currency: "EUR",
        date: "2026-01-02T10:00:00Z",
        items: [],
      },
    ],
  };

  it("fetches the identified visitor's cart and orders with a signed GET", async () => {
    const grant = await startSession(SITE, { identity: await identity("42") }, SHOP);
    const seen = stubShop(() => Response.json(customer));
    const res = await expectJson(call("GET", `/visitors/${grant.visitorId}/woo`, operator.cookie), 200);
    expect(res).toEqual({ customer, userId: "42" });
    const [req] = seen;
    expect(req!.url.toString()).toBe(`${SHOP}/?rest_route=/edgechat/v1/customer&user_id=42`);
    const ts = req!.headers.get("X-Edgechat-Timestamp")!;
    expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(5);
    expect(req!.headers.get("X-Edgechat-Signature")).toBe(
      await signRequest(secrets.pluginSecret, ts, {
        method: "GET",
        pathWithQuery: "/?rest_route=/edgechat/v1/customer&user_id=42",
        body: "",
      }),
    );
  });

  it("follows a redirect to the same shop (http → https, www.) signed anew, and says where another one led", async () => {
    const grant = await startSession(SITE, { identity: await identity("43") }, SHOP);
    const target = `${SHOP.replace("://", "://www.")}/?rest_route=/edgechat/v1/customer&user_id=43`;
    const real = globalThis.fetch;
    const seen: Array<{ url: string; path: string; signature: string | null; ts: string | null }> = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.hostname !== new URL(SHOP).hostname && url.hostname !== `www.${new URL(SHOP).hostname}`)
        return real(input as any, init);
      const h = new Headers(init?.headers);
      seen.push({
        url: url.toString(),
        path: url.pathname + url.search,
        signature: h.get("X-Edgechat-Signature"),
        ts: h.get("X-Edgechat-Timestamp"),
      });
      return url.hostname.startsWith("www.")
        ? Response.json(customer)
        : new Response(null, { status: 301, headers: { Location: target } });
    });
    await expectJson(call("GET", `/visitors/${grant.visitorId}/woo`, owner), 200);
    expect(seen.map((s) => s.url)).toEqual([`${SHOP}/?rest_route=/edgechat/v1/customer&user_id=43`, target]);
    expect(seen[1]!.signature).toBe(
      await signRequest(secrets.pluginSecret, seen[1]!.ts!, { method: "GET", pathWithQuery: seen[1]!.path, body: "" }),
    );
    vi.restoreAllMocks();

    stubShop(() => new Response(null, { status: 302, headers: { Location: "https://elsewhere.example/login" } }));
    const away = await expectJson(call("GET", `/visitors/${grant.visitorId}/woo`, owner), 503);
    expect(away.error.code).toBe("shop_error");
    expect(away.error.message).toContain("https://elsewhere.example/login");
  });

  it("passes on the shop's own reason", async () => {
    const grant = await startSession(SITE, { identity: await identity("45") }, SHOP);
    stubShop(() =>
      Response.json(
        { code: "rest_no_route", message: "No route was found matching the URL and request method." },
        { status: 404 },
      ),
    );
    const noRoute = await expectJson(call("GET", `/visitors/${grant.visitorId}/woo`, owner), 503);
    expect(noRoute.error).toMatchObject({ code: "shop_error" });
    expect(noRoute.error.message).toContain("No route was found");
    vi.restoreAllMocks();
    stubShop(() =>
      Response.json(
        { code: "edgechat_stale_signature", message: "The request timestamp is too old or in the future." },
        { status: 401 },
      ),
    );
    const refused = await expectJson(call("GET", `/visitors/${grant.visitorId}/woo`, owner), 503);
    expect(refused.error.code).toBe("shop_refused");
    expect(refused.error.message).toContain("edgechat_stale_signature: The request timestamp is too old");
    vi.restoreAllMocks();
    stubShop(() => new Response("<b>Fatal error</b>", { status: 500, headers: { "Content-Type": "text/html" } }));
    expect((await expectJson(call("GET", `/visitors/${grant.visitorId}/woo`, owner), 503)).error.message).toContain(
      "answered 500",
    );
  });

  it("says why when there is nothing to show", async () => {
    const anonymous = await visitorWhoWrote({ trail: {} }, "no account");
    expect((await expectJson(call("GET", `/visitors/${anonymous.grant.visitorId}/woo`, owner), 404)).error.code).toBe(
      "not_identified",
    );
    expect((await expectJson(call("GET", "/visitors/v_unknown/woo", owner), 404)).error.code).toBe("unknown_visitor");
    const grant = await startSession(SITE, { identity: await identity("44") }, SHOP);
    stubShop(() => Response.json({ code: "edgechat_bad_signature" }, { status: 401 }));
    expect((await expectJson(call("GET", `/visitors/${grant.visitorId}/woo`, owner), 503)).error.code).toBe(
      "shop_refused",
    );
    vi.restoreAllMocks();
    stubShop(() => {
      throw new TypeError("connection refused");
    });
    expect((await expectJson(call("GET", `/visitors/${grant.visitorId}/woo`, owner), 503)).error.code).toBe(
      "shop_unreachable",
    );
    expect((await call("GET", `/visitors/${grant.visitorId}/woo`, null)).status).toBe(401);
  });
});
