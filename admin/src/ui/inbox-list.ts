/**
 * The inbox: views with unread counts, search, and the conversations of the view, live.
 * Arrow keys move between conversations; Enter opens one. Visitor-provided text is
 * rendered as text (Lit escapes it), never as HTML.
 */
import { LitElement, css, html, nothing } from "lit";
import { customElement } from "lit/decorators.js";
import type { InboxEntry } from "../../../worker/protocol";
import { state } from "../app-state";
import { duration, shortTime } from "../format";
import { Localized, t } from "../i18n";
import { VIEWS, type InboxSort } from "../inbox-store";
import { go } from "../router";
import { Watch } from "../watch";
import { base } from "./styles";

/** The name an inbox shows for a visitor. */
export function visitorLabel(e: { visitorName: string | null; email: string | null; visitorId: string }): string {
  return e.visitorName || e.email || t("inbox.visitorN", { id: e.visitorId.slice(-4) });
}

@customElement("ec-inbox-list")
export class EcInboxList extends LitElement {
  static override styles = [
    base,
    css`
    :host { display: flex; flex-direction: column; min-height: 0; background: var(--ec-surface); }
    nav { display: flex; flex-wrap: wrap; gap: 2px; padding: 8px; border-bottom: 1px solid var(--ec-border); }
    nav button { border: 0; background: none; padding: 4px 8px; white-space: nowrap; min-height: 30px; }
    nav button[aria-pressed="true"] { background: var(--ec-hover); font-weight: 600; }
    .search { padding: 8px; border-bottom: 1px solid var(--ec-border); display: flex; gap: 6px; }
    .search input { flex: 1; min-width: 0; }
    .search select { width: auto; }
    ul { list-style: none; margin: 0; padding: 0; overflow-y: auto; flex: 1; }
    li button {
      display: grid; grid-template-columns: 1fr auto; gap: 2px 8px; width: 100%; text-align: left;
      border: 0; border-bottom: 1px solid var(--ec-border); border-radius: 0; padding: 10px 12px; background: none;
    }
    li button[aria-current="true"] { background: var(--ec-selected); }
    .name { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .unread .name::before { content: ""; display: inline-block; width: 8px; height: 8px; border-radius: 4px; background: var(--ec-accent); margin-right: 6px; }
    .preview { color: var(--ec-muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .preview.note { font-style: italic; }
    .meta { font-size: 12px; color: var(--ec-muted); text-align: right; }
    .waiting { color: var(--ec-warn); font-size: 12px; }
    .empty { padding: 24px; text-align: center; color: var(--ec-muted); }
    .status { font-size: 12px; padding: 4px 12px; color: var(--ec-muted); border-top: 1px solid var(--ec-border); }
  `,
  ];

  private timer: ReturnType<typeof setInterval> | undefined;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    new Localized(this);
    new Watch(this, state);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.timer = setInterval(() => this.requestUpdate(), 15_000); // waiting times move
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.timer);
  }

  override render() {
    const me = state.operator?.id ?? "";
    const list = state.listed();
    return html`
      <nav aria-label=${t("inbox.views.label")}>
        ${VIEWS.map((v) => {
          const n = state.inbox.unreadIn(v, me);
          return html`<button aria-pressed=${state.view === v} @click=${() => state.setView(v)}>
            ${t(`inbox.views.${v}`)} ${n && v !== "resolved" && v !== "all" ? html`<span class="badge">${n}</span>` : nothing}</button>`;
        })}
      </nav>
      <div class="search">
        <label class="sr-only" for="q">${t("inbox.search")}</label>
        <input id="q" type="search" placeholder=${t("inbox.search")} .value=${state.query} @input=${this.onSearch}>
        <label class="sr-only" for="sort">${t("inbox.sort.label")}</label>
        <select id="sort" title=${t("inbox.sort.label")} @change=${(e: Event) => state.setSort((e.target as HTMLSelectElement).value as InboxSort)}>
          <option value="waiting" ?selected=${state.sort === "waiting"}>${t("inbox.sort.waiting")}</option>
          <option value="activity" ?selected=${state.sort === "activity"}>${t("inbox.sort.activity")}</option>
        </select>
      </div>
      <ul role="list" @keydown=${this.onKey}>
        ${list.map((e) => this.item(e))}
      </ul>
      ${list.length ? nothing : html`<p class="empty">${state.query ? t("inbox.noMatches") : t("inbox.empty")}</p>`}
      <div class="status" role="status">${state.inbox.live ? t("inbox.live", { n: state.inbox.operatorsOnline }) : t("inbox.connecting")}</div>`;
  }

  private item(e: InboxEntry) {
    const now = Date.now();
    const last = e.lastMessage;
    const prefix = last?.note ? `${t("inbox.note")}: ` : last?.author === "operator" ? `${t("inbox.team")}: ` : "";
    const assignee = state.nameOf(e.assignee);
    return html`<li class=${e.unread ? "unread" : ""}>
      <button data-id=${e.id} aria-current=${state.activeId === e.id} @click=${() => this.openEntry(e.id)}>
        <span class="name">${visitorLabel(e)}</span>
        <span class="meta">${last ? shortTime(last.at, now) : ""} ${e.unread ? html`<span class="badge" aria-label=${t("inbox.unread", { n: e.unread })}>${e.unread}</span>` : nothing}</span>
        <span class="preview ${last?.note ? "note" : ""}" dir="auto">${prefix}${last?.text ?? ""}</span>
        <span class="meta">${assignee ?? (e.status === "open" ? t("inbox.unassigned") : t("inbox.resolved"))}</span>
        ${e.waitingSince && e.status === "open" ? html`<span class="waiting">${t("inbox.waiting", { time: duration(now - e.waitingSince) })}</span>` : nothing}
      </button></li>`;
  }

  private openEntry(id: string): void {
    state.openConversation(id);
    go({ name: "inbox", conversationId: id });
  }

  private onSearch(e: InputEvent): void {
    const q = (e.target as HTMLInputElement).value;
    state.query = q;
    this.requestUpdate();
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => void state.search(q).catch(() => {}), 250);
  }

  /** ↑/↓ move between conversations (Home/End to the ends). */
  private onKey(e: KeyboardEvent): void {
    if (!["ArrowDown", "ArrowUp", "Home", "End"].includes(e.key)) return;
    const items = [...this.renderRoot.querySelectorAll<HTMLButtonElement>("li button")];
    const i = items.indexOf(this.renderRoot.querySelector("li button:focus") as HTMLButtonElement);
    const next = e.key === "Home" ? 0 : e.key === "End" ? items.length - 1 : i + (e.key === "ArrowDown" ? 1 : -1);
    items[Math.max(0, Math.min(items.length - 1, next))]?.focus();
    e.preventDefault();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "ec-inbox-list": EcInboxList;
  }
}
