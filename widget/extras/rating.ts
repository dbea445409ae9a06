/**
 * The rating an operator's resolve asks for: a radio group of five scores or thumbs up /
 * down (the site's choice; thumbs are sent as 5 and 1), an optional comment, and "Send".
 * Shown once per conversation: rating it, or "Not now", puts it away for good on this
 * browser. The server refuses a second rating or one for another conversation.
 */
import type { ServerFrame } from "../../worker/protocol";
import { MAX_RATING_COMMENT } from "../../worker/protocol/limits";
import type { EdgeChat } from "../edge-chat";
import { extrasCatalogue } from "../i18n";
import { SiteStorage } from "../storage";
import type { Lit } from "./extras";

type Step = "hidden" | "asking" | "sent";

export class RatingPrompt {
  #step: Step = "hidden";
  #missing = false;
  #host: EdgeChat;

  constructor(host: EdgeChat) {
    this.#host = host;
    // The conversation may have been resolved before this bundle listened: ask for its state again.
    if (host.chat.lastSeq) host.chat.sendWhenLive({ type: "hello", lastSeq: host.chat.lastSeq });
  }

  /** Every frame from the server, after the chat handled it. */
  frame(f: ServerFrame): void {
    if (f.type === "welcome") {
      this.#show(f.conversation.status === "resolved" && f.conversation.rating === null);
      if (f.conversation.status === "open") this.#reopened();
    } else if (f.type === "status") {
      this.#show(f.status === "resolved");
      if (f.status === "open") this.#reopened();
    }
    // Reopened meanwhile (the visitor's own next line, in another tab too): the prompt goes.
    else if (f.type === "error" && f.code === "not_resolved") this.#show(false);
    else if (f.type === "rated" || (f.type === "error" && f.code === "already_rated")) {
      if (this.#step === "asking") this.#step = "sent";
      this.#done();
    }
  }

  /** Another conversation (or this one begun again): its prompt, or the thanks for its rating, goes. */
  reset(): void {
    this.#step = "hidden";
    this.#missing = false;
  }

  render({ html, nothing }: Lit): unknown {
    const t = extrasCatalogue(this.#host.locale);
    if (this.#step === "sent") return html`<p class="contact" role="status">${t.rateThanks}</p>`;
    // "Not now" (or a rating) in another tab of this browser: every tab re-renders on its storage event.
    if (this.#step === "asking" && this.#store().get("rated") === this.#host.chat.session?.conversationId)
      this.#step = "hidden";
    if (this.#step !== "asking") return nothing;
    const thumbs = this.#host.chat.session?.config.rating === "thumbs";
    const scores = thumbs ? [5, 1] : [1, 2, 3, 4, 5];
    const label = (n: number) => (thumbs ? (n === 5 ? `👍 ${t.rateUp}` : `👎 ${t.rateDown}`) : t.rateScore(n));
    return html`<form class="contact rating" part="rating" novalidate @submit=${this.#onSubmit}>
      <fieldset role="radiogroup" aria-describedby=${this.#missing ? "rate-error" : nothing}>
        <legend>${t.rateAsk}</legend>
        ${scores.map(
          (n) => html`<label class="score"><input type="radio" name="score" value=${n} />
            <span aria-hidden=${thumbs ? "false" : "true"}>${thumbs ? label(n) : n}</span>${thumbs ? nothing : html`<span class="sr">${label(n)}</span>`}</label>`,
        )}
      </fieldset>
      <label for="rate-comment">${t.rateComment}</label>
      <textarea id="rate-comment" rows="2" maxlength=${MAX_RATING_COMMENT}></textarea>
      <div>
        <button type="submit">${t.rateSend}</button>
        <button type="button" class="decline" @click=${this.#onLater}>${t.rateLater}</button>
      </div>
      ${this.#missing ? html`<p id="rate-error" class="error" role="alert">${t.ratePick}</p>` : nothing}
    </form>`;
  }

  #show(resolved: boolean): void {
    const id = this.#host.chat.session?.conversationId;
    if (resolved && id && this.#step === "hidden" && this.#store().get("rated") !== id) this.#step = "asking";
    if (!resolved && this.#step === "asking") {
      this.#step = "hidden";
      // Reopened while the visitor was in the prompt: its controls go, the keyboard stays in the chat.
      if (this.#host.renderRoot.querySelector(".rating :focus")) this.#toComposer();
    }
  }

  /** The conversation goes on: the thanks for its rating is old news. */
  #reopened(): void {
    if (this.#step === "sent") this.#step = "hidden";
  }

  #store(): SiteStorage {
    return new SiteStorage(this.#host.site);
  }

  /** This conversation's prompt is over on this browser (rated, or "Not now"). */
  #done(): void {
    this.#store().set("rated", this.#host.chat.session?.conversationId ?? null);
    if (this.#step === "asking") this.#step = "hidden";
    this.#host.requestUpdate();
  }

  #onLater = (): void => {
    this.#done();
    this.#toComposer();
  };

  /** Focus to the message field: the prompt's own comment box and buttons are about to go. */
  #toComposer(): void {
    this.#host.renderRoot.querySelector<HTMLElement>(".composer textarea")?.focus();
  }

  // An arrow function: Lit calls listeners with the element as `this`.
  #onSubmit = (e: SubmitEvent): void => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const picked = form.querySelector<HTMLInputElement>("input[name=score]:checked");
    this.#missing = !picked;
    this.#host.requestUpdate();
    const conversationId = this.#host.chat.session?.conversationId;
    if (!picked || !conversationId) return void form.querySelector("input")?.focus();
    const comment = form.querySelector("textarea")!.value.trim();
    this.#host.chat.sendWhenLive({
      type: "rate",
      conversationId,
      rating: Number(picked.value),
      ...(comment ? { comment } : {}),
    });
    this.#toComposer();
  };
}
