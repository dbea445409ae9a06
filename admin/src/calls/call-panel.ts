/**
 * `<ec-call>`: the operator's side of a call in a conversation, loaded on first use (a chunk
 * of its own): an incoming call rings (a chime, a desktop notification) with accept and
 * decline; the operator may also call the visitor; during the call: mute, camera off, screen
 * sharing, hang up. The WebRTC part is the widget's (widget/calls/peer.ts), shared as is.
 */
import { LitElement, css, html, nothing } from "lit";
import { customElement, property } from "lit/decorators.js";
import type { CallServerFrame, IceServersBody, ProductContext } from "../../../worker/protocol";
import { CallPeer, localMedia, newCallId } from "../../../widget/calls/peer";
import { api } from "../api";
import type { ConversationSession } from "../conversation-session";
import { Localized, t } from "../i18n";
import { chime, desktopNotify } from "../notify";
import { base } from "../ui/styles";

type Step = "idle" | "ringing" | "calling" | "live" | "ended";

@customElement("ec-call")
export class EcCall extends LitElement {
  static override styles = [
    base,
    css`
    .product { display: flex; align-items: center; gap: 8px; margin: 0; }
    .product img { width: 40px; height: 40px; object-fit: cover; border-radius: 6px; }
    :host { display: block; }
    .call { display: flex; flex-direction: column; gap: 8px; padding: 8px 12px; background: #111; color: #fff; border-bottom: 1px solid var(--ec-border); }
    .stage { position: relative; display: grid; grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); gap: 6px; }
    video { width: 100%; max-height: 45vh; background: #000; border-radius: 6px; object-fit: contain; }
    video.self { position: absolute; right: 8px; bottom: 8px; width: 22%; max-height: none; border: 2px solid #fff; }
    video[hidden] { display: none; }
    .controls { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
    .controls p { margin: 0; flex: 1 1 100%; }
    button.end { background: #c62828; color: #fff; border-color: transparent; }
    @media (max-width: 640px) { .call { position: fixed; inset: 0; z-index: 20; justify-content: flex-end; } }
  `,
  ];

  @property({ attribute: false }) session!: ConversationSession;
  step: Step = "idle";
  audioOnly = false;
  /** The product page the visitor calls from, shown while it rings. */
  product: ProductContext | null = null;
  muted = false;
  cameraOff = false;
  sharing = false;
  remoteSharing = false;
  connection = "";
  note = "";
  #callId = "";
  #peer: CallPeer | null = null;
  #local: MediaStream | null = null;
  #remote: Record<"camera" | "screen", MediaStream | null> = { camera: null, screen: null };
  #ring?: ReturnType<typeof setInterval>;

  constructor() {
    super();
    new Localized(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.session.addEventListener("call", this.#onCall);
    const pending = this.session.ringing;
    if (pending) this.#take(pending);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.session.removeEventListener("call", this.#onCall);
    this.#stop();
  }

  /** The operator calls the visitor (camera and microphone are asked for now, after the click). */
  async start(audioOnly = false): Promise<void> {
    if (this.step === "ringing" || this.step === "calling" || this.step === "live") return;
    this.audioOnly = audioOnly;
    if (!(await this.#media())) return;
    this.#callId = newCallId();
    this.session.sendCall({ type: "call", action: "request", callId: this.#callId, audioOnly });
    this.#go("calling");
  }

  override render() {
    if (this.step === "idle") return nothing;
    const video = (cls: string, stream: MediaStream | null, muted: boolean, label: string) =>
      html`<video class=${cls} autoplay playsinline ?muted=${muted} aria-label=${label} .srcObject=${stream} ?hidden=${!stream}></video>`;
    const button = (key: string, on: () => void, cls = "") =>
      html`<button type="button" class=${cls} @click=${on}>${t(key)}</button>`;
    let controls: unknown = nothing;
    if (this.step === "ringing") {
      const p = this.product;
      controls = html`<p role="alert">${t(this.audioOnly ? "call.incomingAudio" : "call.incoming")}</p>
        ${
          p
            ? html`<p class="product">${p.image ? html`<img src=${p.image} alt="" referrerpolicy="no-referrer">` : nothing}
          <span>${t("call.about")} ${p.url ? html`<a href=${p.url} target="_blank" rel="noopener noreferrer">${p.name}</a>` : p.name}${p.price ? ` · ${p.price}` : ""}</span></p>`
            : nothing
        }
        ${button("call.accept", () => void this.#accept(), "primary accept")}${button("call.decline", () => this.#decline(), "decline")}`;
    } else if (this.step === "calling") {
      controls = html`<p role="status">${t("call.calling")}</p>${button("call.cancel", () => this.#hangUp())}`;
    } else if (this.step === "live") {
      controls = html`<p role="status" class="state">${t(this.connection === "connected" ? "call.connected" : "call.connecting")}</p>
        ${button(this.muted ? "call.unmute" : "call.mute", () => this.#toggle("muted"))}
        ${this.audioOnly ? nothing : button(this.cameraOff ? "call.cameraOn" : "call.cameraOff", () => this.#toggle("cameraOff"))}
        ${button(this.sharing ? "call.stopShare" : "call.share", () => void this.#share(), "share")}
        ${button("call.hangUp", () => this.#hangUp(), "end")}`;
    } else {
      controls = html`<p role="status">${this.note}</p>${button("call.close", () => this.#go("idle"))}`;
    }
    return html`<section class="call" aria-label=${t("call.title")}>
      <div class="stage">
        ${video("remote", this.#remote.camera, false, t("call.visitorVideo"))}
        ${video("screen", this.remoteSharing ? this.#remote.screen : null, true, t("call.visitorScreen"))}
        ${video("self", this.#local && !this.audioOnly ? this.#local : null, true, t("call.you"))}
      </div>
      <div class="controls">${controls}</div>
    </section>`;
  }

  #onCall = (e: Event): void => this.#take((e as CustomEvent<CallServerFrame>).detail);

  #take(f: CallServerFrame): void {
    if (f.action === "request") {
      if (this.step === "live" || this.step === "calling") return;
      this.#callId = f.callId;
      this.audioOnly = f.audioOnly;
      this.product = f.product ?? null;
      this.#go("ringing");
      this.#startRinging();
      return;
    }
    if (f.callId !== this.#callId) return;
    if (f.action === "end") {
      const outcome = f.outcome === "answered_elsewhere" ? "answeredElsewhere" : f.outcome;
      this.#stop();
      this.note = t(`call.ended.${outcome}`);
      return this.#go("ended");
    }
    if (f.action === "offer" && this.step === "calling") {
      this.#go("live");
      void this.#newPeer().then((peer) => peer.take(f));
      return;
    }
    void this.#peer?.take(f);
  }

  async #accept(): Promise<void> {
    this.#stopRinging();
    if (!(await this.#media())) return this.#decline();
    const peer = await this.#newPeer();
    this.#go("live");
    await peer.offer();
  }

  #decline(): void {
    this.#stopRinging();
    this.session.sendCall({ type: "call", action: "decline", callId: this.#callId });
  }

  #hangUp(): void {
    this.session.sendCall({ type: "call", action: "hangup", callId: this.#callId });
  }

  async #newPeer(): Promise<CallPeer> {
    const ice = await api<IceServersBody>("GET", `/conversations/${this.session.id}/ice-servers`);
    this.#peer = new CallPeer(this.#callId, ice, this.#local!, (frame) => this.session.sendCall(frame), {
      remote: (kind, stream) => {
        this.#remote[kind] = stream;
        this.requestUpdate();
      },
      state: (state) => {
        this.connection = state;
        this.dataset.state = state;
        this.requestUpdate();
      },
      remoteScreen: (on) => {
        this.remoteSharing = on;
        this.requestUpdate();
      },
    });
    return this.#peer;
  }

  async #media(): Promise<boolean> {
    try {
      this.#local = await localMedia(this.audioOnly);
      return true;
    } catch {
      this.note = t("call.denied");
      this.#go("ended");
      return false;
    }
  }

  #toggle(what: "muted" | "cameraOff"): void {
    this[what] = !this[what];
    if (what === "muted") this.#peer?.mute(this.muted);
    else this.#peer?.cameraOff(this.cameraOff);
    this.requestUpdate();
  }

  async #share(): Promise<void> {
    try {
      this.sharing = (await this.#peer?.shareScreen(!this.sharing)) ?? false;
    } catch {
      this.sharing = false; // the picker was closed
    }
    this.requestUpdate();
  }

  #startRinging(): void {
    chime();
    this.#ring = setInterval(chime, 3000);
    desktopNotify(t("call.incoming"), t("call.notifyBody"), `call-${this.#callId}`, () => window.focus());
  }

  #stopRinging(): void {
    clearInterval(this.#ring);
  }

  #stop(): void {
    this.#stopRinging();
    this.#peer?.close();
    for (const track of this.#local?.getTracks() ?? []) track.stop();
    this.#peer = null;
    this.#local = null;
    this.#remote = { camera: null, screen: null };
    this.sharing = this.remoteSharing = this.muted = this.cameraOff = false;
  }

  #go(step: Step): void {
    this.step = step;
    this.dataset.step = step;
    this.requestUpdate();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "ec-call": EcCall;
  }
}
