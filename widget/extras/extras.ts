/**
 * What the extras bundle adds to `<edge-chat>`: the visitor's email field and the "More"
 * menu with its features (for now the transcript by email). The component calls only
 * `render(lit)` (above the composer), `toggle()` (its "More" button) and reads `opened`.
 */
import type { html, nothing } from "lit";
import type { Message } from "../../worker/protocol";
import type { EdgeChat } from "../edge-chat";
import { CallEntry } from "./call-entry";
import { CartReporter } from "./cart";
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
  readonly cart: CartReporter;

  constructor(private readonly host: EdgeChat) {
    this.email = new EmailField(host);
    this.transcript = new TranscriptRequest(host, this.email);
    this.calls = new CallEntry(host);
    this.menu = new Menu(host, [this.calls, this.transcript]);
    this.files = new FileSender(host);
    this.cart = new CartReporter(host);
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

  /** The email field, the transcript's status lines and the open menu. */
  render(lit: Lit): unknown {
    this.#loadBotWhenNeeded();
    // A render follows each new session answer: the one that carried the trail lets the cart go.
    this.cart.sync();
    return lit.html`${this.email.render(lit)}${this.transcript.render(lit)}${this.files.render(lit)}${this.calls.render(lit)}${this.menu.render(lit)}`;
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
