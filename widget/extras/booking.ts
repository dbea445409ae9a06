/**
 * Booking a video consultation from the widget: the "More" menu's item (when the shop takes
 * bookings), a product page's "Video consultation" button when nobody can take a call now,
 * and the booking email's join link. Free slots are shown in the visitor's own zone, grouped
 * by day; the visitor picks one, gives an email (and a name), and sees the confirmation. A
 * slot taken meanwhile, or gone, is said plainly and the free slots are fetched again.
 */
import type { ProductContext } from "../../worker/protocol";
import type { OpenOptions } from "../api";
import type { EdgeChat } from "../edge-chat";
import { extrasCatalogue } from "../i18n";
import type { Lit } from "./extras";
import type { MenuItem } from "./menu";

type Slot = { start: number; end: number };
type Step = "closed" | "loading" | "picking" | "sending" | "booked";

/** Days shown at once: a week of the shop's hours is plenty to choose from. */
const DAYS_SHOWN = 7;

export class BookingPicker implements MenuItem {
  step: Step = "closed";
  slots: Slot[] = [];
  chosen: number | null = null;
  error = "";
  bookedFor = "";
  bookedTo = "";
  /** The product the visitor came from, sent with the booking and shown to the operators. */
  product?: ProductContext | undefined;
  /** The free times could not be fetched: nothing is known of them (not "none free"). */
  #unknown = false;
  /** What had focus in the chat when the picker opened ("More", the message field): it gets it back. */
  #back: Element | null = null;

  constructor(private readonly host: EdgeChat) {}

  shown(): boolean {
    return !!this.host.chat.session?.config.appointments;
  }

  label(): string {
    return extrasCatalogue(this.host.locale).book;
  }

  choose(): void {
    this.error = "";
    this.#back = this.host.shadowRoot?.activeElement ?? null;
    void this.#load();
  }

  render({ html, nothing }: Lit): unknown {
    if (this.step === "closed") return nothing;
    const t = extrasCatalogue(this.host.locale);
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const close = html`<button type="button" class="x" aria-label=${t.dismiss} @click=${() => this.#close()}>×</button>`;
    const about = this.product ? html`<p class="about">${t.bookAbout(this.product.name)}</p>` : nothing;
    if (this.step === "booked") {
      return html`<section class="booking" aria-label=${t.book} @keydown=${this.#onKey}>${close}<h3>${t.book}</h3>
        <p role="status" class="done">${t.booked(this.bookedFor, this.bookedTo)}</p></section>`;
    }
    const days = this.#days();
    const body =
      this.step === "loading"
        ? html`<p role="status">${t.bookLoading}</p>`
        : !days.length
          ? this.#unknown
            ? nothing
            : html`<p role="status">${t.bookNone}</p>`
          : html`<div class="days">${days.map(
              ([day, slots]) =>
                html`<fieldset><legend>${day}</legend>${slots.map(
                  (s) =>
                    html`<button type="button" class="slot" aria-pressed=${this.chosen === s.start} @click=${() => this.#pick(s.start)}>${this.#time(s.start)}</button>`,
                )}</fieldset>`,
            )}</div>
            <form @submit=${this.#submit}>
              <label>${t.emailLabel}<input name="email" type="email" autocomplete="email" required maxlength="254"></label>
              <label>${t.bookName}<input name="name" autocomplete="name" maxlength="120"></label>
              <button type="submit" class="primary" ?disabled=${this.chosen === null || this.step === "sending"}>${
                this.chosen === null ? t.bookPick : t.bookSubmit(this.#when(this.chosen))
              }</button>
            </form>`;
    return html`<section class="booking" aria-label=${t.book} @keydown=${this.#onKey}>${close}<h3>${t.book}</h3>${about}
      <p class="zone">${t.bookZone(zone)}</p>${body}
      <p class="failed" role="alert">${this.error}</p></section>`;
  }

  /** Another conversation (or this one begun again): the last one's booking confirmation goes. */
  reset(): void {
    if (this.step === "booked") this.step = "closed";
  }

  /** What a page's `edgechat.open()` passed: the product it is about. */
  take(options: OpenOptions): void {
    const p = options.product;
    if (!p) return;
    const raw = typeof p === "string" ? { name: p } : p;
    const name = String(raw.name ?? raw.title ?? raw.sku ?? "").slice(0, 200);
    if (!name) return;
    const link = (u: unknown) => (typeof u === "string" && /^https?:\/\//.test(u) ? u.slice(0, 1000) : undefined);
    this.product = {
      name,
      ...(raw.price != null && raw.price !== "" ? { price: String(raw.price).slice(0, 40) } : {}),
      ...(link(raw.url) ? { url: link(raw.url) } : {}),
      ...(link((raw as { image?: unknown }).image) ? { image: link((raw as { image?: unknown }).image) } : {}),
    };
  }

  #days(): [string, Slot[]][] {
    const byDay = new Map<string, Slot[]>();
    const fmt = new Intl.DateTimeFormat(this.host.locale, { weekday: "short", day: "numeric", month: "short" });
    for (const s of this.slots) {
      const day = fmt.format(s.start);
      if (!byDay.has(day)) {
        if (byDay.size === DAYS_SHOWN) break;
        byDay.set(day, []);
      }
      byDay.get(day)!.push(s);
    }
    return [...byDay];
  }

  #time(at: number): string {
    return new Intl.DateTimeFormat(this.host.locale, { hour: "2-digit", minute: "2-digit" }).format(at);
  }

  #when(at: number): string {
    return new Intl.DateTimeFormat(this.host.locale, {
      weekday: "short",
      day: "numeric",
      month: "short",
      hour: "2-digit",
      minute: "2-digit",
    }).format(at);
  }

  #pick(start: number): void {
    this.chosen = start;
    this.error = "";
    this.host.requestUpdate();
  }

  #close(): void {
    this.step = "closed";
    this.host.requestUpdate();
    const back = this.#back?.isConnected ? this.#back : this.host.renderRoot.querySelector("#more");
    (back as HTMLElement | null)?.focus();
  }

  // An arrow function: Lit calls listeners with the element as `this`.
  #onKey = (e: KeyboardEvent): void => {
    if (e.key !== "Escape") return;
    e.stopPropagation(); // closes the picker, not the whole chat
    this.#close();
  };

  #url(path: string): string | null {
    const s = this.host.chat.session;
    if (!s) return null;
    return `${this.host.server}/api/v1/conversations/${s.conversationId}/appointments${path}?token=${encodeURIComponent(s.visitorToken)}`;
  }

  async #load(): Promise<void> {
    this.step = "loading";
    this.chosen = null;
    this.host.requestUpdate();
    await this.#fetchSlots();
    // Closed while they loaded: the visitor moved on, and the picker must not come back.
    if (this.step === "loading") await this.#showSlots();
  }

  /** The free slots, or the error that kept them away. */
  async #fetchSlots(): Promise<void> {
    const t = extrasCatalogue(this.host.locale);
    try {
      const url = this.#url("/slots");
      if (!url) throw new Error(t.offline);
      const res = await fetch(url, { credentials: "omit" });
      if (!res.ok) throw new Error(t.bookFailed);
      this.slots = (await res.json()).slots;
      this.#unknown = false;
    } catch (err) {
      this.slots = [];
      this.#unknown = true;
      // Only the widget's own sentences: the server's messages (and the browser's) are English, for developers.
      this.error = err instanceof Error && err.message === t.offline ? t.offline : t.bookFailed;
    }
  }

  /** The picker with the slots fetched, focus on the first one. */
  async #showSlots(): Promise<void> {
    this.step = "picking";
    this.host.requestUpdate();
    await this.host.updateComplete;
    // The first free time; its close button (first in the markup) only when none is free.
    const root = this.host.renderRoot;
    (root.querySelector<HTMLElement>(".booking .slot") ?? root.querySelector<HTMLElement>(".booking .x"))?.focus();
  }

  #submit = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const t = extrasCatalogue(this.host.locale);
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const start = this.chosen;
    const url = this.#url("");
    if (start === null || !url) return;
    const email = String(data.get("email")).trim();
    const name = String(data.get("name")).trim();
    const page = new URL(location.href);
    page.searchParams.delete("edgechat");
    this.step = "sending";
    this.error = "";
    this.host.requestUpdate();
    try {
      const res = await fetch(url, {
        method: "POST",
        credentials: "omit",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          start,
          email,
          ...(name ? { name } : {}),
          lang: this.host.locale,
          timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
          page: page.href,
          ...(this.product ? { product: this.product } : {}),
        }),
      });
      const body = await res.json().catch(() => null);
      if (res.ok) {
        this.bookedFor = this.#when(start);
        this.bookedTo = email;
        this.step = "booked";
        this.host.requestUpdate();
        await this.host.updateComplete;
        // The form went with the focus in it (or on its button, disabled while sending): the
        // keyboard goes to the confirmation's close button, not out of the chat to the page.
        if (!this.host.shadowRoot?.activeElement && document.activeElement === document.body)
          this.host.renderRoot.querySelector<HTMLElement>(".booking .x")?.focus();
        return;
      }
      const code = body?.error?.code;
      if (code === "slot_taken" || code === "slot_past" || code === "not_a_slot") {
        // The free slots again, the form kept: the email and name typed stay in it.
        this.chosen = null;
        await this.#fetchSlots();
        this.error = code === "slot_taken" ? t.bookTaken : t.bookGone;
        await this.#showSlots();
      } else {
        this.step = "picking";
        this.error = t.bookFailed;
      }
    } catch {
      this.step = "picking";
      this.error = t.bookFailed;
    }
    this.host.requestUpdate();
  };
}
