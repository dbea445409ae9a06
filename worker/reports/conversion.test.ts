import { describe, expect, it } from "vitest";
import { channelOf, conversionFigures, type AttributedOrder } from "./conversion";
import type { ConversationFacts } from "./facts";
import { conversationFacts } from "./facts.fixture";
import { addSlot, emptySketch, estimate, mergeInto, slotOf } from "./visitor-sketch";

const facts = (over: Partial<ConversationFacts> = {}): ConversationFacts =>
  conversationFacts("c", { firstVisitorAt: 0, firstOperatorAt: 1000, ...over });
const bot = {
  depth: 3,
  feedback: 0,
  helpful: 0,
  lead: false,
  booked: false,
  handoffAt: null,
  lastBotAt: 0,
  lastPersonAt: null,
};

describe("channelOf", () => {
  it("counts a conversation under its strongest touch", () => {
    expect(channelOf(facts())).toBe("chat");
    expect(channelOf(facts({ continuedByEmail: true }))).toBe("email");
    expect(channelOf(facts({ bot, firstOperatorAt: null }))).toBe("bot");
    // The bot handed over and a person answered: a chat with a person.
    expect(channelOf(facts({ bot }))).toBe("chat");
    expect(channelOf(facts({ continuedByEmail: true, calls: { answered: 1 } as never }))).toBe("video");
    expect(channelOf(facts({ appointments: { booked: 1, attended: 0, noShow: 0 } }))).toBe("video");
    expect(channelOf(facts({ calls: { answered: 0 } as never }))).toBe("chat");
  });
});

describe("conversionFigures", () => {
  it("works out a period by hand: rates, revenue in the main currency, orders by channel", () => {
    const orders: AttributedOrder[] = [
      { visitorId: "v1", total: 100, currency: "EUR", conversation: facts() },
      { visitorId: "v1", total: 50.1, currency: "EUR", conversation: facts({ continuedByEmail: true }) },
      { visitorId: "v2", total: 30.2, currency: "EUR", conversation: null },
      { visitorId: null, total: 19.7, currency: "EUR", conversation: null },
      { visitorId: "v3", total: 10, currency: "USD", conversation: facts({ bot, firstOperatorAt: null }) },
    ];
    expect(conversionFigures({ orders, visitors: 40, chattingVisitors: 4, chattingBuyers: 2 })).toEqual({
      visitors: 40,
      buyers: 3,
      orderRate: 3 / 40,
      chattingVisitors: 4,
      chattingBuyers: 2,
      chattingOrderRate: 0.5,
      orders: 5,
      attributedOrders: 3,
      currency: "EUR",
      revenue: 200,
      attributedRevenue: 150.1,
      otherCurrencyOrders: 1,
      byChannel: [
        { channel: "chat", orders: 1, revenue: 100 },
        { channel: "email", orders: 1, revenue: 50.1 },
        // Its order was in dollars: counted, not added to euros.
        { channel: "bot", orders: 1, revenue: 0 },
        { channel: "video", orders: 0, revenue: 0 },
      ],
    });
  });

  it("has no rates where nothing was counted", () => {
    const none = conversionFigures({ orders: [], visitors: null, chattingVisitors: 0, chattingBuyers: 0 });
    expect(none).toMatchObject({ orderRate: null, chattingOrderRate: null, currency: null, revenue: 0, orders: 0 });
  });
});

describe("visitor sketch", () => {
  async function sketchOf(ids: string[]) {
    const s = emptySketch();
    for (const id of ids) addSlot(s, await slotOf(id));
    return s;
  }
  const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

  it("counts different visitors within 5 % (three standard errors), from one to fifty thousand", async () => {
    expect(estimate(emptySketch())).toBe(0);
    expect(estimate(await sketchOf(["v_only"]))).toBe(1);
    for (const n of [100, 3_000, 12_000, 50_000]) {
      const got = estimate(await sketchOf(ids("v_", n)));
      expect(Math.abs(got - n) / n, `${n} visitors estimated as ${got}`).toBeLessThan(0.05);
    }
  });

  it("counts a returning visitor once, and a visitor seen on two days once in the period", async () => {
    const monday = await sketchOf(ids("a", 2_000));
    const again = emptySketch();
    mergeInto(again, monday);
    for (const id of ids("a", 2_000)) expect(addSlot(again, await slotOf(id))).toBe(false);
    const tuesday = await sketchOf([...ids("a", 1_000), ...ids("b", 1_000)]);
    mergeInto(monday, tuesday);
    expect(Math.abs(estimate(monday) - 3_000) / 3_000).toBeLessThan(0.05);
  });

  it("keeps no visitor: only a rank of at most 53 per register", async () => {
    const s = await sketchOf(ids("secret-visitor-", 5_000));
    expect(Math.max(...s)).toBeLessThanOrEqual(53);
    expect(s.length).toBe(4096);
  });
});
