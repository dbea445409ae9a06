/**
 * "Erase contact and conversations" on the visitor card (owner and admin): a dialog that
 * asks to type the visitor's email (or visitor id when there is none), then erases the
 * contact and every conversation of theirs (`POST /contacts/:visitorId/erase`) and drops
 * them from this inbox and its tabs. Operators see the action disabled, with why.
 */
import { LitElement, css, html, nothing } from "lit";
import { customElement, property, query, state as litState } from "lit/decorators.js";
import type { VisitorCard } from "../../../worker/protocol";
import { ApiFailure, api } from "../api";
import { state } from "../app-state";
import { Localized, serverText, t } from "../i18n";
import { CARD_SECTIONS } from "./card-sections";
import { dialogStyles } from "./dialog-styles";
import { base } from "./styles";

const T = (key: string, params?: Record<string, string>) => t(`card.erase.${key}`, params);

/** Takes every conversation of `visitorIds` out of the inbox, its search results and its tabs. */
function forget(visitorIds: readonly string[]): void {
  const gone = new Set(visitorIds);
  for (const [id, entry] of [...state.inbox.entries]) {
    if (!gone.has(entry.visitorId)) continue;
    if (state.open.has(id)) state.closeConversation(id);
    state.inbox.entries.delete(id);
  }
  state.found = state.found?.filter((e) => !gone.has(e.visitorId)) ?? null;
  state.changed();
}

@customElement("ec-erase-contact")
export class EcEraseContact extends LitElement {
  static override styles = [
    base,
    dialogStyles,
    css`
    :host { display: block; }
    .hint { margin-top: 4px; }
  `,
  ];

  @property({ attribute: false }) card: VisitorCard | null = null;
  @litState() private error: string | null = null;
  @litState() private busy = false;
  @query("dialog") private dialog!: HTMLDialogElement;
  @query("#erase-confirm") private input!: HTMLInputElement;

  constructor() {
    super();
    new Localized(this);
  }

  override render() {
    const c = this.card;
    if (!c) return nothing;
    if (!state.canManage) {
      return html`<button class="danger" disabled aria-describedby="erase-why">${T("action")}</button>
        <p class="hint" id="erase-why">${T("onlyManagers")}</p>`;
    }
    const expected = c.email ?? c.visitorId;
    return html`<button class="danger open-erase" @click=${this.open}>${T("action")}</button>
      <dialog aria-labelledby="erase-title" aria-describedby="erase-explain">
        <form @submit=${this.erase} novalidate>
          <h3 id="erase-title">${T("title")}</h3>
          <p id="erase-explain">${T("explain")}</p>
          <label for="erase-confirm">${T("confirm", { value: "" })}<code>${expected}</code></label>
          <input id="erase-confirm" autocomplete="off" spellcheck="false" aria-invalid=${this.error ? "true" : "false"}
            aria-describedby=${this.error ? "erase-error" : ""}>
          ${this.error ? html`<p class="field-error" id="erase-error" role="alert">${this.error}</p>` : nothing}
          <div class="actions">
            <button type="button" @click=${() => this.dialog.close()}>${T("cancel")}</button>
            <button class="danger" ?disabled=${this.busy}>${T("erase")}</button>
          </div>
        </form>
      </dialog>`;
  }

  private open(): void {
    this.error = null;
    this.input.value = "";
    this.dialog.showModal();
    this.input.focus();
  }

  private async erase(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const c = this.card!;
    this.busy = true;
    this.error = null;
    try {
      const { erased } = await api<{ erased: { visitorIds: string[] } }>(
        "POST",
        `/contacts/${encodeURIComponent(c.visitorId)}/erase`,
        {
          confirm: this.input.value,
        },
      );
      this.dialog.close();
      forget(erased.visitorIds);
    } catch (err) {
      this.error =
        err instanceof ApiFailure && err.code === "confirmation_mismatch"
          ? T("mismatch", { value: c.email ?? c.visitorId })
          : err instanceof ApiFailure
            ? serverText(err.fields.confirm ?? err.message)
            : t("errors.unexpected");
      this.input.focus();
    } finally {
      this.busy = false;
    }
  }
}

CARD_SECTIONS.push((card) => html`<section><ec-erase-contact .card=${card}></ec-erase-contact></section>`);

declare global {
  interface HTMLElementTagNameMap {
    "ec-erase-contact": EcEraseContact;
  }
}
