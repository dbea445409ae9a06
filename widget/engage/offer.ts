/**
 * A proactive message or greeting beside the launcher, while the panel is closed: who
 * writes, the text (as text, never HTML), "Reply" (opens the chat) and a close button. The
 * widget keeps, per site, when each offer was shown and whether it was dismissed
 * (`edgechat:<site>:offers`): a dismissed offer never shows again, a greeting not before
 * its period passed. What became of it is counted on the server (shown, replied, dismissed).
 */
import type { EngageOffer } from "../../worker/protocol";
import type { EdgeChat } from "../edge-chat";
import { engageCatalogue, type EngageTexts } from "../i18n";
import { SiteStorage } from "../storage";

/** When each offer was last shown, and which were dismissed, by offer id. */
type Seen = Record<string, { at: number; dismissed?: 1; replied?: 1 }>;

/** True when the offer may show now: never dismissed, and a greeting's period has passed. */
export function mayShow(offer: EngageOffer, seen: Seen, now = Date.now()): boolean {
  const past = seen[offer.id];
  if (!past) return true;
  if (past.dismissed || offer.kind === "message") return false;
  return now - past.at >= offer.period * 3600_000;
}

export class OfferCard {
  #host: EdgeChat;
  #offer: EngageOffer;
  #store: SiteStorage;
  #card?: HTMLElement;
  #t: EngageTexts;

  constructor(host: EdgeChat, offer: EngageOffer) {
    this.#host = host;
    this.#offer = offer;
    this.#store = new SiteStorage(host.site);
    this.#t = engageCatalogue(host.locale);
  }

  /** Shows the card after the greeting's time on the page, unless the visitor opened the chat first. */
  start(): void {
    if (!mayShow(this.#offer, this.#seen())) return;
    const wait = this.#offer.kind === "greeting" ? this.#offer.delay * 1000 - performance.now() : 0;
    setTimeout(() => this.#show(), Math.max(0, wait));
  }

  #seen(): Seen {
    return this.#store.get<Seen>("offers") ?? {};
  }

  #mark(change: { dismissed?: 1; replied?: 1 }): void {
    const seen = this.#seen();
    seen[this.#offer.id] = { ...seen[this.#offer.id], at: seen[this.#offer.id]?.at ?? Date.now(), ...change };
    this.#store.set("offers", seen);
  }

  #show(): void {
    const host = this.#host;
    if (host.opened || this.#card || !mayShow(this.#offer, this.#seen())) return;
    const t = this.#t;
    const card = (this.#card = document.createElement("aside"));
    card.className = "offer";
    card.setAttribute("aria-label", t.offerFrom(this.#offer.name));
    const from = document.createElement("p");
    from.className = "from";
    from.textContent = this.#offer.name;
    const text = document.createElement("p");
    text.dir = "auto";
    text.textContent = this.#offer.text;
    const reply = button(t.reply, "", () => this.#reply());
    const close = button("×", "x", () => this.#dismiss());
    close.setAttribute("aria-label", t.dismissOffer);
    card.append(from, text, reply, close);
    host.renderRoot.append(card);
    const seen = this.#seen();
    seen[this.#offer.id] = { ...seen[this.#offer.id], at: Date.now() };
    this.#store.set("offers", seen);
    this.#report("shown");
    host.addEventListener("edgechat-open", () => this.#remove(), { once: true });
    // The visitor's first message after seeing it is the reply the reports count.
    const onMessage = (e: Event) => {
      if ((e as CustomEvent).detail?.author?.kind !== "visitor") return;
      host.removeEventListener("edgechat-message", onMessage);
      this.#mark({ replied: 1 });
      this.#report("replied");
    };
    host.addEventListener("edgechat-message", onMessage);
  }

  #reply(): void {
    const config = this.#host.chat.session?.config;
    // A greeting opens the chat with its words first; an operator's message is already in the conversation.
    if (config && this.#offer.kind === "greeting") config.look.greeting = this.#offer.text;
    this.#remove();
    void this.#host.show();
  }

  #dismiss(): void {
    this.#mark({ dismissed: 1 });
    this.#report("dismissed");
    this.#remove();
    this.#host.renderRoot.querySelector<HTMLElement>(".launcher")?.focus();
  }

  #remove(): void {
    this.#card?.remove();
  }

  #report(event: "shown" | "replied" | "dismissed"): void {
    const session = this.#host.chat.session;
    if (!session) return;
    void fetch(`${this.#host.server}/api/v1/sites/${encodeURIComponent(this.#host.site)}/engage`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ visitorToken: session.visitorToken, id: this.#offer.id, event }),
      credentials: "omit",
      keepalive: true,
    }).catch(() => {});
  }
}

function button(label: string, className: string, onclick: () => void): HTMLButtonElement {
  return Object.assign(document.createElement("button"), { type: "button", className, textContent: label, onclick });
}
