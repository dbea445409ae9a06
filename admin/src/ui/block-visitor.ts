/**
 * "Block visitor" on the visitor card (owner and admin): for spam and abuse, blocks the
 * conversation's visitor by visitor id and, unless unticked, by the address they came from,
 * for a period (`POST /conversations/:id/block`); their widget then says the chat is
 * unavailable. A blocked visitor's card says until when, with "Unblock".
 */
import { LitElement, css, html, nothing } from "lit";
import { customElement, property, state as litState } from "lit/decorators.js";
import type { VisitorCard } from "../../../worker/protocol";
import { ApiFailure, api } from "../api";
import { state } from "../app-state";
import { fullTime } from "../format";
import { Localized, serverText, t } from "../i18n";
import { CARD_SECTIONS } from "./card-sections";
import { base } from "./styles";

const T = (key: string, params?: Record<string, string>) => t(`card.block.${key}`, params);
const PERIODS: Array<[number, string]> = [
  [1, "hour"],
  [24, "day"],
  [24 * 7, "week"],
  [24 * 30, "month"],
  [24 * 365, "year"],
];

@customElement("ec-block-visitor")
export class EcBlockVisitor extends LitElement {
  static override styles = [
    base,
    css`:host { display: block; } .row { flex-wrap: wrap; gap: 8px; align-items: center; }`,
  ];

  @property({ attribute: false }) card: VisitorCard | null = null;
  @litState() private open = false;
  @litState() private error: string | null = null;
  @litState() private blockedUntil: number | null = null;
  @litState() private busy = false;

  constructor() {
    super();
    new Localized(this);
  }

  override willUpdate(): void {
    if (this.blockedUntil === null && this.card?.blockedUntil) this.blockedUntil = this.card.blockedUntil;
  }

  /** The conversation of the card this section sits in. */
  private get conversationId(): string {
    return ((this.getRootNode() as ShadowRoot).host as HTMLElement & { conversationId?: string }).conversationId ?? "";
  }

  override render() {
    if (!this.card || !state.canManage) return nothing;
    if (this.blockedUntil && this.blockedUntil > Date.now()) {
      return html`<p role="status">${T("blockedUntil", { until: fullTime(this.blockedUntil) })}</p>
        <button @click=${this.unblock} ?disabled=${this.busy}>${T("unblock")}</button>${this.errorLine()}`;
    }
    if (!this.open) return html`<button class="danger" @click=${() => (this.open = true)}>${T("action")}</button>`;
    return html`<form @submit=${this.block}>
      <p>${T("explain")}</p>
      <label for="block-hours">${T("period")}</label>
      <select id="block-hours" name="hours">${PERIODS.map(([h, k]) => html`<option value=${h} ?selected=${h === 24 * 7}>${T(k)}</option>`)}</select>
      <label class="inline"><input type="checkbox" name="ip" checked> ${T("alsoIp")}</label>
      <label for="block-reason">${T("reason")}</label>
      <input id="block-reason" name="reason" maxlength="200">
      <div class="row"><button class="danger" ?disabled=${this.busy}>${T("confirm")}</button>
        <button type="button" @click=${() => (this.open = false)}>${t("card.erase.cancel")}</button></div>
      ${this.errorLine()}
    </form>`;
  }

  private errorLine() {
    return this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing;
  }

  private async block(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    this.busy = true;
    this.error = null;
    try {
      const { blocks } = await api("POST", `/conversations/${this.conversationId}/block`, {
        hours: Number(form.get("hours")),
        ip: form.get("ip") === "on",
        reason: String(form.get("reason") ?? ""),
      });
      this.blockedUntil = blocks[0].until;
      this.open = false;
    } catch (err) {
      this.error = err instanceof ApiFailure ? serverText(err.message) : String(err);
    } finally {
      this.busy = false;
    }
  }

  private async unblock(): Promise<void> {
    this.busy = true;
    this.error = null;
    try {
      const { blocks } = await api("GET", "/blocks");
      const mine = (blocks as Array<{ id: string; visitorId: string }>).find(
        (b) => b.visitorId === this.card!.visitorId,
      );
      if (mine) await api("DELETE", `/blocks/${mine.id}`);
      this.blockedUntil = 0;
    } catch (err) {
      this.error = err instanceof ApiFailure ? serverText(err.message) : String(err);
    } finally {
      this.busy = false;
    }
  }
}

CARD_SECTIONS.push((card) => html`<section><ec-block-visitor .card=${card}></ec-block-visitor></section>`);

declare global {
  interface HTMLElementTagNameMap {
    "ec-block-visitor": EcBlockVisitor;
  }
}
