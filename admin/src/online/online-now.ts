/**
 * Online now: the visitors on the site at this moment (from their widgets' page views),
 * each with the page, since when, new or returning, the cart when the shop reports it, and
 * "Start a chat": the operator's first message, which starts the visitor's conversation and
 * shows beside their launcher at their next page view. Kept live by the admin socket's
 * `online`/`offline` frames.
 */
import { LitElement, css, html, nothing } from "lit";
import { customElement, state as litState } from "lit/decorators.js";
import type { OnlineVisitor, SiteServerFrame } from "../../../worker/protocol";
import { ApiFailure, api } from "../api";
import { state } from "../app-state";
import { duration, safeHref } from "../format";
import { Localized, serverText, t } from "../i18n";
import { go } from "../router";
import { base } from "../ui/styles";

@customElement("ec-online-now")
export class EcOnlineNow extends LitElement {
  static override styles = [
    base,
    css`
    :host { flex: 1; min-height: 0; overflow-y: auto; display: block; padding: 16px 24px; background: var(--ec-bg); }
    table { width: 100%; border-collapse: collapse; background: var(--ec-surface); border: 1px solid var(--ec-border); border-radius: 12px; }
    th, td { text-align: start; padding: 8px 10px; border-bottom: 1px solid var(--ec-border); vertical-align: top; }
    td.page { max-width: 360px; overflow-wrap: anywhere; }
    form { display: flex; gap: 8px; margin-top: 8px; }
    form textarea { flex: 1; min-height: 40px; }
    .badge { font-size: 12px; padding: 1px 6px; border-radius: 8px; background: var(--ec-hover); }
    @media (max-width: 700px) { :host { padding: 8px; } th.since, td.since, th.cart, td.cart { display: none; } }
  `,
  ];

  @litState() private visitors = new Map<string, OnlineVisitor>();
  @litState() private writingTo: string | null = null;
  @litState() private error: string | null = null;
  @litState() private loaded = false;
  private tick?: ReturnType<typeof setInterval>;

  constructor() {
    super();
    new Localized(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    state.inbox.addEventListener("online", this.onFrame);
    // "since" and "last seen" move on without any frame.
    this.tick = setInterval(() => this.requestUpdate(), 30_000);
    void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    state.inbox.removeEventListener("online", this.onFrame);
    clearInterval(this.tick);
  }

  private async load(): Promise<void> {
    try {
      const { visitors } = await api("GET", "/online");
      this.visitors = new Map((visitors as OnlineVisitor[]).map((v) => [v.visitorId, v]));
      this.error = null;
    } catch (err) {
      this.error = err instanceof ApiFailure ? serverText(err.message) : String(err);
    }
    this.loaded = true;
  }

  private readonly onFrame = (e: Event): void => {
    const frame = (e as CustomEvent<SiteServerFrame>).detail;
    const next = new Map(this.visitors);
    if (frame.type === "online") next.set(frame.visitor.visitorId, frame.visitor);
    else if (frame.type === "offline") next.delete(frame.visitorId);
    this.visitors = next;
  };

  override render() {
    const list = [...this.visitors.values()].sort((a, b) => b.seenAt - a.seenAt);
    return html`<h2>${t("online.title")} <span class="muted">(${list.length})</span></h2>
      <p class="muted">${t("online.intro")}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${
        !this.loaded
          ? html`<p class="muted">${t("app.loading")}</p>`
          : list.length === 0
            ? html`<p class="placeholder">${t("online.none")}</p>`
            : html`<table>
        <thead><tr><th>${t("online.visitor")}</th><th>${t("online.page")}</th><th class="since">${t("online.since")}</th>
          <th class="cart">${t("online.cart")}</th><th><span class="sr-only">${t("online.actions")}</span></th></tr></thead>
        <tbody>${list.map((v) => this.row(v))}</tbody></table>`
      }`;
  }

  private row(v: OnlineVisitor) {
    const href = safeHref(v.url);
    const now = Date.now();
    return html`<tr data-visitor=${v.visitorId}>
      <td>${t("inbox.visitorN", { id: v.visitorId.slice(-4) })}<br>
        <span class="badge">${v.returning ? t("online.returning") : t("online.new")}</span>
        ${v.language ? html` <span class="muted">${v.language}</span>` : nothing}</td>
      <td class="page">${href ? html`<a href=${href} target="_blank" rel="noopener noreferrer nofollow">${v.title || v.url}</a>` : v.url}
        <br><span class="muted">${t("online.pages", { n: v.pages })} · ${t("online.seen", { ago: duration(now - v.seenAt) })}</span>
        ${this.writingTo === v.visitorId ? this.form(v) : nothing}</td>
      <td class="since">${duration(now - v.since)}</td>
      <td class="cart">${v.cart ? `${v.cart.total.toFixed(2)} ${v.cart.currency}` : "—"}</td>
      <td>${
        v.chatted
          ? html`<button @click=${() => go({ name: "inbox", conversationId: v.conversationId })}>${t("online.openChat")}</button>`
          : html`<button class="primary" @click=${() => this.startWriting(v.visitorId)}>${t("online.start")}</button>`
      }</td>
    </tr>`;
  }

  private form(v: OnlineVisitor) {
    return html`<form @submit=${(e: SubmitEvent) => this.send(e, v)}>
      <label class="sr-only" for="proactive">${t("online.message")}</label>
      <textarea id="proactive" name="text" maxlength="4000" required dir="auto" placeholder=${t("online.placeholder")}></textarea>
      <button class="primary">${t("online.send")}</button>
      <button type="button" @click=${() => (this.writingTo = null)}>${t("settings.cancel")}</button>
    </form>`;
  }

  private async startWriting(visitorId: string): Promise<void> {
    this.writingTo = visitorId;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLTextAreaElement>("#proactive")?.focus();
  }

  private async send(e: SubmitEvent, v: OnlineVisitor): Promise<void> {
    e.preventDefault();
    const text = String(new FormData(e.target as HTMLFormElement).get("text") ?? "");
    try {
      const { conversationId } = await api("POST", `/online/${v.visitorId}/message`, { text });
      this.writingTo = null;
      this.error = null;
      state.openConversation(conversationId);
      go({ name: "inbox", conversationId });
    } catch (err) {
      this.error = err instanceof ApiFailure ? serverText(err.message) : String(err);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "ec-online-now": EcOnlineNow;
  }
}
