import { beforeAll, describe, expect, it } from "vitest";
import { localDay } from "../../worker/reports";
import { addOperator, call, expectJson } from "./admin-helpers";
import {
  createSite,
  eventually,
  login,
  noAutoReplies,
  operatorSocket,
  pluginRequest,
  startSession,
  visitorSocket,
  type Grant,
} from "./helpers";

const SITE = "reports-shop";
let owner: string;
const today = () => localDay("Europe/Berlin", Date.now());
const q = (params: Record<string, string>) => `?${new URLSearchParams(params)}`;

beforeAll(async () => {
  await createSite(SITE); // Europe/Berlin
  owner = await login(SITE);
  await noAutoReplies(owner);
});

async function answeredChat(grant?: Grant, cookie = owner): Promise<string> {
  grant ??= await startSession(SITE);
  const tab = await visitorSocket(grant);
  await tab.hello();
  await tab.say("Do you ship to Norway?");
  const op = await operatorSocket(cookie, grant.conversationId);
  await op.hello();
  op.send({ type: "message", clientId: crypto.randomUUID(), text: "Yes, in 3 days." });
  await op.next("ack");
  return grant.conversationId;
}

describe("GET /api/v1/admin/reports", () => {
  it("counts a conversation answered by an operator on today's local date", async () => {
    const empty = await expectJson(call("GET", `/reports${q({ from: today(), to: today() })}`, owner), 200);
    await answeredChat();
    await eventually(async () => {
      const r = await expectJson(call("GET", `/reports${q({ from: today(), to: today() })}`, owner), 200);
      expect(r.figures.conversations).toBe(empty.figures.conversations + 1);
      expect(r.figures.answered).toBe(empty.figures.answered + 1);
    });
    const r = await expectJson(call("GET", `/reports${q({ from: today(), to: today() })}`, owner), 200);
    expect(r.period).toMatchObject({ from: today(), to: today(), timeZone: "Europe/Berlin", days: 1 });
    expect(r.figures.firstResponse.mean).toBeGreaterThanOrEqual(0);
    expect(r.figures.firstResponse.mean).toBeLessThan(10_000);
    expect(r.figures.bot).toBeNull();
    expect(r.previous.conversations).toBe(0);
    // The same day read in another zone is counted from the facts, and still finds it.
    const utc = await expectJson(
      call(
        "GET",
        `/reports${q({ from: localDay("UTC", Date.now()), to: localDay("UTC", Date.now()), tz: "UTC" })}`,
        owner,
      ),
      200,
    );
    expect(utc.figures.conversations).toBeGreaterThanOrEqual(1);
  });

  it("counts a chat an operator started as answered once the operator answers the visitor", async () => {
    const report = async () => expectJson(call("GET", `/reports${q({ from: today(), to: today() })}`, owner), 200);
    const before = await report();
    const url = "https://shop.example/lamps";
    const grant = await startSession(SITE, { visit: { landing: url, pages: [{ url, at: Date.now() }] } });
    await expectJson(
      call("POST", `/online/${grant.visitorId}/message`, owner, { text: "Hello! Looking for a lamp?" }),
      200,
    );
    // The visitor answers the operator's opening line, and the operator answers the visitor.
    const tab = await visitorSocket(grant);
    await tab.hello();
    await tab.say("Yes, a reading lamp.");
    const op = await operatorSocket(owner, grant.conversationId);
    await op.hello();
    await op.say("This one has a dimmer.");
    await eventually(async () => {
      const r = await report();
      expect(r.figures.conversations).toBe(before.figures.conversations + 1);
      expect(r.figures.answered).toBe(before.figures.answered + 1);
      expect(r.figures.firstResponse.count).toBe(before.figures.firstResponse.count + 1);
    });
    tab.close();
    op.close();
  });

  it("refuses from after to, over two years, unknown zones and a bad threshold", async () => {
    const bad = async (params: Record<string, string>, field: string) => {
      const body = await expectJson(call("GET", `/reports${q(params)}`, owner), 400);
      expect(body.error.code).toBe("invalid_period");
      expect(Object.keys(body.error.fields)).toEqual([field]);
      return body.error.message;
    };
    expect(await bad({ from: "2026-03-02", to: "2026-03-01" }, "from")).toBe("from must not be after to");
    expect(await bad({ from: "2024-01-01", to: "2026-01-02" }, "to")).toContain("at most 731 days");
    expect(await bad({ from: "2026-03-01", to: "2026-03-02", tz: "Mars/Olympus" }, "tz")).toContain(
      "unknown time zone",
    );
    await bad({ from: "yesterday", to: "2026-03-02" }, "from");
    await bad({ from: "2026-03-01", to: "2026-03-02", missedAfter: "0" }, "missedAfter");
    await bad({ from: "2026-03-01", to: "2026-03-02", missedAfter: "-5" }, "missedAfter");
  });

  it("is for owners and admins only", async () => {
    const operator = await addOperator(SITE, owner, "operator");
    const body = await expectJson(call("GET", `/reports${q({ from: today(), to: today() })}`, operator.cookie), 403);
    expect(body.error.code).toBeTruthy();
    await expectJson(call("GET", `/reports${q({ from: today(), to: today() })}`, null), 401);
  });
});

describe("a site that moves to another time zone", () => {
  it("counts each conversation on its local date in the new zone", async () => {
    const MOVED = "reports-moved-shop";
    await createSite(MOVED);
    const cookie = await login(MOVED);
    await noAutoReplies(cookie);
    // 25 hours apart: a conversation's local date is another one in each.
    await expectJson(call("PUT", "/settings", cookie, { timezone: "Pacific/Kiritimati" }), 200);
    const report = async (zone: string) => {
      const day = localDay(zone, Date.now());
      return (await expectJson(call("GET", `/reports${q({ from: day, to: day })}`, cookie), 200)).figures;
    };
    const grants = [await startSession(MOVED), await startSession(MOVED)];
    for (const grant of grants) {
      const tab = await visitorSocket(grant);
      await tab.hello();
      await tab.say("Do you ship to Samoa?");
      tab.close();
    }
    await eventually(async () => expect((await report("Pacific/Kiritimati")).conversations).toBe(2));
    await expectJson(call("PUT", "/settings", cookie, { timezone: "Pacific/Pago_Pago" }), 200);
    // One of the two changes after the move (an operator answers it); the other does not.
    await answeredChat(grants[1], cookie);
    await eventually(async () => expect((await report("Pacific/Pago_Pago")).answered).toBe(1));
    expect((await report("Pacific/Pago_Pago")).conversations).toBe(2);
  });
});

describe("GET /api/v1/admin/reports/:table.csv", () => {
  it("downloads a table as CSV", async () => {
    await answeredChat();
    const res = await call("GET", `/reports/hours.csv${q({ from: today(), to: today() })}`, owner);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toBe(`attachment; filename="hours-${today()}-${today()}.csv"`);
    const lines = (await res.text()).split("\r\n");
    expect(lines[0]).toBe("hour,conversations");
    expect(lines.slice(1, 25).reduce((s, l) => s + Number(l.split(",")[1]), 0)).toBeGreaterThanOrEqual(1);
  });

  it("counts conversations by the page the chat started on, from the trail the widget uploaded", async () => {
    const before = await expectJson(call("GET", `/reports${q({ from: today(), to: today() })}`, owner), 200);
    const count = (r: any, page: string) =>
      r.figures.byStartPage.find((p: { page: string }) => p.page === page)?.conversations ?? 0;
    const page = "https://shop.example/kettles";
    for (const url of [`${page}?utm_source=mail`, `${page}#reviews`]) {
      const grant = await startSession(SITE, {
        trail: { landing: "https://shop.example/", pages: [{ url, at: Date.now() }] },
      });
      const tab = await visitorSocket(grant);
      await tab.hello();
      await tab.say("Is the blue kettle in stock?");
      tab.close();
    }
    await eventually(async () => {
      const r = await expectJson(call("GET", `/reports${q({ from: today(), to: today() })}`, owner), 200);
      expect(count(r, page)).toBe(count(before, page) + 2);
    });
    const res = await call("GET", `/reports/pages.csv${q({ from: today(), to: today() })}`, owner);
    const lines = (await res.text()).split("\r\n");
    expect(lines[0]).toBe("page,conversations");
    expect(lines).toContain(`${page},2`);
  });

  it("names the tables when asked for another", async () => {
    const body = await expectJson(call("GET", `/reports/secrets.csv${q({ from: today(), to: today() })}`, owner), 404);
    expect(body.error.message).toContain("daily.csv");
    await expectJson(call("GET", `/reports/hours.csv${q({ from: "2026-03-02", to: "2026-03-01" })}`, owner), 400);
  });
});

describe("conversion", () => {
  const SHOP = "conversion-shop";
  let secret: string;
  let cookie: string;
  const page = (url: string) => ({ landing: url, pages: [{ url, at: Date.now() }] });
  const order = (orderId: string, visitorId: string | null, total: number, at = new Date()) =>
    pluginRequest(
      "POST",
      `/api/v1/sites/${SHOP}/events`,
      secret,
      JSON.stringify({ type: "order_placed", orderId, visitorId, total, currency: "EUR", at: at.toISOString() }),
    );
  const conversion = async (day = today()) =>
    (await expectJson(call("GET", `/reports${q({ from: day, to: day })}`, cookie), 200)).figures.conversion;

  beforeAll(async () => {
    secret = (await createSite(SHOP)).pluginSecret;
    cookie = await login(SHOP);
    await noAutoReplies(cookie);
  });

  it("says no data until the shop reports an order, then weighs chatting visitors' orders against all counted visitors", async () => {
    expect(await conversion()).toBeNull();
    // Three visitors view pages; one of them chats with a person and comes back to another page.
    const chatter = await startSession(SHOP, { visit: page("https://shop.example/boots") });
    const browsers = [
      await startSession(SHOP, { visit: page("https://shop.example/") }),
      await startSession(SHOP, { visit: page("https://shop.example/sale") }),
    ];
    await answeredChat(chatter, cookie);
    await startSession(SHOP, { visitorToken: chatter.visitorToken, visit: page("https://shop.example/cart") });
    expect((await order("1001", chatter.visitorId, 120)).status).toBe(202);
    expect((await order("1002", browsers[0]!.visitorId, 30.5)).status).toBe(202);
    expect((await order("1003", null, 15)).status).toBe(202); // a visitor the widget never saw
    await eventually(async () =>
      expect(await conversion()).toEqual({
        visitors: 3,
        buyers: 2,
        orderRate: 2 / 3,
        chattingVisitors: 1,
        chattingBuyers: 1,
        chattingOrderRate: 1,
        orders: 3,
        attributedOrders: 1,
        currency: "EUR",
        revenue: 165.5,
        attributedRevenue: 120,
        otherCurrencyOrders: 0,
        byChannel: [
          { channel: "chat", orders: 1, revenue: 120 },
          { channel: "email", orders: 0, revenue: 0 },
          { channel: "bot", orders: 0, revenue: 0 },
          { channel: "video", orders: 0, revenue: 0 },
        ],
      }),
    );
    const csv = await (await call("GET", `/reports/conversion.csv${q({ from: today(), to: today() })}`, cookie)).text();
    expect(csv.split("\r\n")).toEqual(
      expect.arrayContaining(["figure,value", "visitors_counted,3", "orders_after_chat,1", "revenue,165.5"]),
    );
  });

  it("attributes an order to a chat only in the 30 days after it started", async () => {
    const chatter = await startSession(SHOP, { visit: page("https://shop.example/boots") });
    await answeredChat(chatter, cookie);
    const later = (days: number) => new Date(Date.now() + days * 86_400_000);
    await order("2001", chatter.visitorId, 50, later(29));
    await order("2002", chatter.visitorId, 70, later(31));
    await order("2003", chatter.visitorId, 90, later(-1)); // before the chat
    const on = (d: Date) => localDay("Europe/Berlin", d.getTime());
    await eventually(async () => expect((await conversion(on(later(29))))?.attributedOrders).toBe(1));
    expect(await conversion(on(later(31)))).toMatchObject({ orders: 1, attributedOrders: 0, visitors: null });
    expect(await conversion(on(later(-1)))).toMatchObject({ orders: 1, attributedOrders: 0 });
  });

  it("forgets which visitor chatted when the visitor is erased, and keeps the order counts", async () => {
    const chatter = await startSession(SHOP, { visit: page("https://shop.example/") });
    await answeredChat(chatter, cookie);
    await order("3001", chatter.visitorId, 10, new Date(Date.now() + 2 * 86_400_000));
    const day = localDay("Europe/Berlin", Date.now() + 2 * 86_400_000);
    await eventually(async () => expect((await conversion(day))?.attributedOrders).toBe(1));
    await expectJson(call("POST", `/contacts/${chatter.visitorId}/erase`, cookie, { confirm: chatter.visitorId }), 200);
    expect(await conversion(day)).toMatchObject({ orders: 1, attributedOrders: 0, buyers: 0 });
  });
});
