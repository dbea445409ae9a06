import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { GreetingRule } from "../../worker/protocol";
import { greetingRule } from "../../worker/protocol";
import { matchRule, pageMatches, type PageView } from "../../worker/site/engage/greetings";
import { ONLINE_TTL_MS, visitOf } from "../../worker/site/engage/online";
import { call, expectJson } from "./admin-helpers";
import { ORIGIN, createSite, eventually, login, openSocket, post, startSession, visitorSocket } from "./helpers";

const SITE = "engage-shop";
let owner: string;

const siteObject = () => env.SITE.get(env.SITE.idFromName(SITE)) as DurableObjectStub;

/** A page view as the widget sends it: the trail of this visit, ending on `url`. */
function visit(url: string, pages: Array<{ url: string; at: number }> = []) {
  return { landing: pages[0]?.url ?? url, pages: [...pages, { url, title: `Title of ${url}`, at: Date.now() }] };
}

beforeAll(async () => {
  await createSite(SITE, [ORIGIN]);
  owner = await login(SITE);
});

describe("who is online now", () => {
  it("lists a page view with its page, visit start, returning flag and cart, and stores no contact", async () => {
    const earlier = Date.now() - 3 * 3600_000;
    const grant = await startSession(SITE, {
      visit: visit("https://shop.example/p/shirt", [
        { url: "https://shop.example/old", at: earlier },
        { url: "https://shop.example/", at: Date.now() - 60_000 },
      ]),
      cart: { items: [{ name: "Shirt", qty: 1, price: 49 }], total: 49, currency: "EUR" },
    });
    const { visitors } = await expectJson(call("GET", "/online", owner), 200);
    const me = visitors.find((v: any) => v.visitorId === grant.visitorId);
    expect(me).toMatchObject({
      url: "https://shop.example/p/shirt",
      title: "Title of https://shop.example/p/shirt",
      returning: true,
      pages: 2,
      cart: { total: 49, currency: "EUR" },
      chatted: false,
    });
    expect(Date.now() - me.since).toBeGreaterThanOrEqual(59_000);
    await runInDurableObject(siteObject(), (_i, state) => {
      const n = state.storage.sql
        .exec("SELECT COUNT(*) AS n FROM contacts WHERE visitor_id = ?", grant.visitorId)
        .one().n;
      expect(n).toBe(0);
    });
  });

  it("a first visit is new; a second page view moves the visitor to the new page", async () => {
    const grant = await startSession(SITE, { visit: visit("https://shop.example/a") });
    await startSession(SITE, {
      visitorToken: grant.visitorToken,
      visit: visit("https://shop.example/b", [{ url: "https://shop.example/a", at: Date.now() - 5000 }]),
    });
    const { visitors } = await expectJson(call("GET", "/online", owner), 200);
    const mine = visitors.filter((v: any) => v.visitorId === grant.visitorId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ url: "https://shop.example/b", returning: false, pages: 2 });
  });

  it("tells operators' admin sockets of each page view", async () => {
    const socket = await openSocket("/api/v1/admin/ws", { Cookie: owner });
    if (socket instanceof Response) throw new Error(`admin socket refused: ${socket.status}`);
    const grant = await startSession(SITE, { visit: visit("https://shop.example/live") });
    let frame = await socket.next("online");
    while (frame.visitor.visitorId !== grant.visitorId) frame = await socket.next("online");
    expect(frame.visitor.url).toBe("https://shop.example/live");
    socket.close();
  });

  it("forgets a visitor after the expiry, by the sweep timer", async () => {
    const grant = await startSession(SITE, { visit: visit("https://shop.example/leaving") });
    await runInDurableObject(siteObject(), (_i, state) => {
      state.storage.sql.exec(
        "UPDATE visitors_online SET seen_at = ? WHERE visitor_id = ?",
        Date.now() - ONLINE_TTL_MS - 1,
        grant.visitorId,
      );
      state.storage.sql.exec("UPDATE timers SET due = ? WHERE kind = 'engage.online-sweep'", Date.now() - 1);
    });
    await runDurableObjectAlarm(siteObject());
    await runInDurableObject(siteObject(), (_i, state) => {
      const n = state.storage.sql
        .exec("SELECT COUNT(*) AS n FROM visitors_online WHERE visitor_id = ?", grant.visitorId)
        .one().n;
      expect(n).toBe(0);
    });
    const { visitors } = await expectJson(call("GET", "/online", owner), 200);
    expect(visitors.some((v: any) => v.visitorId === grant.visitorId)).toBe(false);
  });

  it("counts the visit from the last gap of more than 30 minutes", () => {
    const now = 10 * 3600_000;
    expect(visitOf({ pages: [{ url: "a", at: now - 5000 }] }, now)).toEqual({
      since: now - 5000,
      returning: false,
      pages: 1,
    });
    expect(
      visitOf(
        {
          pages: [
            { url: "a", at: now - 7200_000 },
            { url: "b", at: now - 600_000 },
            { url: "c", at: now },
          ],
        },
        now,
      ),
    ).toEqual({ since: now - 600_000, returning: true, pages: 2 });
  });
});

describe("a proactive message", () => {
  it("starts the visitor's conversation with the operator's words and is offered at the next page view", async () => {
    const grant = await startSession(SITE, { visit: visit("https://shop.example/help") });
    const started = await expectJson(
      call("POST", `/online/${grant.visitorId}/message`, owner, { text: "Hello! Can I help you choose?" }),
      200,
    );
    expect(started.conversationId).toBe(grant.conversationId);
    const next = await startSession(SITE, {
      visitorToken: grant.visitorToken,
      visit: visit("https://shop.example/help2"),
    });
    expect(next.conversationId).toBe(grant.conversationId);
    expect(next.config.engage).toMatchObject({
      kind: "message",
      text: "Hello! Can I help you choose?",
      id: grant.conversationId,
    });
    const visitor = await visitorSocket(next);
    const welcome = await visitor.hello();
    expect(welcome.messages.map((m: any) => [m.author.kind, m.text])).toEqual([
      ["operator", "Hello! Can I help you choose?"],
    ]);
    visitor.close();
    // The widget's report of it counts under "message", for all operators' first messages.
    const shown = { visitorToken: next.visitorToken, id: grant.conversationId, event: "shown" };
    await eventually(async () =>
      expect((await post(`/api/v1/sites/${SITE}/engage`, shown, { Origin: ORIGIN })).status).toBe(200),
    );
  });

  it("answers 404 for a visitor who is not on the site, and 400 for an empty text", async () => {
    const gone = await expectJson(
      call("POST", "/online/v_0123456789abcdef01234567/message", owner, { text: "Hi" }),
      404,
    );
    expect(gone.error.code).toBe("visitor_gone");
    const grant = await startSession(SITE, { visit: visit("https://shop.example/x") });
    const empty = await expectJson(call("POST", `/online/${grant.visitorId}/message`, owner, { text: "  " }), 400);
    expect(empty.error.fields.text).toBeTruthy();
  });
});

describe("greeting rules", () => {
  const rule = (over: Partial<GreetingRule>): GreetingRule =>
    greetingRule.parse({ id: "r", text: { en: "Hi" }, ...over });
  const view = (over: Partial<PageView> = {}): PageView => ({
    url: "https://shop.example/products/shirt?utm_source=x",
    returning: false,
    open: true,
    ...over,
  });

  it.each([
    ["any page", rule({}), view(), true],
    ["a path pattern", rule({ pages: ["/products/*"] }), view(), true],
    ["another path", rule({ pages: ["/cart"] }), view(), false],
    ["a full address", rule({ pages: ["https://shop.example/products/*"] }), view(), true],
    ["returning only, new visitor", rule({ visitors: "returning" }), view(), false],
    ["returning only, returning visitor", rule({ visitors: "returning" }), view({ returning: true }), true],
    ["new only, returning visitor", rule({ visitors: "new" }), view({ returning: true }), false],
    ["cart of 50, no cart", rule({ minCart: 50 }), view(), false],
    ["cart of 50, cart of 49", rule({ minCart: 50 }), view({ cartTotal: 49 }), false],
    ["cart of 50, cart of 50", rule({ minCart: 50 }), view({ cartTotal: 50 }), true],
    ["open hours only, closed", rule({ schedule: "open" }), view({ open: false }), false],
    ["closed hours only, closed", rule({ schedule: "closed" }), view({ open: false }), true],
    ["disabled", rule({ enabled: false }), view(), false],
  ])("%s", (_name, r, v, matches) => {
    expect(matchRule([r], v) !== null).toBe(matches);
  });

  it("matches paths with or without a trailing slash, and never across the pattern's literal dots", () => {
    expect(pageMatches("/cart", "https://shop.example/cart/")).toBe(true);
    expect(pageMatches("/a.b", "https://shop.example/axb")).toBe(false);
    expect(pageMatches("/", "not a url")).toBe(false);
  });

  it("refuses an invalid rule with the field's message", async () => {
    const bad = await expectJson(
      call("PUT", "/greetings", owner, { rules: [{ id: "Bad Id", text: { en: "" }, delaySeconds: 9999 }] }),
      400,
    );
    expect(bad.error.fields).toMatchObject({
      "rules.0.id": expect.stringContaining("lower-case"),
      "rules.0.delaySeconds": "between 0 and 600 seconds",
      "rules.0.text.en": "write the greeting in at least one language",
    });
  });

  it("offers the matching greeting in the widget's language, and nothing on another page", async () => {
    await expectJson(
      call("PUT", "/greetings", owner, {
        rules: [
          {
            id: "shirts",
            text: { en: "Need a size?", ru: "Подсказать размер?" },
            pages: ["/shirts/*"],
            delaySeconds: 5,
          },
        ],
      }),
      200,
    );
    const ru = await startSession(SITE, { visit: visit("https://shop.example/shirts/1"), locale: "ru" });
    expect(ru.config.engage).toMatchObject({
      kind: "greeting",
      id: "shirts",
      text: "Подсказать размер?",
      delay: 5,
      period: 24,
    });
    const en = await startSession(SITE, { visit: visit("https://shop.example/shirts/1"), locale: "en" });
    expect(en.config.engage.text).toBe("Need a size?");
    const other = await startSession(SITE, { visit: visit("https://shop.example/shoes/1") });
    expect(other.config.engage).toBeUndefined();
  });

  it("counts what the widget reports, per rule", async () => {
    const grant = await startSession(SITE, { visit: visit("https://shop.example/shirts/2") });
    for (const event of ["shown", "shown", "replied"]) {
      const res = await post(
        `/api/v1/sites/${SITE}/engage`,
        { visitorToken: grant.visitorToken, id: "shirts", event },
        { Origin: ORIGIN },
      );
      expect(res.status, await res.text()).toBe(200);
    }
    const bad = await post(
      `/api/v1/sites/${SITE}/engage`,
      { visitorToken: "nope", id: "shirts", event: "shown" },
      { Origin: ORIGIN },
    );
    expect(bad.status).toBe(401);
    // Ids the site never offered this visitor are refused, and leave no counter behind.
    for (const id of ["no-such-rule", `c${"0".repeat(47)}`]) {
      const unknown = await expectJson(
        post(
          `/api/v1/sites/${SITE}/engage`,
          { visitorToken: grant.visitorToken, id, event: "shown" },
          { Origin: ORIGIN },
        ),
        404,
      );
      expect(unknown.error.code).toBe("unknown_offer");
    }
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const { counts } = await expectJson(call("GET", `/greetings/counts?from=${yesterday}&to=${tomorrow}`, owner), 200);
    expect(counts.find((c: any) => c.id === "shirts")).toEqual({ id: "shirts", shown: 2, replied: 1, dismissed: 0 });
    expect(counts.map((c: any) => c.id)).not.toContain("no-such-rule");
    // A period the wrong way round is refused as the reports refuse it, not answered with nothing.
    const reversed = await expectJson(call("GET", `/greetings/counts?from=${tomorrow}&to=${yesterday}`, owner), 400);
    expect(reversed.error).toMatchObject({ code: "invalid_period", message: "from must not be after to" });
  });
});

describe("blocking a visitor", () => {
  it("refuses the blocked visitor's sessions, closes their socket, audits, and unblocks", async () => {
    const grant = await startSession(SITE, { visit: visit("https://shop.example/spam") });
    const visitor = await visitorSocket(grant);
    await visitor.hello();
    await visitor.say("buy cheap pills");
    await eventually(async () => {
      const res = await call("GET", `/conversations/${grant.conversationId}/visitor`, owner);
      expect(res.status).toBe(200);
    });
    const bad = await expectJson(
      call("POST", `/conversations/${grant.conversationId}/block`, owner, { hours: 0 }),
      400,
    );
    expect(bad.error.fields.hours).toBe("between 1 hour and 1 year");
    const { blocks } = await expectJson(
      call("POST", `/conversations/${grant.conversationId}/block`, owner, { hours: 24, reason: "spam" }),
      200,
    );
    expect(blocks[0]).toMatchObject({ kind: "visitor", visitorId: grant.visitorId, reason: "spam" });
    await eventually(() => expect(visitor.closed).toBe(true));

    const res = await post(`/api/v1/sites/${SITE}/sessions`, { visitorToken: grant.visitorToken }, { Origin: ORIGIN });
    expect(res.status).toBe(403);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
    expect(((await res.json()) as any).error.code).toBe("visitor_blocked");
    const again = await openSocket(
      `/api/v1/conversations/${grant.conversationId}/ws?token=${encodeURIComponent(grant.visitorToken)}`,
    );
    expect(again instanceof Response && again.status).toBe(403);

    const card = await expectJson(call("GET", `/conversations/${grant.conversationId}/visitor`, owner), 200);
    expect(card.visitor.blockedUntil).toBeGreaterThan(Date.now());
    const { entries } = await expectJson(call("GET", "/audit", owner), 200);
    expect(entries.some((e: any) => e.action === "visitor.block" && e.target === grant.visitorId)).toBe(true);

    const listed = await expectJson(call("GET", "/blocks", owner), 200);
    const entry = listed.blocks.find((b: any) => b.visitorId === grant.visitorId);
    await expectJson(call("DELETE", `/blocks/${entry.id}`, owner), 200);
    const back = await startSession(SITE, { visitorToken: grant.visitorToken });
    expect(back.visitorId).toBe(grant.visitorId);
    const socket = await visitorSocket(back);
    await socket.hello();
    socket.close();
  });
});

describe("texts per language", () => {
  it("gives the greeting and team name in the widget's language, else the default ones", async () => {
    await expectJson(
      call("PUT", "/settings", owner, {
        look: {
          greeting: "Hello!",
          teamName: "Team",
          texts: { ru: { greeting: "Здравствуйте!", teamName: "Команда" } },
        },
      }),
      200,
    );
    const ru = await startSession(SITE, { locale: "ru-RU" });
    expect(ru.config.look).toMatchObject({ greeting: "Здравствуйте!", teamName: "Команда" });
    expect(ru.config.look.texts).toBeUndefined();
    const en = await startSession(SITE, { locale: "en" });
    expect(en.config.look).toMatchObject({ greeting: "Hello!", teamName: "Team" });
  });

  it("shows the browser's language on the visitor card", async () => {
    const res = await post(
      `/api/v1/sites/${SITE}/sessions`,
      { locale: "en" },
      { Origin: ORIGIN, "Accept-Language": "ru-RU,ru;q=0.9,en;q=0.8" },
    );
    const grant = (await res.json()) as any;
    const visitor = await visitorSocket(grant);
    await visitor.hello();
    await visitor.say("привет");
    await post(
      `/api/v1/sites/${SITE}/sessions`,
      { visitorToken: grant.visitorToken, trail: visit("https://shop.example/") },
      {
        Origin: ORIGIN,
        "Accept-Language": "ru-RU,ru;q=0.9",
      },
    );
    await eventually(async () => {
      const card = await expectJson(call("GET", `/conversations/${grant.conversationId}/visitor`, owner), 200);
      expect(card.visitor.language).toBe("ru-RU");
    });
    visitor.close();
  });
});
