/**
 * The visitor's call panel, inside the chat window (full screen on phones): consent, camera
 * preview, ringing, the call with mute, camera off, screen sharing and hang-up, and how it
 * ended. Camera and microphone are asked for only after the visitor's click. It draws with
 * the component's Lit (passed in), so this chunk carries no copy of Lit.
 */
import type { CallServerFrame, IceServersBody, ServerFrame } from "../../worker/protocol";
import type { EdgeChat } from "../edge-chat";
import type { Lit } from "../extras/extras";
import { CallPeer, localMedia, newCallId, type CallSignal } from "./peer";
import { callTexts } from "./texts";

type Step = "idle" | "consent" | "preview" | "calling" | "incoming" | "live" | "ended";

export class CallPanel {
  step: Step = "idle";
  audioOnly = false;
  muted = false;
  cameraOff = false;
  sharing = false;
  remoteSharing = false;
  state = "";
  note = "";
  #callId = "";
  #local: MediaStream | null = null;
  #peer: CallPeer | null = null;
  #ice: Promise<IceServersBody> | null = null;
  #remote: Record<"camera" | "screen", MediaStream | null> = { camera: null, screen: null };

  constructor(private readonly host: EdgeChat) {}

  /** The visitor chose "Video call": shows the sentence about what is shared, asks nothing yet. */
  open(): void {
    if (this.step === "idle" || this.step === "ended") this.#go("consent");
  }

  /** Every server frame (the chat handled it first); only `call` frames matter here. */
  frame(f: ServerFrame): void {
    if (f.type === "error" && (f.code === "video_disabled" || f.code === "call_busy") && this.step === "calling") {
      // The server's message is for developers, in English: the visitor reads their own language.
      const t = callTexts(this.host.locale);
      this.#end(f.code === "call_busy" ? t.busy : t.failed);
    }
    if (f.type !== "call") return;
    if (f.action === "request" && (this.step === "idle" || this.step === "ended")) {
      this.#callId = f.callId;
      this.audioOnly = f.audioOnly;
      // The ringing call is drawn in the chat: a closed one would hide it until it was missed.
      if (!this.host.opened) void this.host.show(undefined, false);
      return this.#go("incoming");
    }
    if (f.callId !== this.#callId) return;
    if (f.action === "end") return this.#end(callTexts(this.host.locale).ended(f.outcome));
    void this.#take(f);
  }

  render({ html, nothing }: Lit): unknown {
    if (this.step === "idle") return nothing;
    const t = callTexts(this.host.locale);
    const video = (id: string, stream: MediaStream | null, muted: boolean, label: string) =>
      html`<video id=${id} class=${id} autoplay playsinline ?muted=${muted} aria-label=${label} .srcObject=${stream} ?hidden=${!stream}></video>`;
    const button = (label: string, on: () => void, cls = "") =>
      html`<button type="button" class=${cls} @click=${on}>${label}</button>`;
    let body: unknown = nothing;
    if (this.step === "consent") {
      body = html`<p>${t.consent}</p>${button(t.withVideo, () => void this.#preview(false), "primary")}${button(t.audioOnly, () => void this.#preview(true))}${button(t.cancel, () => this.#go("idle"))}`;
    } else if (this.step === "preview") {
      body = html`${button(t.call, () => void this.#request(), "primary")}${button(t.cancel, () => this.#stop())}`;
    } else if (this.step === "calling") {
      body = html`<p role="status">${t.calling}</p>${button(t.cancel, () => this.#hangUp())}`;
    } else if (this.step === "incoming") {
      body = html`<p role="alert">${t.incoming}</p><p>${this.audioOnly ? t.consentAudio : t.consent}</p>
        ${button(t.accept, () => void this.#accept(), "primary")}${button(t.decline, () => this.#send({ type: "call", action: "decline", callId: this.#callId }))}`;
    } else if (this.step === "live") {
      body = html`<p role="status" class="state">${this.state === "connected" ? t.connected : t.connecting}</p>
        ${button(this.muted ? t.unmute : t.mute, () => this.#toggle("muted"))}
        ${this.audioOnly ? nothing : button(this.cameraOff ? t.cameraOn : t.cameraOff, () => this.#toggle("cameraOff"))}
        ${button(this.sharing ? t.stopShare : t.share, () => void this.#share())}
        ${button(t.hangUp, () => this.#hangUp(), "end")}`;
    } else {
      body = html`<p role="status">${this.note}</p>${button(t.cancel, () => this.#go("idle"))}`;
    }
    return html`<div class="call" role="region" aria-label=${t.call}>
      <div class="stage">
        ${video("remote", this.#remote.camera, false, t.connected)}
        ${video("screen", this.remoteSharing ? this.#remote.screen : null, true, t.remoteScreen)}
        ${video("self", this.#local && !this.audioOnly ? this.#local : null, true, t.withVideo)}
      </div>
      <div class="controls">${body}</div>
    </div>`;
  }

  async #preview(audioOnly: boolean): Promise<void> {
    this.audioOnly = audioOnly;
    if (!(await this.#media())) return;
    this.#go("preview");
  }

  async #request(): Promise<void> {
    this.#callId = newCallId();
    this.#ice = this.#iceServers();
    const product = this.host.extras?.booking.product;
    this.#send({
      type: "call",
      action: "request",
      callId: this.#callId,
      audioOnly: this.audioOnly,
      ...(product ? { product } : {}),
    });
    this.#go("calling");
  }

  async #accept(): Promise<void> {
    if (!(await this.#media())) return this.#send({ type: "call", action: "decline", callId: this.#callId });
    this.#ice = this.#iceServers();
    const peer = await this.#newPeer();
    this.#go("live");
    await peer.offer();
  }

  async #take(f: CallServerFrame): Promise<void> {
    if (f.action === "offer" && this.step === "calling") {
      this.#go("live");
      await (await this.#newPeer()).take(f);
    } else {
      await this.#peer?.take(f);
    }
  }

  async #newPeer(): Promise<CallPeer> {
    const ice = await this.#ice!;
    this.#peer = new CallPeer(this.#callId, ice, this.#local!, (frame) => this.#send(frame), {
      remote: (kind, stream) => {
        this.#remote[kind] = stream;
        this.host.requestUpdate();
      },
      state: (state) => {
        this.state = state;
        this.host.dataset.callState = state;
        this.host.requestUpdate();
      },
      remoteScreen: (on) => {
        this.remoteSharing = on;
        this.host.requestUpdate();
      },
    });
    return this.#peer;
  }

  async #media(): Promise<boolean> {
    try {
      this.#local = await localMedia(this.audioOnly);
      return true;
    } catch {
      this.#end(callTexts(this.host.locale).denied);
      return false;
    }
  }

  async #iceServers(): Promise<IceServersBody> {
    const s = this.host.chat.session!;
    const url = `${this.host.server}/api/v1/conversations/${s.conversationId}/ice-servers?token=${encodeURIComponent(s.visitorToken)}`;
    const res = await fetch(url, { credentials: "omit" });
    if (!res.ok) throw new Error(`ice servers: ${res.status}`);
    return (await res.json()) as IceServersBody;
  }

  #toggle(what: "muted" | "cameraOff"): void {
    this[what] = !this[what];
    if (what === "muted") this.#peer?.mute(this.muted);
    else this.#peer?.cameraOff(this.cameraOff);
    this.host.requestUpdate();
  }

  async #share(): Promise<void> {
    try {
      this.sharing = (await this.#peer?.shareScreen(!this.sharing)) ?? false;
    } catch {
      this.sharing = false; // the visitor closed the browser's picker
    }
    this.host.requestUpdate();
  }

  #hangUp(): void {
    this.#send({ type: "call", action: "hangup", callId: this.#callId });
  }

  #send(frame: CallSignal): void {
    this.host.chat.sendWhenLive(frame);
  }

  #end(note: string): void {
    this.#stop();
    this.note = note;
    this.#go("ended");
  }

  /** Releases camera, microphone and connection. */
  #stop(): void {
    this.#peer?.close();
    for (const t of this.#local?.getTracks() ?? []) t.stop();
    this.#peer = null;
    this.#local = null;
    this.#remote = { camera: null, screen: null };
    this.sharing = this.remoteSharing = this.muted = this.cameraOff = false;
    this.#go("idle");
  }

  #go(step: Step): void {
    const root = this.host.renderRoot;
    const hadFocus = !!root.querySelector(".call :focus");
    this.step = step;
    this.host.dataset.call = step;
    this.host.requestUpdate();
    // Each step draws its controls anew: a keyboard user's focus goes to the new ones (or, the
    // panel gone, to the message field), not out of the chat to the page.
    if (hadFocus)
      void this.host.updateComplete.then(() => {
        if (!root.querySelector(".call :focus"))
          root.querySelector<HTMLElement>(".call .controls button, .composer textarea")?.focus();
      });
  }
}
