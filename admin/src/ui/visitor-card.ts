/**
 * The visitor card beside a conversation: who the visitor is (name, email, phone, verified),
 * where and on what (country and city, device and browser, language, local time), how they
 * came (landing page, referrer, UTM, pages seen) and their previous conversations. All of
 * it came from the visitor's browser: shown as text, and only http(s) URLs become links.
 */
import { LitElement, css, html, nothing, type PropertyValues } from "lit";
import { customElement, property, state as litState } from "lit/decorators.js";
import type { ConversationFile, VisitorCard } from "../../../worker/protocol";
import { api } from "../api";
import { state } from "../app-state";
import { countryName, fullTime, localTimeIn, ratingText, safeHref, shortTime } from "../format";
import { Localized, t } from "../i18n";
import { go } from "../router";
import { CARD_SECTIONS } from "./card-sections";
import "./block-visitor";
import "./erase-contact";
import { attachmentsView, filesStyles } from "./files";
import { base } from "./styles";

@customElement("ec-visitor-card")
export class EcVisitorCard extends LitElement {
  static override styles = [
    base,
    css`
    :host { display: block; overflow-y: auto; background: var(--ec-surface); padding: 12px 16px; }
    section { border-bottom: 1px solid var(--ec-border); padding: 8px 0; }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 0; }
    dt { color: var(--ec-muted); }
    dd { margin: 0; overflow-wrap: anywhere; }
    ol, ul { margin: 0; padding-left: 18px; }
    li { margin: 2px 0; overflow-wrap: anywhere; }
    a { color: var(--ec-accent); }
    .close { float: right; }
  `,
    filesStyles,
  ];

  /** The conversation whose visitor to show. */
  @property({ attribute: false }) conversationId: string | null = null;
  /** Bumped by the app when the conversation's contact may have changed. */
  @property({ attribute: false }) revision = "";
  /** Bumped by the app when the conversation has new messages (the gallery may grow or shrink). */
  @property({ attribute: false }) filesRevision = 0;
  /**
   * The rating the live inbox entry has: given while the card is open, it is newer than the
   * card read then (undefined: the app has no entry, the card's own shows).
   */
  @property({ attribute: false }) rating: number | null | undefined = undefined;
  @litState() private card: VisitorCard | null = null;
  @litState() private error: string | null = null;
  /** The conversation's files, newest first: the gallery. */
  @litState() private files: ConversationFile[] = [];
  private clock: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    new Localized(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.clock = setInterval(() => this.requestUpdate(), 30_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.clock);
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has("conversationId") || changed.has("revision")) && this.conversationId)
      void this.load(this.conversationId);
    else if (changed.has("filesRevision") && this.conversationId) void this.loadFiles(this.conversationId);
  }

  private async loadFiles(id: string): Promise<void> {
    try {
      const { files } = await api("GET", `/conversations/${id}/files`);
      if (id === this.conversationId) this.files = files;
    } catch {
      if (id === this.conversationId) this.files = [];
    }
  }

  private async load(id: string): Promise<void> {
    if (this.card && id !== this.conversationId) this.card = null;
    void this.loadFiles(id);
    try {
      const { visitor } = await api("GET", `/conversations/${id}/visitor`);
      if (id === this.conversationId) [this.card, this.error] = [visitor, null];
    } catch {
      if (id === this.conversationId) this.error = t("card.unavailable");
    }
  }

  override render() {
    const c = this.card;
    if (!c) return html`<p class="muted">${this.error ?? t("card.loading")}</p>`;
    const place = [c.city, countryName(c.country)].filter(Boolean).join(", ");
    const device = [
      c.device.kind !== "unknown" ? t(`card.device.${c.device.kind}`) : null,
      c.device.browser,
      c.device.os,
    ]
      .filter(Boolean)
      .join(" · ");
    const local = localTimeIn(c.timezone);
    const rating = this.rating ?? c.rating;
    return html`
      <button class="close link" @click=${() => this.dispatchEvent(new CustomEvent("toggle-card", { bubbles: true, composed: true }))}
        aria-label=${t("card.close")}>✕</button>
      <h2>${c.name || t("inbox.visitorN", { id: c.visitorId.slice(-4) })}
        ${c.verified ? html`<span class="badge soft" title=${t("card.verifiedHint")}>✓ ${t("card.verified")}</span>` : nothing}</h2>
      <section><dl>
        ${this.row(t("card.email"), c.email ? html`<a href=${`mailto:${encodeURIComponent(c.email)}`}>${c.email}</a>` : null)}
        ${this.row(t("card.phone"), c.phone)}
        ${this.row(t("card.place"), place || null)}
        ${this.row(t("card.deviceLabel"), device || null)}
        ${this.row(t("card.language"), c.language || c.locale)}
        ${this.row(t("card.localTime"), local ? `${local} (${c.timezone})` : null)}
        ${this.row(t("card.rating"), rating ? ratingText(rating) : null)}
      </dl></section>
      <section class="gallery"><h3>${t("card.files")}</h3>
        ${this.files.length ? attachmentsView(this.conversationId!, this.files, 96) : html`<p class="muted">${t("card.noFiles")}</p>`}</section>
      ${this.trail(c)}
      ${
        c.previous.length
          ? html`<section><h3>${t("card.previous")}</h3><ul>
        ${c.previous.map(
          (p) => html`<li><button class="link" @click=${() => this.open(p.id)}>${shortTime(p.updatedAt)}</button>
          ${t(`inbox.${p.status === "open" ? "open" : "resolved"}`)}${p.rating ? ` · ${ratingText(p.rating)}` : ""} — ${p.lastMessage?.text ?? ""}</li>`,
        )}
      </ul></section>`
          : nothing
      }
      ${CARD_SECTIONS.map((render) => render(c as VisitorCard & Record<string, unknown>) ?? nothing)}`;
  }

  private trail(c: VisitorCard) {
    const tr = c.trail;
    if (!tr) return nothing;
    const utm = Object.entries(tr.utm ?? {});
    return html`<section><dl>
        ${this.row(t("card.landing"), tr.landing ? this.link(tr.landing) : null)}
        ${this.row(t("card.referrer"), tr.referrer ? this.link(tr.referrer) : null)}
        ${utm.map(([k, v]) => this.row(k.startsWith("utm_") ? k : `utm_${k}`, v))}
      </dl></section>
      ${
        tr.pages?.length
          ? html`<section><h3>${t("card.pages")}</h3><ol>
        ${tr.pages.map((p) => html`<li title=${fullTime(p.at)}>${this.link(p.url, p.title || p.url)}</li>`)}
      </ol></section>`
          : nothing
      }`;
  }

  private row(label: string, value: unknown) {
    return value === null || value === undefined || value === "" ? nothing : html`<dt>${label}</dt><dd>${value}</dd>`;
  }

  private link(url: string, text = url) {
    const href = safeHref(url);
    return href
      ? html`<a href=${href} target="_blank" rel="noopener noreferrer nofollow">${text}</a>`
      : html`<span>${text}</span>`;
  }

  private open(id: string): void {
    state.openConversation(id);
    go({ name: "inbox", conversationId: id });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "ec-visitor-card": EcVisitorCard;
  }
}
