/**
 * Conversion: what orders the shop's plugin reported say about chat (docs/metrics.md). An
 * order is attributed to chat when its visitor wrote in a conversation that started in the
 * ATTRIBUTION_WINDOW_MS before the order; the newest such conversation names its channel.
 */
import type { ConversationFacts } from "./facts";

/** How long after a chat an order still counts as the chat's: 30 days. */
export const ATTRIBUTION_WINDOW_MS = 30 * 86_400_000;

export const CHANNELS = ["chat", "email", "bot", "video"] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * The one channel a conversation counts under, the strongest touch first: a call answered or
 * an appointment booked (video), a reply that went on by email, the bot alone with no human
 * answer, else a chat with a person.
 */
export function channelOf(f: ConversationFacts): Channel {
  if ((f.calls?.answered ?? 0) > 0 || (f.appointments?.booked ?? 0) > 0) return "video";
  if (f.continuedByEmail) return "email";
  if (f.bot && f.firstOperatorAt === null) return "bot";
  return "chat";
}

/** An order of the period with the conversation it is attributed to (null: none). */
export interface AttributedOrder {
  visitorId: string | null;
  total: number;
  currency: string;
  conversation: ConversationFacts | null;
}

export interface ChannelFigures {
  channel: Channel;
  orders: number;
  revenue: number;
}

export interface ConversionFigures {
  /** Different visitors the widget counted in the period (an estimate, ±1.6 %); null when it counted none. */
  visitors: number | null;
  /** Different visitors (by the widget's id) who ordered in the period. */
  buyers: number;
  /** buyers / visitors. */
  orderRate: number | null;
  /** Different visitors who wrote in a conversation that started in the period. */
  chattingVisitors: number;
  /** Of those, the ones who ordered in the 30 days after their chat. */
  chattingBuyers: number;
  chattingOrderRate: number | null;
  /** Orders placed in the period, and those attributed to a chat. */
  orders: number;
  attributedOrders: number;
  /** The currency the revenue figures are in: the one with the most revenue in the period. */
  currency: string | null;
  revenue: number;
  attributedRevenue: number;
  /** Orders in other currencies: counted in `orders`, not summed into revenue. */
  otherCurrencyOrders: number;
  byChannel: ChannelFigures[];
}

/** The period's conversion figures from its orders and the counts the Site took. */
export function conversionFigures(input: {
  orders: AttributedOrder[];
  visitors: number | null;
  chattingVisitors: number;
  chattingBuyers: number;
}): ConversionFigures {
  const { orders } = input;
  const byCurrency = new Map<string, number>();
  for (const o of orders) byCurrency.set(o.currency, (byCurrency.get(o.currency) ?? 0) + o.total);
  const currency = [...byCurrency].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c]) => c)[0] ?? null;
  const inCurrency = orders.filter((o) => o.currency === currency);
  const attributed = orders.filter((o) => o.conversation !== null);
  const channels = new Map<Channel, ChannelFigures>(CHANNELS.map((c) => [c, { channel: c, orders: 0, revenue: 0 }]));
  for (const o of attributed) {
    const row = channels.get(channelOf(o.conversation as ConversationFacts)) as ChannelFigures;
    row.orders++;
    if (o.currency === currency) row.revenue += o.total;
  }
  const buyers = new Set(orders.map((o) => o.visitorId).filter((v) => v !== null)).size;
  const money = (list: AttributedOrder[]) => round2(list.reduce((s, o) => s + o.total, 0));
  return {
    visitors: input.visitors,
    buyers,
    orderRate: input.visitors ? Math.min(1, buyers / input.visitors) : null,
    chattingVisitors: input.chattingVisitors,
    chattingBuyers: input.chattingBuyers,
    chattingOrderRate: input.chattingVisitors ? input.chattingBuyers / input.chattingVisitors : null,
    orders: orders.length,
    attributedOrders: attributed.length,
    currency,
    revenue: money(inCurrency),
    attributedRevenue: money(attributed.filter((o) => o.currency === currency)),
    otherCurrencyOrders: orders.length - inCurrency.length,
    byChannel: [...channels.values()].map((c) => ({ ...c, revenue: round2(c.revenue) })),
  };
}

/** Money to cents, so sums of floats print as the shop wrote them. */
function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
