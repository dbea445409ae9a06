/**
 * The guest's cart for the operator's visitor card. The shop's plugin puts it in the page
 * (`edgechatSettings.cart`, WordPress/WooCommerce and OpenCart); once the visitor's trail has
 * reached their conversation, the cart goes to the server with that trail (the sessions
 * request, `Trail.cart`), and again from any later page where it differs. It lives in the
 * extras, which load when the panel opens, so the component carries none of it.
 */
import type { Trail } from "../../worker/protocol";
import type { EdgeChat } from "../edge-chat";
import { SiteStorage } from "../storage";

export class CartReporter {
  readonly #store: SiteStorage;
  /** The cart being sent now (one request at a time). */
  #sending = "";

  constructor(private readonly host: EdgeChat) {
    this.#store = new SiteStorage(host.site);
    this.sync();
  }

  /** Sends the page's cart when this conversation has not had it yet (cheap when it has: called on every render). */
  sync(): void {
    const cart = window.edgechatSettings?.cart;
    const session = this.host.chat.session;
    // The trail goes with the first message: until then there is no conversation to show it in.
    if (!cart || !session || this.#store.get("trailSent") !== session.conversationId) return;
    const mark = `${session.conversationId} ${JSON.stringify(cart)}`;
    const sent = this.#store.get<string>("cartSent");
    if (sent === mark || this.#sending === mark) return;
    // An empty cart says something only once this conversation has seen a full one (it was emptied).
    if (!cart.items?.length && !sent?.startsWith(`${session.conversationId} `)) return;
    this.#sending = mark;
    const trail: Trail = { ...this.#store.get<Trail>("trail"), cart };
    fetch(`${this.host.server}/api/v1/sites/${encodeURIComponent(this.host.site)}/sessions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ visitorToken: session.visitorToken, trail, locale: this.host.locale }),
      credentials: "omit",
    })
      .then((res) => res.ok && this.#store.set("cartSent", mark))
      .catch(() => {})
      .finally(() => {
        this.#sending = "";
      });
  }
}
