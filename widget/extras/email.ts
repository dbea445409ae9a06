/**
 * The visitor's email field: shown when the server asks (`askEmail`, a bot's `{ask: "email"}`)
 * or a feature needs the address (`ask()`), until the server knows one. It checks only the
 * address's shape; the server checks it properly.
 */
import type { EdgeChat } from "../edge-chat";
import { extrasCatalogue } from "../i18n";
import { SiteStorage } from "../storage";
import type { Lit } from "./extras";

/** Plausible email: something@domain.tld. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@.]{2,}$/;

/** The field's label says why we ask: for the team's answer (the server asked) or for a feature. */
export type EmailReason = "emailAsk" | "transcriptAsk";

export class EmailField {
  #invalid = false;
  #saved = false;
  #reason: EmailReason = "emailAsk";
  #host: EdgeChat;
  /** The visitor said "No thanks": a feature that asked for the address gives up (the transcript). */
  onDecline?: () => void;

  constructor(host: EdgeChat) {
    this.#host = host;
  }

  /** Shows the field, labelled with `reason`, and puts focus in it. */
  async ask(reason: EmailReason): Promise<void> {
    this.#reason = reason;
    this.#declined(null);
    this.#host.chat.askEmail = true;
    this.#host.requestUpdate();
    await this.#host.updateComplete;
    this.#host.renderRoot.querySelector<HTMLInputElement>("#email")?.focus();
  }

  /** Another conversation (or this one begun again): the thanks for the address left in the last one goes. */
  reset(): void {
    this.#saved = this.#invalid = false;
    this.#reason = "emailAsk";
  }

  render({ html, nothing }: Lit): unknown {
    const t = extrasCatalogue(this.#host.locale);
    const chat = this.#host.chat;
    if (chat.emailKnown) return this.#saved ? html`<p class="contact" role="status">${t.emailThanks}</p>` : nothing;
    if (!chat.showContact || (this.#reason === "emailAsk" && this.#declined() === chat.session?.conversationId))
      return nothing;
    const invalid = this.#invalid;
    return html`<form class="contact" part="contact" novalidate @submit=${this.#onSubmit}>
      <label for="email">${t[this.#reason]}</label>
      <div>
        <input id="email" type="email" autocomplete="email" maxlength="254" placeholder=${t.emailLabel}
          aria-invalid=${invalid} aria-describedby=${invalid ? "email-error" : nothing} />
        <button type="submit">${t.emailSave}</button>
        <button type="button" class="decline" @click=${this.#onDecline}>${t.emailDecline}</button>
      </div>
      ${invalid ? html`<p id="email-error" class="error" role="alert">${t.emailInvalid}</p>` : nothing}
    </form>`;
  }

  /**
   * The conversation whose email ask the visitor declined ("No thanks"), kept across reloads
   * so the question does not come back; with a value, records it (null forgets it).
   */
  #declined(conversationId?: string | null): string | null {
    const store = new SiteStorage(this.#host.site);
    if (conversationId !== undefined) store.set("noEmail", conversationId);
    return store.get<string>("noEmail");
  }

  #onDecline = (): void => {
    this.#declined(this.#host.chat.session?.conversationId ?? null);
    this.#host.chat.askEmail = false;
    // The feature's reason ends with the "No thanks": a later ask is the team's, and this answer stands for it.
    this.#reason = "emailAsk";
    this.onDecline?.();
    this.#host.requestUpdate();
    this.#host.renderRoot.querySelector<HTMLElement>(".composer textarea")?.focus();
  };

  // An arrow function: Lit calls listeners with the element as `this`.
  #onSubmit = (e: SubmitEvent): void => {
    e.preventDefault();
    const field = (e.target as HTMLFormElement).querySelector("input")!;
    const email = field.value.trim();
    this.#invalid = email.length > 254 || !EMAIL.test(email);
    this.#host.requestUpdate();
    if (this.#invalid) return void field.focus();
    this.#saved = true;
    this.#host.chat.sendWhenLive({ type: "contact", email });
    // The field goes once the server has the address: keep the keyboard in the chat.
    this.#host.renderRoot.querySelector<HTMLElement>(".composer textarea")?.focus();
  };
}
