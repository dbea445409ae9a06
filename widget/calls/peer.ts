/**
 * One side of a call, without any UI: the RTCPeerConnection, the local camera/microphone,
 * and the signalling it sends and takes (`call` frames over the conversation's socket).
 * The widget's call panel and the admin's both drive it. The side that answers makes the
 * offer, with three transceivers in a fixed order (audio, camera, screen) so that sharing a
 * screen later is a `replaceTrack` on the third, never a renegotiation.
 */
import type { CallServerFrame, IceCandidateJson, IceServersBody } from "../../worker/protocol";

/** A call frame this side sends (the contract's `call` client frame). */
export type CallSignal =
  | { type: "call"; action: "request"; callId: string; audioOnly: boolean }
  | { type: "call"; action: "offer" | "answer"; callId: string; sdp: string }
  | { type: "call"; action: "ice"; callId: string; candidate: IceCandidateJson }
  | { type: "call"; action: "screen"; callId: string; on: boolean }
  | { type: "call"; action: "decline" | "hangup"; callId: string };

/** What the peer tells its UI. */
export interface PeerEvents {
  /** The remote camera (and microphone) or the remote screen has a stream to show. */
  remote(kind: "camera" | "screen", stream: MediaStream): void;
  /** The connection's state: "new", "connecting", "connected", "failed", "closed". */
  state(state: RTCPeerConnectionState): void;
  /** The other side started or stopped sharing their screen. */
  remoteScreen(on: boolean): void;
}

/** A fresh call id (the caller makes it). */
export function newCallId(): string {
  return crypto.randomUUID();
}

/** Camera and microphone, or the microphone only; asked only after the person's click. */
export function localMedia(audioOnly: boolean): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({
    audio: true,
    video: audioOnly ? false : { width: { ideal: 640 }, height: { ideal: 480 } },
  });
}

export class CallPeer {
  readonly pc: RTCPeerConnection;
  #screen: MediaStream | null = null;
  #queued: RTCIceCandidateInit[] = [];

  constructor(
    readonly callId: string,
    ice: IceServersBody,
    readonly local: MediaStream,
    private readonly send: (frame: CallSignal) => void,
    private readonly events: PeerEvents,
  ) {
    this.pc = new RTCPeerConnection({ iceServers: ice.iceServers });
    this.pc.onicecandidate = (e) => {
      if (e.candidate)
        this.send({ type: "call", action: "ice", callId, candidate: e.candidate.toJSON() as IceCandidateJson });
    };
    this.pc.onconnectionstatechange = () => this.events.state(this.pc.connectionState);
    this.pc.ontrack = (e) => {
      const index = this.pc.getTransceivers().indexOf(e.transceiver);
      const kind = index === 2 ? "screen" : "camera";
      const stream = e.streams[0] ?? new MediaStream([e.track]);
      this.events.remote(kind, stream);
    };
  }

  /** The answering side: sends the offer that answers the ringing call. */
  async offer(): Promise<void> {
    const [mic] = this.local.getAudioTracks();
    const [camera] = this.local.getVideoTracks();
    this.pc.addTransceiver(mic ?? "audio", { direction: "sendrecv", streams: [this.local] });
    this.pc.addTransceiver(camera ?? "video", { direction: "sendrecv", streams: [this.local] });
    this.pc.addTransceiver("video", { direction: "sendrecv" });
    await this.pc.setLocalDescription(await this.pc.createOffer());
    this.send({ type: "call", action: "offer", callId: this.callId, sdp: this.pc.localDescription!.sdp });
  }

  /** Takes a frame of this call from the other party. */
  async take(frame: CallServerFrame): Promise<void> {
    if (frame.action === "offer") {
      await this.pc.setRemoteDescription({ type: "offer", sdp: frame.sdp });
      const [audio, video, screen] = this.pc.getTransceivers();
      await audio?.sender.replaceTrack(this.local.getAudioTracks()[0] ?? null);
      await video?.sender.replaceTrack(this.local.getVideoTracks()[0] ?? null);
      for (const t of [audio, video, screen]) if (t) t.direction = "sendrecv";
      audio?.sender.setStreams?.(this.local);
      video?.sender.setStreams?.(this.local);
      await this.pc.setLocalDescription(await this.pc.createAnswer());
      this.send({ type: "call", action: "answer", callId: this.callId, sdp: this.pc.localDescription!.sdp });
      await this.#flushIce();
    } else if (frame.action === "answer") {
      await this.pc.setRemoteDescription({ type: "answer", sdp: frame.sdp });
      await this.#flushIce();
    } else if (frame.action === "ice") {
      if (this.pc.remoteDescription) await this.pc.addIceCandidate(frame.candidate).catch(() => {});
      else this.#queued.push(frame.candidate);
    } else if (frame.action === "screen") {
      this.events.remoteScreen(frame.on);
    }
  }

  /** Mutes or unmutes the microphone. */
  mute(muted: boolean): void {
    for (const t of this.local.getAudioTracks()) t.enabled = !muted;
  }

  /** Turns the camera off (the other side sees black) or on again. */
  cameraOff(off: boolean): void {
    for (const t of this.local.getVideoTracks()) t.enabled = !off;
  }

  /** Shares a screen (the browser asks which), or stops; resolves to whether it is shared now. */
  async shareScreen(on: boolean): Promise<boolean> {
    const sender = this.pc.getTransceivers()[2]?.sender;
    if (!sender) return false;
    if (on) {
      this.#screen = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      const [track] = this.#screen.getVideoTracks();
      // The browser's own "Stop sharing" button ends the track.
      track?.addEventListener("ended", () => void this.shareScreen(false));
      await sender.replaceTrack(track ?? null);
    } else {
      for (const t of this.#screen?.getTracks() ?? []) t.stop();
      this.#screen = null;
      await sender.replaceTrack(null);
    }
    this.send({ type: "call", action: "screen", callId: this.callId, on });
    return on;
  }

  /** Ends the media here (the hang-up frame is the caller's to send). */
  close(): void {
    for (const t of [...this.local.getTracks(), ...(this.#screen?.getTracks() ?? [])]) t.stop();
    this.pc.close();
    this.events.state("closed");
  }

  async #flushIce(): Promise<void> {
    for (const c of this.#queued.splice(0)) await this.pc.addIceCandidate(c).catch(() => {});
  }
}
