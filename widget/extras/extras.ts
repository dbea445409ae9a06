/**
 * What the extras bundle adds to `<edge-chat>`: the visitor's email field, the rating a
 * resolve asks for, and the "More" menu with its features. The component calls only
 * `render(lit)` (above the composer), `toggle()` (its "More" button) and reads `opened`.
 */
import type { html, nothing } from "lit";
import type { ClientFrame, Message, ServerFrame } from "../../worker/protocol";
import type { EdgeChat } from "../edge-chat";
import { Heartbeat } from "../heartbeat";
import { extrasCatalogue } from "../i18n";
import { BookingPicker } from "./booking";
import { CallEntry } from "./call-entry";
import { CartReporter } from "./cart";
import { EmailField } from "./email";
import { FileSender } from "./files";
import { Menu } from "./menu";
import { RatingPrompt } from "./rating";
import { TranscriptRequest } from "./transcript";

/** The component's Lit: the extras draw with it, so this bundle carries no copy of Lit. */
export interface Lit {
  html: typeof html;
  nothing: typeof nothing;
}

declare const __EDGECHAT_BOT__: string;
/** The engage bundle's path (an offer beside the launcher); set by widget/build.mjs. */
declare const __EDGECHAT_ENGAGE__: string;

export class Extras {
  readonly email: EmailField;
  readonly transcript: TranscriptRequest;
  readonly menu: Menu;
  readonly files: FileSender;
  readonly calls: CallEntry;
  readonly booking: BookingPicker;
  /** A video consultation was asked for (a product's button, a booking's join link), not yet acted on. */
  #wantsVideo = new URLSearchParams(location.search).get("edgechat") === "video";
  readonly rating: RatingPrompt;
  readonly cart: CartReporter;
  /** The conversation the extras' lines are about, and the last seq shown in it. */
  #conversation?: string | undefined;
  #shownSeq = 0;
  /** Counts the times it began again (an erasure keeps its id). */
  #era = 0;

  constructor(private readonly host: EdgeChat) {
    this.#keepFramesToTheirConversation();
    this.email = new EmailField(host);
    this.transcript = new TranscriptRequest(host, this.email);
    this.calls = new CallEntry(host);
    this.booking = new BookingPicker(host);
    this.menu = new Menu(host, [this.calls, this.booking, this.transcript]);
    // The page's later edgechat.open() calls: the component keeps their options in `o`.
    const show = host.show.bind(host);
    host.show = async (options, focus) => {
      await show(options, focus);
      this.#takeOptions();
      host.requestUpdate();
    };
    this.#takeOptions();
    this.files = new FileSender(host);
    this.rating = new RatingPrompt(host);
    this.cart = new CartReporter(host);
    // The heartbeat is here, not in the component: the extras come when the panel is drawn,
    // the time a visitor waits for an answer that a dead link would keep away.
    const beat = new Heartbeat(host.chat.conn);
    beat.start();
    this.#follow();
    host.chat.onFrame = (f) => {
      beat.heard();
      this.#follow(f);
      this.transcript.frame(f);
      this.calls.frame(f);
      this.rating.frame(f);
    };
    // The component loads the extras for an offer too: its card lives in a chunk of its own.
    if (host.chat.session?.config.engage && !host.opened) {
      document.head.append(
        Object.assign(document.createElement("script"), { src: new URL(__EDGECHAT_ENGAGE__, host.server).href }),
      );
    }
  }

  /**
   * What a bubble shows under the text: its files (or that it was deleted), and for someone
   * else's email an operator let in, whose it is, so nobody reads it as the visitor's words.
   */
  att(m: Message, html: Lit["html"]): unknown {
    const files = this.files.show(m, html);
    if (m.author.kind !== "guest") return files;
    return html`<p class="deleted via">${extrasCatalogue(this.host.locale).byEmail(m.author.name ?? "")}</p>${files}`;
  }

  /** The menu is open (the "More" button's `aria-expanded`). */
  get opened(): boolean {
    return this.menu.opened;
  }

  toggle(): void {
    this.menu.toggle();
  }

  /** The email field, the transcript's status lines, the slot picker, the call and the open menu. */
  render(lit: Lit): unknown {
    this.#follow();
    this.#loadBotWhenNeeded();
    // A render follows each new session answer: the one that carried the trail lets the cart go.
    this.cart.sync();
    if (this.#wantsVideo && this.host.chat.session) {
      this.#wantsVideo = false;
      queueMicrotask(() => this.#video());
    }
    return lit.html`${this.rating.render(lit)}${this.email.render(lit)}${this.transcript.render(lit)}${this.files.render(lit)}${this.booking.render(lit)}${this.calls.render(lit)}${this.menu.render(lit)}`;
  }

  /**
   * Notices another conversation (a new session: the shop's other user signed in, a new
   * conversation after a resolve) or this one begun again after an erasure (its welcome ends
   * below what was shown): the thanks and confirmations about the last one go.
   */
  #follow(f?: ServerFrame): void {
    const chat = this.host.chat;
    const id = chat.session?.conversationId;
    const begunAgain = f?.type === "welcome" && f.conversation.lastSeq < this.#shownSeq;
    if (this.#conversation !== undefined && (id !== this.#conversation || begunAgain)) {
      this.#era++;
      for (const item of [this.email, this.transcript, this.rating, this.booking]) item.reset();
    }
    this.#conversation = id;
    this.#shownSeq = chat.lastSeq;
  }

  /**
   * The component keeps what the extras and the bot send while the socket is down, and sends
   * it after the next welcome. An address, a rating or a transcript asked for in one
   * conversation must not reach the next (the shop's next user's, or the one begun again
   * after an erasure): each frame remembers the conversation it was written in, and is
   * dropped once that one is gone. (Here, not in the component, which has no bytes to spare.)
   */
  #keepFramesToTheirConversation(): void {
    const chat = this.host.chat;
    const send = chat.sendWhenLive.bind(chat);
    const writtenIn = new WeakMap<ClientFrame, string>();
    // The component's welcome sends what it kept through this too (`this.sendWhenLive`).
    chat.sendWhenLive = (frame) => {
      // Written before the first session came: it is for the conversation that session brings.
      if (!chat.session) return send(frame);
      const now = `${chat.session.conversationId} ${this.#era}`;
      if (!writtenIn.has(frame)) writtenIn.set(frame, now);
      if (writtenIn.get(frame) === now) send(frame);
    };
  }

  /** The options of the page's last `edgechat.open()`: a product, and whether it asked for video. */
  #takeOptions(): void {
    const options = this.host.o;
    if (!options) return;
    this.host.o = undefined;
    this.booking.take(options);
    if (options.video) this.#wantsVideo = true;
  }

  /** Video asked for: a call when someone can take it now (or the visitor's slot is now), else the slot picker. */
  #video(): void {
    if (this.calls.shown()) this.calls.choose();
    else if (this.booking.shown()) this.booking.choose();
  }

  #botAsked = false;

  /** The bot's buttons and "did this help?" live in their own chunk, fetched once a bot message is last. */
  #loadBotWhenNeeded(): void {
    if (this.#botAsked || !this.host.chat.messages.at(-1)?.meta?.bot) return;
    this.#botAsked = true;
    document.head.append(
      Object.assign(document.createElement("script"), { src: new URL(__EDGECHAT_BOT__, this.host.server).href }),
    );
  }
}
