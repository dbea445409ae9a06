/**
 * The header's "More" menu, an ARIA menu button's menu: it opens with focus on its first
 * item; arrows, Home and End move; Escape closes it and focus returns to "More"; Tab or a
 * click elsewhere closes it.
 */
import type { EdgeChat } from "../edge-chat";
import type { Lit } from "./extras";

/** One thing the menu offers. */
export interface MenuItem {
  /** The item's text. */
  label(): string;
  /** Whether the menu offers it now (always, when absent). */
  shown?(): boolean;
  /** The visitor chose it; the menu has closed and focus is back on "More". */
  choose(): void;
}

export class Menu {
  /** The menu is open. */
  opened = false;
  #host: EdgeChat;
  #items: MenuItem[];

  constructor(host: EdgeChat, items: MenuItem[]) {
    this.#host = host;
    this.#items = items;
  }

  toggle(): void {
    if (this.opened) this.close(true);
    else void this.#open();
  }

  /** Closes the menu; `refocus` puts focus back on "More" (Escape, a choice). */
  close(refocus: boolean): void {
    if (!this.opened) return;
    this.opened = false;
    this.#host.requestUpdate();
    if (refocus) this.#host.renderRoot.querySelector<HTMLElement>("#more")?.focus();
  }

  render({ html, nothing }: Lit): unknown {
    if (!this.opened) return nothing;
    return html`<ul class="menu" role="menu" aria-labelledby="more" @keydown=${this.#onKey} @focusout=${this.#onFocusOut}>
      ${this.#items
        .filter((item) => item.shown?.() ?? true)
        .map(
          (item) => html`<li role="none">
        <button type="button" role="menuitem" tabindex="-1" @click=${() => this.#choose(item)}>${item.label()}</button>
      </li>`,
        )}
    </ul>`;
  }

  async #open(): Promise<void> {
    this.opened = true;
    this.#host.requestUpdate();
    await this.#host.updateComplete;
    this.#buttons()[0]?.focus();
  }

  #choose(item: MenuItem): void {
    this.close(true);
    item.choose();
  }

  #buttons(): HTMLElement[] {
    return [...this.#host.renderRoot.querySelectorAll<HTMLElement>(".menu button")];
  }

  // Arrow functions: Lit calls listeners with the element as `this`.
  #onKey = (e: KeyboardEvent): void => {
    if (e.key === "Escape") {
      e.stopPropagation(); // closes the menu, not the whole chat
      return this.close(true);
    }
    const buttons = this.#buttons();
    const at = buttons.indexOf(this.#host.renderRoot.querySelector(".menu :focus")!);
    const to = ({ ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: -1 } as Record<string, number>)[e.key];
    if (to === undefined) return;
    e.preventDefault();
    buttons.at(to % buttons.length)?.focus();
  };

  // Focus left the menu (Tab, a click elsewhere). Not for "More" itself: its click toggles.
  #onFocusOut = (e: FocusEvent): void => {
    const to = e.relatedTarget as HTMLElement | null;
    if (!(e.currentTarget as HTMLElement).contains(to) && to?.id !== "more") this.close(false);
  };
}
