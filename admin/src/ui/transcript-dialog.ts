/**
 * "Send transcript" in a conversation's header: a dialog with the address to send to (the
 * visitor's email, prefilled when known; empty sends to the email the conversation has) →
 * `POST /conversations/:id/transcript {to?}`. A visitor without an email gets the
 * server's `no_email` shown as a request to type an address.
 */
import { LitElement, css, html, nothing, type PropertyValues } from "lit";
import { customElement, property, query, state as litState } from "lit/decorators.js";
import { ApiFailure, api } from "../api";
import { Localized, serverText, t } from "../i18n";
import { dialogStyles } from "./dialog-styles";
import { base } from "./styles";

const T = (key: string, params?: Record<string, string>) => t(`conversation.transcript.${key}`, params);

@customElement("ec-transcript")
export class EcTranscript extends LitElement {
  static override styles = [base, dialogStyles, css`:host { display: inline-block; }`];

  @property({ attribute: false }) conversationId = "";
  /** The visitor's email as the inbox knows it, or null. */
  @property({ attribute: false }) email: string | null = null;
  @litState() private error: string | null = null;
  @litState() private sentTo: string | null = null;
  @litState() private busy = false;
  @query("dialog") private dialog!: HTMLDialogElement;
  @query("#transcript-to") private input!: HTMLInputElement;

  constructor() {
    super();
    new Localized(this);
  }

  override willUpdate(changed: PropertyValues<this>): void {
    // The dialog is about the conversation it was opened in: Alt+↑/↓ still move to another
    // under it, and its Send would then email that one's transcript to this one's address.
    if (changed.has("conversationId")) this.dialog?.close();
  }

  override render() {
    return html`<button class="open-transcript" @click=${this.open}>${T("action")}</button>
      <dialog aria-labelledby="transcript-title">
        <form @submit=${this.send} novalidate>
          <h3 id="transcript-title">${T("title")}</h3>
          <label for="transcript-to">${T("to")}</label>
          <input id="transcript-to" type="email" autocomplete="off" maxlength="254" aria-invalid=${this.error ? "true" : "false"}
            aria-describedby=${this.error ? "transcript-error transcript-hint" : "transcript-hint"}>
          <p class="hint" id="transcript-hint">${T("toHint")}</p>
          ${this.error ? html`<p class="field-error" id="transcript-error" role="alert">${this.error}</p>` : nothing}
          ${this.sentTo !== null ? html`<p class="ok" role="status">${this.sentTo ? T("sent", { to: this.sentTo }) : T("sentToVisitor")}</p>` : nothing}
          <div class="actions">
            <button type="button" @click=${() => this.dialog.close()}>${T("close")}</button>
            ${this.sentTo === null ? html`<button class="primary" ?disabled=${this.busy}>${T("send")}</button>` : nothing}
          </div>
        </form>
      </dialog>`;
  }

  private open(): void {
    this.error = null;
    this.sentTo = null;
    this.input.value = this.email ?? "";
    this.dialog.showModal();
    this.input.focus();
  }

  private async send(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const to = this.input.value.trim();
    this.busy = true;
    this.error = null;
    try {
      await api("POST", `/conversations/${this.conversationId}/transcript`, to ? { to } : {});
      this.sentTo = to;
    } catch (err) {
      this.error = !(err instanceof ApiFailure)
        ? t("errors.unexpected")
        : err.code === "no_email"
          ? T("noEmail")
          : serverText(err.fields.to ?? err.message);
      this.input.focus();
    } finally {
      this.busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "ec-transcript": EcTranscript;
  }
}
