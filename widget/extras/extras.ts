/**
 * What the extras bundle adds to `<edge-chat>`: the visitor's email field and the "More"
 * menu with its features (for now the transcript by email). The component calls only
 * `render(lit)` (above the composer), `toggle()` (its "More" button) and reads `opened`.
 */
import type { html, nothing } from "lit";
import type { Message } from "../../worker/protocol";
import type { EdgeChat } from "../edge-chat";
import { BookingPicker } from "./booking";
import { CallEntry } from "./call-entry";
import { EmailField } from "./email";
import { FileSender } from "./files";
import { Menu } from "./menu";
import { TranscriptRequest } from "./transcript";

/** The component's Lit: the extras draw with it, so this bundle carries no copy of Lit. */
export interface Lit {
  html: typeof html;
  nothing: typeof nothing;
}

declare const __EDGECHAT_BOT__: string;

export class Extras {
  readonly email: EmailField;
  readonly transcript: TranscriptRequest;
  readonly menu: Menu;
  readonly files: FileSender;
  readonly calls: CallEntry;
  readonly booking: BookingPicker;
  /** A video consultation was asked for (a product's button, a booking's join link), not yet acted on. */
  #wantsVideo = new URLSearchParams(location.search).get("edgechat") === "video";

  constructor(private readonly host: EdgeChat) {
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
    host.chat.onFrame = (f) => {
      this.transcript.frame(f);
      this.calls.frame(f);
    };
  }

  /** A message's files (or that it was deleted), drawn inside its bubble. */
  att(m: Message, html: Lit["html"]): unknown {
    return this.files.show(m, html);
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
    this.#loadBotWhenNeeded();
    if (this.#wantsVideo && this.host.chat.session) {
      this.#wantsVideo = false;
      queueMicrotask(() => this.#video());
    }
    return lit.html`${this.email.render(lit)}${this.transcript.render(lit)}${this.files.render(lit)}${this.booking.render(lit)}${this.calls.render(lit)}${this.menu.render(lit)}`;
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
