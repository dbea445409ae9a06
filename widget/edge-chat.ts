/** The `<edge-chat>` element: see the class. Built by widget/build.mjs into /w/edge-chat.<hash>.js. */
import { html, LitElement, nothing, type PropertyValues } from "lit";
import type { Message } from "../worker/protocol";
import { installApi, productLine, type OpenOptions } from "./api";
import { MAX_TEXT } from "../worker/protocol/limits";
import { ChatController } from "./chat";
import type { BotUi } from "./bot/ui";
import type { Extras } from "./extras/extras";
import { catalogue, pickLocale, type ChatTexts, type Locale } from "./i18n";
import { CHAT_ICON } from "./launcher";
import { textOn } from "./look";
import type { HostIdentity } from "./session";
import { SiteStorage } from "./storage";
import { styles } from "./styles";
import { avatar, bubble, CLOSE_ICON, icon, MORE_ICON, SEND_ICON } from "./view";

/** The extras bundle's path, e.g. "/w/extras.3F2A9C.js"; set by widget/build.mjs. */
declare const __EDGECHAT_EXTRAS__: string;

/** One time formatter per language: making one costs far more than formatting with it. */
const clocks: Partial<Record<Locale, Intl.DateTimeFormat>> = {};

/** Where this script was loaded from: the Edgechat server. */
const SERVER = new URL((document.currentScript as HTMLScriptElement | null)?.src ?? location.href).origin;

/**
 * `<edge-chat>`: the visitor's always-on chat. The loader creates the element and draws its
 * launcher; this class upgrades it in place, takes the launcher over and adds the panel.
 * Message text is only ever bound as text (links are built by `linkify`), never as HTML.
 *
 * @fires edgechat-open - the panel opened
 * @fires edgechat-close - the panel closed
 * @fires edgechat-message - a new message arrived or was stored; `detail` is the message
 * @csspart launcher - the round button; `badge` - its unread count
 * @csspart panel - the chat window; `header`, `messages`, `message`, `composer`, `input`, `send`, `contact`
 * @cssprop --edgechat-color - accent (defaults to the site's colour); `--edgechat-on-color` text on it
 * @cssprop --edgechat-background, --edgechat-text, --edgechat-font, --edgechat-radius, --edgechat-focus
 */
export class EdgeChat extends LitElement {
  static override get styles() {
    return styles;
  }

  static override get properties() {
    return {
      site: {},
      server: {},
      opened: { state: true },
      notice: { state: true },
      drawn: { state: true },
    };
  }

  /** Site key (`data-site` of the loader's script). */
  site = "";
  /** The Edgechat server's origin, e.g. https://chat.example; by default where this script came from. */
  server = SERVER;
  opened = false;
  /** The panel is in the DOM: from the first time it opens (most visitors never open it). */
  protected drawn = false;
  private notice = "";

  readonly chat = new ChatController(this);
  /** The email field and the "More" menu's features; set by the extras bundle once it ran (widget/extras). */
  extras?: Extras;
  /** The options of the last open(), for the extras. */
  o?: OpenOptions | undefined;
  /** The bot's buttons and feedback; set by the bot bundle (widget/bot) once it ran. */
  bot?: BotUi;
  #extrasLoaded?: Promise<unknown>;
  #launcherHadFocus = false;
  #loaderNodes: ChildNode[] = [];

  constructor() {
    super();
    this.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && this.opened) this.hide(true);
    });
  }

  /** The page's language choice (see `pickLocale`). */
  get locale(): Locale {
    return pickLocale(
      window.edgechatSettings?.locale,
      document.documentElement.lang || navigator.language,
      this.chat.session?.config.locale,
    );
  }

  get #launcher(): HTMLButtonElement {
    return this.renderRoot.querySelector(".launcher")!;
  }

  get #input(): HTMLTextAreaElement {
    return this.renderRoot.querySelector(".composer textarea")!;
  }

  get #t(): ChatTexts {
    return catalogue(this.locale);
  }

  /** Opens the panel; with a product, puts it into the draft. Focus goes to the message field. */
  async show(options?: OpenOptions, focus = true): Promise<void> {
    if (!this.opened) {
      this.opened = true;
      new SiteStorage(this.site).set("open", 1, sessionStorage);
      this.dispatchEvent(new CustomEvent("edgechat-open"));
    }
    await this.updateComplete;
    // The extras read `o` (a video consultation).
    const line = productLine((this.o = options)?.product, this.#t.about);
    if (line) {
      this.#input.value = line + this.#input.value;
      this.#onInput();
    }
    if (focus) this.#input.focus();
  }

  /** Closes the panel; focus goes back to the launcher if it was inside the chat. */
  hide(returnFocus = !!this.shadowRoot?.activeElement): void {
    if (!this.opened) return;
    this.opened = false;
    new SiteStorage(this.site).set("open", null, sessionStorage);
    this.dispatchEvent(new CustomEvent("edgechat-close"));
    if (returnFocus) this.#launcher.focus();
  }

  identify(identity: HostIdentity): void {
    this.chat.identify(identity);
  }

  // The loader drew its launcher into this shadow root. It stays until the first render,
  // which comes a task after the upgrade (neither task is then long), and is removed in the
  // same task as that render: no frame without a launcher.
  protected override createRenderRoot(): HTMLElement | DocumentFragment {
    this.#loaderNodes = [...(this.shadowRoot?.childNodes ?? [])];
    const root = super.createRenderRoot();
    this.renderOptions.renderBefore = null;
    return root;
  }

  protected override async scheduleUpdate(): Promise<void> {
    if (!this.hasUpdated) await new Promise((resolve) => setTimeout(resolve));
    super.scheduleUpdate();
  }

  protected override update(changed: PropertyValues<this>): void {
    if (!this.hasUpdated) {
      this.#launcherHadFocus = !!this.shadowRoot?.activeElement;
      for (const node of this.#loaderNodes) node.remove();
    }
    super.update(changed);
  }

  protected override firstUpdated(): void {
    if (this.#launcherHadFocus) this.#launcher.focus();
    // A booking email's join link (?edgechat=video) opens the chat too.
    if (new SiteStorage(this.site).get("open", sessionStorage) || /edgechat=/.test(location.search))
      void this.show(undefined, false);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const look = this.chat.session?.config.look;
    if (look) {
      // The site's colours, as the loader sets them; the page's --edgechat-* theme wins over them.
      this.style.setProperty("--_c", look.color);
      this.style.setProperty("--_f", textOn(look.color));
      this.toggleAttribute("left", look.position === "left");
    }
    if (changed.has("opened")) this.chat.panelChanged();
    this.drawn ||= this.opened;
    // The open panel needs the extras: the attach button, files in messages, the email field;
    // so does a proactive message or greeting (the extras load widget/engage for it).
    if ((this.drawn || this.chat.session?.config.engage) && !this.extras) void this.#loadExtras();
  }

  protected override updated(): void {
    const log = this.renderRoot.querySelector(".log");
    if (this.opened && log) log.scrollTop = log.scrollHeight;
  }

  override render() {
    const t = this.#t;
    const chat = this.chat;
    const config = chat.session?.config;
    const team = config?.look.teamName || config?.siteName || t.chat;
    const unread = this.opened ? 0 : chat.unread;
    const incoming = chat.lastIncoming;
    return html`
      <button class="launcher" part="launcher" aria-expanded=${this.opened}
        aria-controls=${this.drawn ? "panel" : nothing}
        aria-label=${this.opened ? t.close : unread ? t.openUnread(unread) : t.open}
        @click=${() => (this.opened ? this.hide(true) : this.show())}>
        ${icon(this.opened ? CLOSE_ICON : CHAT_ICON)}
        ${config?.look.launcherText && !this.opened ? html`<span>${config.look.launcherText}</span>` : nothing}
        ${unread ? html`<span class="badge" part="badge" aria-hidden="true">${unread > 99 ? "99+" : unread}</span>` : nothing}
      </button>
      ${this.drawn ? this.#panel(team) : nothing}
      <div class="sr" aria-live="polite">${incoming ? t.newMessage(this.#nameOf(incoming, team), incoming.text) : ""}</div>
    `;
  }

  /** The chat window (hidden while closed). */
  #panel(team: string) {
    const t = this.#t;
    const chat = this.chat;
    return html`<section id="panel" class="panel" part="panel" role="dialog" aria-labelledby="title" ?hidden=${!this.opened}>
      <header part="header">
        ${this.#picture(team)}
        <div class="who">
          <h2 id="title">${team}</h2>
          <p class="status">${this.#status()}</p>
        </div>
        <button id="more" aria-label=${t.more} aria-haspopup="menu" aria-expanded=${!!this.extras?.opened}
          @click=${this.#onMore}>${icon(MORE_ICON)}</button>
        <button class="close" aria-label=${t.close} @click=${() => this.hide(true)}>${icon(CLOSE_ICON)}</button>
      </header>
      <ol class="log" part="messages" aria-label=${t.messages} tabindex="0">
        ${bubble(team, chat.session?.config.look.greeting || t.greeting, this.#picture(team))}
        ${this.#messages(team)}
      </ol>
      <p class="typing" ?hidden=${!chat.typing}>${t.typing(chat.typing?.name || team)}</p>
      ${this.bot?.render({ html, nothing })}
      ${this.extras?.render({ html, nothing })}
      <form class="composer" part="composer" @submit=${this.#onSubmit}>
        <textarea part="input" rows="1" dir="auto" .value=${chat.draft} aria-label=${t.input} placeholder=${t.placeholder}
          @keydown=${this.#onComposerKey} @input=${this.#onInput}></textarea>
        <button class="send" part="send" type="submit" aria-label=${t.send}>${icon(SEND_ICON)}</button>
      </form>
      ${this.notice ? html`<p class="notice" role="alert">${this.notice}</p>` : nothing}
    </section>`;
  }

  #status(): string {
    const t = this.#t;
    const chat = this.chat;
    if (chat.unavailable) return t.unavailable;
    if (chat.state === "offline") return t.offline;
    if (chat.state === "connecting" && chat.pending.length) return t.connecting;
    return chat.session?.config.operatorsOnline ? t.online : t.away;
  }

  #messages(team: string) {
    const t = this.#t;
    const chat = this.chat;
    const lastOwn = chat.messages.filter((m) => m.author.kind === "visitor").pop()?.seq;
    return [
      ...chat.messages.map((m) => {
        const mine = m.author.kind === "visitor";
        const name = this.#nameOf(m, team);
        const state = m.seq === lastOwn ? (m.seq <= chat.operatorRead ? t.read : t.sent) : "";
        return bubble(
          name,
          m.text,
          mine ? undefined : this.#picture(name),
          m.at,
          this.#time(m.at),
          state,
          this.extras?.att(m, html),
        );
      }),
      ...chat.pending.map((p) => bubble(t.you, p.text, undefined, p.at, this.#time(p.at), t.sending)),
    ];
  }

  #picture(name: string) {
    return avatar(name, this.chat.session?.config.look.avatarUrl);
  }

  #nameOf(m: Message, team: string): string {
    if (m.author.kind === "visitor") return this.#t.you;
    return m.author.name || team;
  }

  /** "14:05" or "2:05 PM". */
  #time(at: number): string {
    const locale = this.locale;
    clocks[locale] ??= new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" });
    return clocks[locale].format(at);
  }

  // ---- handlers ----

  #onComposerKey(e: KeyboardEvent): void {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      this.#onSubmit(e);
    }
  }

  /** Grows the message field with its text (up to 120 px), keeps the draft, says "typing". */
  #onInput(): void {
    const area = this.#input;
    area.style.height = "";
    area.style.height = `${Math.min(area.scrollHeight + 2, 120)}px`;
    this.chat.draft = area.value;
    if (area.value.trim()) this.chat.typed();
  }

  #onSubmit(e: Event): void {
    e.preventDefault();
    // Longer than a message may be: the first part goes, the rest stays in the box, and we say so.
    const text = this.#input.value;
    const error = this.chat.send(text.slice(0, MAX_TEXT));
    this.notice =
      error === "unavailable" ? this.#t.unavailable : text.length > MAX_TEXT ? this.#t.tooLong(MAX_TEXT) : "";
    if (error) return;
    this.#input.value = text.slice(MAX_TEXT);
    this.#onInput();
  }

  /** The "More" button: opens or closes the extras' menu. */
  async #onMore(): Promise<void> {
    this.notice = "";
    (await this.#loadExtras())?.toggle();
  }

  /**
   * Loads the extras bundle (once), which sets `this.extras`: when the server asks for the
   * visitor's email or the visitor opens "More". After a failure the next call tries again.
   */
  async #loadExtras(): Promise<Extras | undefined> {
    this.#extrasLoaded ??= new Promise((onload, onerror) => {
      const src = new URL(__EDGECHAT_EXTRAS__, this.server).href;
      document.head.append(Object.assign(document.createElement("script"), { src, onload, onerror }));
    });
    try {
      await this.#extrasLoaded;
    } catch {
      this.#extrasLoaded = undefined;
      this.notice = this.#t.failed;
    }
    return this.extras;
  }
}

// Compiling this script, upgrading the element and drawing it are three tasks, so that none
// is long on the shop's page.
setTimeout(() => {
  customElements.define("edge-chat", EdgeChat);
  const host = document.querySelector("edge-chat");
  if (host) installApi(host);
});

declare global {
  interface HTMLElementTagNameMap {
    "edge-chat": EdgeChat;
  }
}
