/**
 * The shop's part of the visitor card: the logged-in customer's WooCommerce cart and
 * recent orders. The server fetches them from the shop's signed REST route
 * (`GET /visitors/:visitorId/woo`, worker/api/plugin-woo.ts) each time the card loads, so they
 * are as fresh as the card. Whatever the shop sent is shown as text; only http(s) product
 * URLs become links. A guest's cart comes with the visitor's trail (the widget sends what the
 * page showed). Besides the data: not a shop customer, shop not connected, shop unreachable,
 * refusing or failing, with the server's words for what went wrong and a retry.
 */
import { LitElement, css, html, nothing, type PropertyValues } from "lit";
import { customElement, property, state as litState } from "lit/decorators.js";
import type { VisitorCard } from "../../../worker/protocol";
import { ApiFailure, api } from "../api";
import { fullTime, safeHref } from "../format";
import { Localized, locale, t } from "../i18n";
import type { CardSection } from "./card-sections";
import { base } from "./styles";

/** A cart line and an order as the plugin sends them (class-edgechat-woocommerce.php). */
interface CartItem {
  id?: number;
  name?: string;
  qty?: number;
  price?: number;
  url?: string;
}
interface Order {
  id?: number;
  number?: string;
  status?: string;
  total?: number;
  currency?: string;
  date?: string | null;
}
interface Customer {
  cart: { items: CartItem[]; total: number; currency: string } | null;
  orders: Order[];
}

/** Why there is no cart to show. */
type Trouble = "guest" | "gone" | "notConnected" | "refused" | "shopError" | "unreachable";
type View = { kind: "loading" } | { kind: "customer"; customer: Customer } | { kind: Trouble; reason?: string };

/** Troubles worth a retry, shown with the server's reason. */
const PASSING = new Set<string>(["refused", "shopError", "unreachable"]);

/** The server's error codes (worker/site/woo.ts, lifecycle.ts) → what the card says. */
const TROUBLE_OF_CODE: Record<string, Trouble> = {
  unknown_visitor: "guest",
  not_identified: "guest",
  not_a_shop_user: "guest",
  unknown_shop_user: "gone",
  no_shop_url: "notConnected",
  not_connected: "notConnected",
  shop_refused: "refused",
  shop_error: "shopError",
};

/** WooCommerce's own order statuses; another status (a plugin's) is shown as sent. */
const STATUSES = new Set([
  "pending",
  "processing",
  "on-hold",
  "completed",
  "cancelled",
  "refunded",
  "failed",
  "checkout-draft",
]);

const T = (key: string, params?: Record<string, string | number>) => t(`card.woo.${key}`, params);

/** "€89.00" in the app's language; the amount and its code as text when the code is not a currency. */
function money(amount: unknown, currency: unknown): string {
  const n = typeof amount === "number" ? amount : Number(amount);
  if (!Number.isFinite(n)) return "";
  const code = typeof currency === "string" ? currency : "";
  if (/^[A-Z]{3}$/.test(code)) {
    try {
      return new Intl.NumberFormat(locale(), { style: "currency", currency: code }).format(n);
    } catch {
      // not a currency Intl knows
    }
  }
  return `${n.toFixed(2)} ${code}`.trim();
}

/** "2 Jan 2026" in the app's language, or "" for a missing or broken date. */
function day(iso: string | null | undefined): string {
  const d = iso ? new Date(iso) : null;
  return d && !Number.isNaN(d.getTime())
    ? d.toLocaleDateString(locale(), { day: "numeric", month: "short", year: "numeric" })
    : "";
}

@customElement("ec-woo-section")
export class EcWooSection extends LitElement {
  static override styles = [
    base,
    css`
    :host { display: block; }
    h4 { margin: 8px 0 4px; font-size: 13px; color: var(--ec-muted); font-weight: 600; }
    table { margin: 0; }
    th, td { padding: 3px 4px 3px 0; border-bottom: 0; vertical-align: top; overflow-wrap: anywhere; }
    .num { text-align: right; white-space: nowrap; }
    tfoot th { color: var(--ec-text); }
    ul { margin: 0; padding-left: 18px; }
    li { margin: 2px 0; }
    a { color: var(--ec-accent); }
    .head { display: flex; justify-content: space-between; align-items: baseline; }
  `,
  ];

  /** The card whose visitor's shop data to show; each new card (another visitor, a reload) fetches anew. */
  @property({ attribute: false }) card: VisitorCard | null = null;
  @litState() private view: View = { kind: "loading" };

  constructor() {
    super();
    new Localized(this);
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("card") && this.card) void this.load(this.card.visitorId);
  }

  private async load(visitorId: string): Promise<void> {
    this.view = { kind: "loading" };
    let view: View;
    try {
      const { customer } = await api<{ customer: Customer }>("GET", `/visitors/${encodeURIComponent(visitorId)}/woo`);
      view = { kind: "customer", customer };
    } catch (err) {
      const kind = (err instanceof ApiFailure && TROUBLE_OF_CODE[err.code]) || "unreachable";
      view = { kind, reason: PASSING.has(kind) && err instanceof Error ? err.message : undefined };
    }
    if (visitorId === this.card?.visitorId) this.view = view;
  }

  override render() {
    const v = this.view;
    const again = (label: string) => html`<button class="link again" @click=${this.reload}>${T(label)}</button>`;
    return html`<div class="head"><h3>${T("title")}</h3>${v.kind === "customer" ? again("refresh") : nothing}</div>
      ${
        v.kind === "loading"
          ? html`<p class="muted state" role="status">${T("loading")}</p>`
          : v.kind === "customer"
            ? this.customer(v.customer)
            : v.kind === "guest" && this.card?.trail?.cart
              ? this.guestCart(this.card.trail.cart)
              : html`<p class="muted state" data-state=${v.kind}>${T(`state.${v.kind}`)}</p>
          ${v.reason ? html`<p class="muted reason">${T("reason", { reason: v.reason })}</p>` : nothing}
          ${PASSING.has(v.kind) ? again("retry") : nothing}`
      }`;
  }

  private readonly reload = (): void => {
    if (this.card) void this.load(this.card.visitorId);
  };

  /** A guest's cart as their last page showed it; no orders (a guest has no account). */
  private guestCart(cart: NonNullable<Customer["cart"]>) {
    return html`<p class="muted state" data-state="guest-cart">${T("state.guestCart")}</p>${this.cart({ cart, orders: [] })}`;
  }

  private customer(c: Customer) {
    return html`${this.cart(c)}
      <h4>${T("orders")}</h4>
      ${
        c.orders.length
          ? html`<ul class="orders">${c.orders.map(
              (o) => html`<li>
        <span class="number">${T("orderNumber", { number: o.number ?? String(o.id ?? "") })}</span> ·
        <time datetime=${o.date ?? ""} title=${o.date ? fullTime(Date.parse(o.date)) : ""}>${day(o.date)}</time> ·
        <span class="status">${this.status(o.status)}</span> ·
        <span class="total">${money(o.total, o.currency)}</span>
      </li>`,
            )}</ul>`
          : html`<p class="muted no-orders">${T("noOrders")}</p>`
      }`;
  }

  private cart(c: Customer) {
    const items = c.cart?.items ?? [];
    return html`<h4>${T("cart")}</h4>
      ${
        items.length
          ? html`<table class="cart">
        <thead class="sr-only"><tr><th>${T("item")}</th><th>${T("qty")}</th><th>${T("price")}</th></tr></thead>
        <tbody>${items.map(
          (i) => html`<tr>
          <td>${this.productLink(i)}</td>
          <td class="num qty">× ${i.qty ?? 1}</td>
          <td class="num price">${money(i.price, c.cart!.currency)}</td>
        </tr>`,
        )}</tbody>
        <tfoot><tr><th colspan="2">${T("total")}</th><td class="num total">${money(c.cart!.total, c.cart!.currency)}</td></tr></tfoot>
      </table>`
          : html`<p class="muted no-cart">${T("noCart")}</p>`
      }`;
  }

  private productLink(item: CartItem) {
    const name = item.name || T("unnamed");
    const href = safeHref(item.url);
    return href ? html`<a href=${href} target="_blank" rel="noopener noreferrer nofollow">${name}</a>` : name;
  }

  private status(status: string | undefined) {
    return status && STATUSES.has(status) ? T(`status.${status}`) : (status ?? "");
  }
}

/** The section's place in the visitor card (registered in ./card-sections.ts). */
export const wooCardSection: CardSection = (card) =>
  html`<section><ec-woo-section .card=${card}></ec-woo-section></section>`;

declare global {
  interface HTMLElementTagNameMap {
    "ec-woo-section": EcWooSection;
  }
}
