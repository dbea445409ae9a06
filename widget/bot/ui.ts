/**
 * What the bot bundle adds to `<edge-chat>`: the current scenario step's buttons and "Did
 * this help? Yes / No / Talk to a person" under the bot's last answer. Both only under the
 * conversation's last message, so a step that is no longer current shows no buttons (the
 * server refuses a stale one anyway). The component calls only `render(lit)`.
 */
import type { html, nothing } from "lit";
import type { Message } from "../../worker/protocol";
import type { EdgeChat } from "../edge-chat";

/** The component's Lit: the bot UI draws with it, so this bundle carries no copy of Lit. */
export interface Lit {
  html: typeof html;
  nothing: typeof nothing;
}

const TEXTS = {
  en: { helped: "Did this help?", yes: "Yes", no: "No", person: "Talk to a person", bot: "Automatic answer" },
  ru: { helped: "Это помогло?", yes: "Да", no: "Нет", person: "Позвать человека", bot: "Автоматический ответ" },
};

export class BotUi {
  /**
   * Bot messages the visitor already answered in this tab: the messages, not their seqs, which
   * start again in the next conversation (or this one begun again after an erasure).
   */
  #answered = new WeakSet<Message>();
  #host: EdgeChat;

  constructor(host: EdgeChat) {
    this.#host = host;
  }

  /** The buttons or the feedback question for the last message, when it is the bot's and waits for the visitor. */
  render({ html, nothing }: Lit): unknown {
    const last = this.#host.chat.messages.at(-1);
    if (last?.author.kind !== "bot" || this.#answered.has(last) || this.#host.chat.pending.length) return nothing;
    const t = TEXTS[this.#host.locale];
    const buttons = last.meta?.buttons;
    if (Array.isArray(buttons) && typeof last.meta?.step === "string") {
      const step = last.meta.step;
      return html`<div class="bot" role="group" aria-label=${t.bot}>
        ${buttons.map((label, index) => html`<button type="button" @click=${() => this.#send(last, { action: "button", step, index })}>${String(label)}</button>`)}
      </div>`;
    }
    if (last.meta?.feedback === true) {
      const answer = (value: "yes" | "no" | "person") => () =>
        this.#send(last, { action: "feedback", seq: last.seq, value });
      return html`<div class="bot" role="group" aria-label=${t.helped}>
        <p>${t.helped}</p>
        <button type="button" @click=${answer("yes")}>${t.yes}</button>
        <button type="button" @click=${answer("no")}>${t.no}</button>
        <button type="button" @click=${answer("person")}>${t.person}</button>
      </div>`;
    }
    return nothing;
  }

  #send(
    message: Message,
    frame:
      | { action: "button"; step: string; index: number }
      | { action: "feedback"; seq: number; value: "yes" | "no" | "person" },
  ): void {
    this.#answered.add(message);
    this.#host.chat.sendWhenLive({ type: "bot", ...frame });
    this.#host.requestUpdate();
    // The buttons go once one is pressed: the keyboard goes to the message field (the next
    // step often asks for a name or a phone), not out of the chat to the page.
    this.#host.renderRoot.querySelector<HTMLElement>(".composer textarea")?.focus();
  }
}
