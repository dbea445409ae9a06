/**
 * The chat's state and everything in it that is not drawing: the session, the socket, the
 * outbox, read receipts, typing and the email ask. A Reactive Controller: its host re-renders
 * whenever something here changes, and fires `edgechat-message` for each new message.
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { Author, ClientFrame, Message, ServerFrame, TrailCart } from "../worker/protocol";
import { Connection } from "./connection";
import { newClientId, Outbox, type OutboxItem } from "./outbox";
import { SessionKeeper, TOKEN_FRESH_MS, toIdentity, type HostIdentity, type Session } from "./session";
import { SiteStorage } from "./storage";
import { recordPage } from "./trail";

/** The visitor sends `typing` at most this often. */
const TYPING_EVERY_MS = 3_000;
/** An operator's typing indicator fades after this long without another `typing` frame. */
const TYPING_SHOWN_MS = 6_000;

export interface ChatHost extends ReactiveControllerHost, HTMLElement {
  site: string;
  server: string;
  opened: boolean;
  locale: string;
}

export type ConnectionState = "idle" | "connecting" | "live" | "offline";

export class ChatController implements ReactiveController {
  /** Stored messages of the conversation, by seq. */
  messages: Message[] = [];
  operatorRead = 0;
  visitorRead = 0;
  typing: Author | null = null;
  emailKnown = false;
  askEmail = false;
  state: ConnectionState = "idle";
  /** The latest message from the team, for the live region. */
  lastIncoming: Message | null = null;
  /** The extras bundle (widget/extras) hears every frame here, after the chat handled it. */
  onFrame?: (frame: ServerFrame) => void;

  #store!: SiteStorage;
  #outbox!: Outbox;
  #keeper!: SessionKeeper;
  #booted = false;
  #welcomed = false;
  #loaded = false;
  /** Frames for the server once the conversation is loaded on a socket (the email, a transcript ask). */
  #later: ClientFrame[] = [];
  #lastTypingSent = 0;
  #typingTimer?: ReturnType<typeof setTimeout>;
  /** The conversation's socket; the extras keep a heartbeat on it (`widget/heartbeat.ts`). */
  readonly conn = new Connection<ServerFrame, ClientFrame | "ping">({
    url: (refused) => this.#socketUrl(refused),
    open: () => this.conn.send({ type: "hello", lastSeq: this.lastSeq }),
    frame: (f) => this.#onFrame(f),
    down: () => this.#onDown(),
  });

  #host: ChatHost;

  constructor(host: ChatHost) {
    this.#host = host;
    host.addController(this);
  }

  // ---- what the view reads ----

  get session(): Session | null {
    return this.#keeper?.session ?? null;
  }

  /** True when the site refused this page (origin not allowed, unknown site). */
  get unavailable(): boolean {
    return !!this.#keeper?.unavailable;
  }

  get lastSeq(): number {
    return this.messages[this.messages.length - 1]?.seq ?? 0;
  }

  /** Written, not yet stored: shown as "sending". */
  get pending(): OutboxItem[] {
    return this.#outbox?.items() ?? [];
  }

  /** Messages from the team the visitor has not seen. */
  get unread(): number {
    return this.messages.filter((m) => m.author.kind !== "visitor" && m.seq > this.visitorRead).length;
  }

  /** What the visitor typed and has not sent: kept across reloads, given back when the site refuses this page. */
  get draft(): string {
    return this.#store?.get<string>("draft") ?? "";
  }

  set draft(text: string) {
    this.#store.set("draft", text || null);
  }

  get showContact(): boolean {
    return !this.emailKnown && (this.askEmail || this.messages.some((m) => m.meta?.ask === "email"));
  }

  // ---- lifecycle ----

  hostConnected(): void {
    if (!this.#store) {
      this.#store = new SiteStorage(this.#host.site);
      this.#outbox = new Outbox(
        this.#store,
        (item) => this.conn.send({ type: "message", clientId: item.clientId, text: item.text }),
        () => this.conn.drop(),
      );
      this.#keeper = new SessionKeeper(
        this.#host.server,
        this.#store,
        () => this.#host.locale,
        (now, before) => this.#sessionChanged(now, before),
      );
      // A task of its own, after the JS API queue ran (so an early identify() rides along).
      setTimeout(() => void this.#boot());
    }
    for (const [type, fn] of this.#listeners) addEventListener(type, fn);
    document.addEventListener("visibilitychange", this.#onVisible);
  }

  hostDisconnected(): void {
    for (const [type, fn] of this.#listeners) removeEventListener(type, fn);
    document.removeEventListener("visibilitychange", this.#onVisible);
    this.conn.stop();
  }

  async #boot(): Promise<void> {
    this.#booted = true;
    const keeper = this.#keeper;
    keeper.trail = recordPage(this.#store);
    // Every page view asks once: the look is never stale, and it is the visitor's presence beat.
    await keeper.refresh().catch(() => {});
    if (this.#host.opened || this.pending.length || this.#store.get("active") === this.session?.conversationId) {
      this.conn.start();
    }
    this.#host.requestUpdate();
  }

  // ---- what the view calls ----

  /** The panel opened or closed: connect when needed, mark messages read. */
  panelChanged(): void {
    if (this.#host.opened) this.conn.start();
    this.#markRead();
  }

  /** Queues a message and sends it when the socket allows. Returns an error key or null. */
  send(text: string): "empty" | "unavailable" | null {
    const clean = text.trim();
    if (!clean) return "empty";
    if (this.unavailable) return "unavailable";
    const first = !this.messages.some((m) => m.author.kind === "visitor") && !this.pending.length;
    this.#outbox.add({ clientId: newClientId(), text: clean, at: Date.now() });
    this.conn.start();
    this.#flush();
    if (first && this.#keeper.trailPending()) {
      this.#keeper.wantsTrail = true;
      this.#keeper.refresh().catch(() => {});
    }
    this.#host.requestUpdate();
    return null;
  }

  /** The visitor is typing: tells the team, at most every few seconds. */
  typed(): void {
    const now = Date.now();
    if (now - this.#lastTypingSent >= TYPING_EVERY_MS && this.#welcomed && this.conn.send({ type: "typing" })) {
      this.#lastTypingSent = now;
    }
  }

  /** Sends a frame now, or once the conversation is loaded on a socket, e.g. `{type: "contact", email}`. */
  sendWhenLive(frame: ClientFrame): void {
    if (!this.#welcomed || !this.conn.send(frame)) this.#later.push(frame);
  }

  /** `edgechat.identify()`: a new identity is sent with the trail. */
  identify(raw: HostIdentity): void {
    const identity = toIdentity(raw);
    if (!identity) return void console.warn("edgechat: identify({id, hash})");
    this.#keeper.identity = identity;
    this.#keeper.wantsTrail = true;
    if (this.#booted && this.#keeper.identityToSend()) this.#keeper.refresh().catch(() => {});
  }

  // ---- session ----

  #sessionChanged(now: Session, before: Session | null): void {
    this.emailKnown ||= now.config.emailKnown;
    if (before && before.conversationId !== now.conversationId) {
      this.#forgetMessages();
      this.conn.drop();
    }
    this.#host.requestUpdate();
  }

  /** Another conversation (or this one begun again): nothing shown of the last one stays. */
  #forgetMessages(): void {
    this.messages = [];
    this.operatorRead = this.visitorRead = 0;
    this.lastIncoming = null;
    this.#loaded = false;
  }

  async #socketUrl(refused: boolean): Promise<string> {
    // A refused socket most often means an expired token: exchange it for a fresh one.
    if (refused || Date.now() - (this.session?.at ?? 0) >= TOKEN_FRESH_MS)
      await this.#keeper.refresh().catch((e) => this.#refused(e));
    this.state = "connecting";
    this.#host.requestUpdate();
    const { conversationId, visitorToken } = this.session!;
    return `${this.#host.server.replace(/^http/, "ws")}/api/v1/conversations/${conversationId}/ws?token=${encodeURIComponent(visitorToken)}`;
  }

  /** The site refused this page: queued messages go back into the box, nothing waits at "Sending…". */
  #refused(e: unknown): never {
    if (this.unavailable) {
      const items = this.pending;
      for (const i of items) this.#outbox.remove(i.clientId);
      this.draft = [...items.map((i) => i.text), this.draft].filter(Boolean).join("\n");
      this.conn.stop();
      this.#host.requestUpdate();
    }
    throw e;
  }

  // ---- frames ----

  #onFrame(f: ServerFrame): void {
    switch (f.type) {
      case "welcome":
        this.#welcome(f);
        break;
      case "message":
        this.#add(f.message);
        this.#markRead();
        break;
      case "ack": {
        const item = this.pending.find((i) => i.clientId === f.clientId);
        this.#outbox.remove(f.clientId);
        if (item)
          this.#add({ seq: f.seq, clientId: f.clientId, author: { kind: "visitor" }, text: item.text, at: item.at });
        this.#flush();
        break;
      }
      case "typing":
        if (f.author.kind === "visitor") break;
        this.typing = f.author;
        clearTimeout(this.#typingTimer);
        this.#typingTimer = setTimeout(() => ((this.typing = null), this.#host.requestUpdate()), TYPING_SHOWN_MS);
        break;
      case "read":
        if (f.by === "operator") this.operatorRead = Math.max(this.operatorRead, f.seq);
        else this.visitorRead = Math.max(this.visitorRead, f.seq);
        break;
      case "deleted": {
        // An operator deleted it: its text and files go (the extras draw "deleted").
        const m = this.messages.find((x) => x.seq === f.seq);
        if (m) Object.assign(m, { text: "", attachments: undefined, meta: { deleted: true } });
        break;
      }
      case "contact":
        this.emailKnown = f.emailKnown;
        this.askEmail = f.askEmail;
        break;
      case "error":
        if (!this.#outbox.refused(f.code, f.message)) console.warn("edgechat:", f.code, f.message);
        break;
    }
    this.onFrame?.(f);
    this.#host.requestUpdate();
  }

  /** The conversation on a new socket: history after our last seq, reads, the email ask. */
  #welcome(f: Extract<ServerFrame, { type: "welcome" }>): void {
    const c = f.conversation;
    // Erased while this tab showed it, and begun again under the same id: what is on screen is
    // gone from the server and its seqs are reused, so the whole conversation is asked for.
    const begunAgain = c.lastSeq < this.lastSeq;
    if (begunAgain) this.#forgetMessages();
    this.operatorRead = Math.max(this.operatorRead, c.readSeq.operator);
    this.visitorRead = Math.max(this.visitorRead, c.readSeq.visitor);
    this.emailKnown = c.emailKnown || !!this.session?.config.emailKnown;
    this.askEmail = c.askEmail;
    for (const m of f.messages) this.#add(m);
    if (f.more || begunAgain) {
      this.conn.send({ type: "hello", lastSeq: f.messages[f.messages.length - 1]?.seq ?? this.lastSeq });
      return;
    }
    this.#welcomed = this.#loaded = true;
    this.state = "live";
    this.conn.healthy();
    if (this.lastSeq) this.#store.set("active", c.id);
    for (const frame of this.#later.splice(0)) this.sendWhenLive(frame);
    this.#flush();
    this.#markRead();
  }

  #add(m: Message): void {
    // Messages come in seq order (history pages, then live ones): only one out of order, rare,
    // is looked for among those shown.
    if (m.seq > this.lastSeq) this.messages.push(m);
    else if (this.messages.some((x) => x.seq === m.seq)) return;
    else this.messages = [...this.messages, m].sort((a, b) => a.seq - b.seq);
    if (m.clientId && m.author.kind === "visitor") this.#outbox.remove(m.clientId);
    // An operator who writes has read everything before (the server records it so too).
    if (m.author.kind === "operator") this.operatorRead = Math.max(this.operatorRead, m.seq);
    if (m.author.kind !== "visitor") {
      this.typing = null;
      if (m.meta?.ask === "email") this.askEmail = true;
    }
    if (!this.#loaded) return;
    // The conversation has messages: the next pages connect at once, for the answer's badge.
    this.#store.set("active", this.session!.conversationId);
    if (m.author.kind !== "visitor") this.lastIncoming = m;
    this.#host.dispatchEvent(new CustomEvent("edgechat-message", { detail: { ...m } }));
  }

  /** Sends what is queued, once the conversation is loaded on this socket. */
  #flush(): void {
    if (this.#welcomed) this.#outbox.flush();
  }

  #markRead(): void {
    if (!this.#host.opened || document.visibilityState !== "visible" || !this.#welcomed) return;
    const last = this.lastSeq;
    if (last > this.visitorRead && this.conn.send({ type: "read", seq: last })) this.visitorRead = last;
  }

  #onDown(): void {
    this.#welcomed = false;
    this.#outbox.reset();
    this.typing = null;
    this.state = navigator.onLine ? "connecting" : "offline";
    this.#host.requestUpdate();
  }

  // ---- the browser ----

  #onVisible = (): void => {
    if (document.visibilityState !== "visible") return;
    this.conn.retryNow();
    this.#markRead();
  };

  #listeners: Array<[string, (e: Event) => void]> = [
    ["offline", () => (this.conn.drop(), this.#onDown())],
    ["storage", (e) => this.#onStorage(e as StorageEvent)],
  ];

  /** Another tab changed the shared state: show its queued messages, follow its session. */
  #onStorage(e: StorageEvent): void {
    if (!this.#store) return;
    if (e.key === this.#store.key("outbox")) {
      if (this.pending.length) this.conn.start();
      this.#flush();
    } else if (e.key === this.#store.key("session")) {
      const s = this.#store.get<Session>("session");
      if (s) this.#keeper.adopt(s);
    }
    this.#host.requestUpdate();
  }
}

declare global {
  interface Window {
    /** Set by CMS plugins before the loader: who the visitor is, and the page's language. */
    edgechatSettings?: { identity?: HostIdentity; locale?: string; cart?: TrailCart };
  }
}
