/**
 * The "Video call" item of the "More" menu (shown when the site has calls on and an operator
 * is online) and the doorway to the calls chunk: choosing it, or the shop calling, loads
 * /w/calls.<hash>.js, which brings the panel and WebRTC.
 */
import type { ServerFrame } from "../../worker/protocol";
import type { CallPanel } from "../calls/panel";
import type { EdgeChat } from "../edge-chat";
import { extrasCatalogue } from "../i18n";
import type { Lit } from "./extras";
import type { MenuItem } from "./menu";

/** The calls chunk's path; set by widget/build.mjs. */
declare const __EDGECHAT_CALLS__: string;

export class CallEntry implements MenuItem {
  /** Set by the calls chunk once it ran. */
  panel?: CallPanel;
  #loading?: Promise<unknown>;

  constructor(private readonly host: EdgeChat) {}

  shown(): boolean {
    const config = this.host.chat.session?.config;
    return !!config?.video && (config.operatorsOnline || !!config.appointmentNow);
  }

  label(): string {
    return extrasCatalogue(this.host.locale).videoCall;
  }

  choose(): void {
    void this.#load().then((panel) => panel?.open());
  }

  /** A frame from the server: a ringing call loads the panel. */
  frame(f: ServerFrame): void {
    if (this.panel) this.panel.frame(f);
    else if (f.type === "call" && f.action === "request") void this.#load().then((panel) => panel?.frame(f));
  }

  render(lit: Lit): unknown {
    return this.panel?.render(lit);
  }

  async #load(): Promise<CallPanel | undefined> {
    this.#loading ??= new Promise((onload, onerror) => {
      const src = new URL(__EDGECHAT_CALLS__, this.host.server).href;
      document.head.append(Object.assign(document.createElement("script"), { src, onload, onerror }));
    });
    try {
      await this.#loading;
    } catch {
      this.#loading = undefined;
    }
    return this.panel;
  }
}
