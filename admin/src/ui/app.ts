/**
 * The admin app's shell: signs in (or shows an account email's landing page), then lays out
 * the inbox, the open conversations as tabs, and the visitor card; or the settings frame,
 * loaded on demand. On a phone-size screen one pane shows at a time. Alt+↑/↓ move to the
 * previous/next conversation of the list.
 */
import { LitElement, css, html, nothing, svg } from "lit";
import type { InboxEntry } from "../../../worker/protocol";
import { customElement, state as litState } from "lit/decorators.js";
import { SESSION_ENDED, api } from "../api";
import { state } from "../app-state";
import { Localized, locale, setLocale, t, type Locale } from "../i18n";
import { isWaiting } from "../inbox-store";
import { forgetThisDevice } from "../push-device";
import { current, go, type Route } from "../router";
import { Watch } from "../watch";
import "./auth-forms";
import "./conversation-view";
import "./inbox-list";
import { visitorLabel } from "./inbox-list";
import { base } from "./styles";
import "./visitor-card";

/** A bell icon, struck through when the sound is off. */
function bell(on: boolean) {
  return html`<svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true">
    <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9"/><path d="M10.3 21a1.94 1.94 0 0 0 3.4 0"/>
    ${on ? nothing : svg`<line x1="3" y1="3" x2="21" y2="21"/>`}</svg>`;
}

@customElement("ec-app")
export class EcApp extends LitElement {
  static override styles = [
    base,
    css`
    :host { display: flex; flex-direction: column; height: 100vh; height: 100dvh; background: var(--ec-bg); }
    .top { display: flex; gap: 8px; align-items: center; padding: 6px 12px; background: var(--ec-top); color: #fff; flex-wrap: wrap; }
    .top a, .top button, .top select { color: #fff; background: transparent; border-color: rgb(255 255 255 / .25); }
    .top a { text-decoration: none; padding: 6px 10px; border-radius: 8px; }
    .top a[aria-current="page"] { background: rgb(255 255 255 / .15); }
    .top select { width: auto; }
    .top select option { color: #000; }
    .brand { font-weight: 700; margin-right: 8px; }
    .me { font-size: 13px; opacity: .85; }
    main { flex: 1; min-height: 0; display: grid; grid-template-columns: 320px 1fr 300px; }
    main > * { min-height: 0; border-right: 1px solid var(--ec-border); }
    .pane { display: flex; flex-direction: column; min-width: 0; }
    .pane > ec-conversation { flex: 1; }
    [role="tablist"] { display: flex; gap: 2px; overflow-x: auto; background: var(--ec-surface); border-bottom: 1px solid var(--ec-border); padding: 4px 4px 0; }
    .tab { display: flex; align-items: center; border: 1px solid transparent; border-bottom: 0; border-radius: 8px 8px 0 0; }
    .tab.active { border-color: var(--ec-border); background: var(--ec-bg); }
    .tab button { border: 0; background: none; border-radius: 8px 8px 0 0; max-width: 180px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .tab .x { padding: 4px 8px; min-height: 0; }
    .placeholder { margin: auto; color: var(--ec-muted); text-align: center; padding: 24px; }
    @media (max-width: 1100px) {
      main { grid-template-columns: 300px 1fr; }
      ec-visitor-card { display: none; }
      main.card-open ec-visitor-card { display: block; position: fixed; inset: 0 0 0 auto; width: min(360px, 100%); z-index: 5; box-shadow: -8px 0 24px rgb(0 0 0 / .15); }
    }
    .sound { display: inline-flex; align-items: center; }
    @media (max-width: 760px) {
      .top { gap: 4px; padding: 6px 8px; }
      .top .brand, .top .site { display: none; }
      .top a, .top button { padding: 4px 8px; }
      main { grid-template-columns: 1fr; }
      main.has-active ec-inbox-list, main:not(.has-active) .pane { display: none; }
      [role="tablist"] { display: none; }
      .me { display: none; }
    }
  `,
  ];

  @litState() private route: Route = current();
  @litState() private ready = false;
  @litState() private cardOpen = false;
  @litState() private settingsLoaded = false;
  @litState() private onlineLoaded = false;

  constructor() {
    super();
    new Localized(this);
    new Watch(this, state);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener("route", this.onRoute);
    window.addEventListener(SESSION_ENDED, this.onSessionEnded);
    window.addEventListener("keydown", this.onKey);
    void this.boot();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener("route", this.onRoute);
    window.removeEventListener(SESSION_ENDED, this.onSessionEnded);
    window.removeEventListener("keydown", this.onKey);
  }

  private async boot(): Promise<void> {
    if (this.route.name === "inbox" || this.route.name === "settings" || this.route.name === "online") {
      try {
        await state.start(await api("GET", "/me"));
        this.onRoute();
      } catch {
        // not logged in: the login form shows
      }
    }
    this.ready = true;
  }

  override render() {
    if (!this.ready) return html`<p class="placeholder">${t("app.loading")}</p>`;
    const r = this.route;
    if (r.name === "accept-invite")
      return html`<ec-auth mode="accept" .site=${r.site} .token=${r.token} @logged-in=${this.onLoggedIn}></ec-auth>`;
    if (r.name === "reset-password")
      return html`<ec-auth mode="reset" .site=${r.site} .token=${r.token} @logged-in=${this.onLoggedIn}></ec-auth>`;
    if (!state.operator) return html`<ec-auth mode="login" @logged-in=${this.onLoggedIn}></ec-auth>`;
    return html`${this.top()}${r.name === "settings" ? this.settings(r.screen) : r.name === "online" ? this.online() : this.inbox()}`;
  }

  private top() {
    const op = state.operator!;
    const inSettings = this.route.name === "settings";
    const inOnline = this.route.name === "online";
    return html`<header class="top">
      <span class="brand">Edgechat</span><span class="site">${state.settings?.name ?? ""}</span><span class="grow"></span>
      <nav class="row" aria-label=${t("app.nav")}>
        <a href="/admin/" aria-current=${inSettings || inOnline ? "false" : "page"} @click=${this.link({ name: "inbox" })}>${t("app.inbox")}</a>
        <a href="/admin/online" aria-current=${inOnline ? "page" : "false"} @click=${this.link({ name: "online" })}>${t("app.online")}</a>
        <a href="/admin/settings/" aria-current=${inSettings ? "page" : "false"} @click=${this.link({ name: "settings", screen: "" })}>${t("app.settings")}</a>
      </nav>
      <button class="sound" @click=${this.toggleSound} aria-pressed=${state.alerts.sound} title=${t("app.sound")}>${bell(state.alerts.sound)}<span class="sr-only">${t("app.sound")}</span></button>
      <label class="sr-only" for="lang">${t("app.language")}</label>
      <select id="lang" @change=${(e: Event) => setLocale((e.target as HTMLSelectElement).value as Locale)}>
        <option value="en" ?selected=${locale() === "en"}>EN</option>
        <option value="ru" ?selected=${locale() === "ru"}>RU</option>
      </select>
      <span class="me">${op.name} · ${t(`roles.${op.role}`)}</span>
      <button @click=${this.logout}>${t("app.logout")}</button>
    </header>`;
  }

  private inbox() {
    const session = state.activeId ? state.open.get(state.activeId) : undefined;
    const entry = state.activeId ? (state.inbox.entries.get(state.activeId) ?? null) : null;
    return html`<main class="${session ? "has-active" : ""} ${this.cardOpen ? "card-open" : ""}"
        @back=${() => go({ name: "inbox" })} @toggle-card=${() => (this.cardOpen = !this.cardOpen)}>
      <ec-inbox-list></ec-inbox-list>
      <section class="pane" aria-label=${t("app.conversations")}>
        <div role="tablist" aria-label=${t("app.openConversations")}>${[...state.open.keys()].map((id) => this.tab(id))}</div>
        ${
          session
            ? html`<ec-conversation .session=${session} .entry=${entry}></ec-conversation>`
            : html`<p class="placeholder">${t("app.pick")}</p>`
        }
      </section>
      ${
        session && !session.gone
          ? html`<ec-visitor-card .conversationId=${session.id} .revision=${`${entry?.email}|${entry?.visitorName}`}
        .filesRevision=${entry?.lastSeq ?? 0} .rating=${entry?.rating}></ec-visitor-card>`
          : nothing
      }
    </main>`;
  }

  private tab(id: string) {
    const e = state.inbox.entries.get(id);
    const active = id === state.activeId;
    const label = state.open.get(id)?.gone ? t("conversation.erasedTitle") : e ? visitorLabel(e) : t("inbox.visitor");
    return html`<div class="tab ${active ? "active" : ""}">
      <button role="tab" aria-selected=${active} @click=${() => go({ name: "inbox", conversationId: id })}>
        ${e?.unread ? "● " : ""}${label}</button>
      <button class="x" @click=${() => state.closeConversation(id)} aria-label=${t("app.closeTab")}>×</button>
    </div>`;
  }

  private settings(screen: string) {
    if (!this.settingsLoaded) {
      void import("../settings/frame").then(() => (this.settingsLoaded = true));
      return html`<p class="placeholder">${t("app.loading")}</p>`;
    }
    return html`<ec-settings .screen=${screen}></ec-settings>`;
  }

  private online() {
    if (!this.onlineLoaded) {
      void import("../online/online-now").then(() => (this.onlineLoaded = true));
      return html`<p class="placeholder">${t("app.loading")}</p>`;
    }
    return html`<ec-online-now></ec-online-now>`;
  }

  private link(route: Route) {
    return (e: MouseEvent) => {
      if (e.ctrlKey || e.metaKey || e.shiftKey) return;
      e.preventDefault();
      go(route);
    };
  }

  private readonly onRoute = (): void => {
    this.route = current();
    if (this.route.name === "inbox") {
      if (this.route.conversationId && state.operator) state.openConversation(this.route.conversationId);
      else if (!this.route.conversationId) state.activeId = null;
      state.changed();
    }
  };

  private readonly onSessionEnded = (): void => {
    state.stop();
  };

  private async onLoggedIn(e: CustomEvent): Promise<void> {
    await state.start(e.detail);
    // Where the operator was going stays: a notification's conversation, opened on a device whose session had ended.
    const stays = this.route.name === "settings" || this.route.name === "online" || this.route.name === "inbox";
    go(stays ? this.route : { name: "inbox" }, true);
  }

  private async logout(): Promise<void> {
    // Before the session ends: forgetting the device needs it.
    await forgetThisDevice().catch(() => {});
    await api("POST", "/logout").catch(() => {});
    state.stop();
  }

  private toggleSound(): void {
    void state.saveAlerts({ sound: !state.alerts.sound }).catch(() => {});
  }

  /**
   * Alt+↓: the next visitor still waiting for an answer (after this one in the list, else the
   * first), or the next conversation when nobody waits; Alt+↑: the previous conversation.
   */
  private readonly onKey = (e: KeyboardEvent): void => {
    if (!e.altKey || (e.key !== "ArrowDown" && e.key !== "ArrowUp") || !state.operator) return;
    const list = state.listed();
    if (!list.length) return;
    const i = list.findIndex((x) => x.id === state.activeId);
    const waiting = (x: InboxEntry) => isWaiting(x) && x.id !== state.activeId;
    const next =
      e.key === "ArrowDown"
        ? (list.slice(i + 1).find(waiting) ?? list.find(waiting) ?? list[Math.min(list.length - 1, i + 1)])!
        : list[Math.max(0, i - 1)]!;
    e.preventDefault();
    go({ name: "inbox", conversationId: next.id });
  };
}

declare global {
  interface HTMLElementTagNameMap {
    "ec-app": EcApp;
  }
}
