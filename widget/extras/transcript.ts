/**
 * "Email me this conversation": sends `transcript` and shows where the server sent it. If no
 * email is known, it shows the email field first (focused, its label saying why) and sends
 * once the server has the address. No answer in time is an error; choosing again retries.
 */
import type { ServerFrame } from "../../worker/protocol";
import type { EdgeChat } from "../edge-chat";
import { extrasCatalogue } from "../i18n";
import type { EmailField } from "./email";
import type { Lit } from "./extras";
import type { MenuItem } from "./menu";

/** The server answers as soon as the email is queued; this long without an answer is a failure. */
const ANSWER_MS = 15_000;

type Step = "idle" | "asking" | "sending" | "sent" | "failed";

export class TranscriptRequest implements MenuItem {
  #step: Step = "idle";
  #sentTo = "";
  #timer?: ReturnType<typeof setTimeout>;
  #host: EdgeChat;
  #email: EmailField;

  constructor(host: EdgeChat, email: EmailField) {
    this.#host = host;
    this.#email = email;
    // Without this the next frame (the team's answer, typing) would show the field again.
    email.onDecline = () => {
      if (this.#step === "asking") this.#step = "idle";
    };
  }

  label(): string {
    return extrasCatalogue(this.#host.locale).transcript;
  }

  choose(): void {
    if (this.#host.chat.emailKnown) this.#send();
    else this.#askEmail();
  }

  /** Every frame from the server, after the chat handled it. */
  frame(f: ServerFrame): void {
    const chat = this.#host.chat;
    if (f.type === "transcript") {
      clearTimeout(this.#timer);
      this.#step = "sent";
      this.#sentTo = f.sentTo;
    } else if (f.type === "error" && f.code === "not_sent" && this.#step === "sending") {
      // The server tried and failed: say so now, not after the 15 s meant for no answer at all.
      clearTimeout(this.#timer);
      this.#step = "failed";
    } else if (f.type === "error" && f.code === "no_email" && this.#step === "sending") {
      chat.emailKnown = false; // the page thought one was known; the conversation has none
      this.#askEmail();
    } else if (this.#step === "asking") {
      if (chat.emailKnown) this.#send();
      else chat.askEmail = true; // a new socket's welcome must not hide the field we asked for
    }
  }

  /** Another conversation (or this one begun again): where the last one was sent is not news about this one. */
  reset(): void {
    clearTimeout(this.#timer);
    this.#step = "idle";
  }

  /** A status line (polite) and an error line (assertive), always there so that changes are announced. */
  render({ html }: Lit): unknown {
    const t = extrasCatalogue(this.#host.locale);
    const step = this.#step;
    const status = step === "sending" ? t.transcriptSending : step === "sent" ? t.transcriptSent(this.#sentTo) : "";
    return html`<p class="notice extra" role="status">${status}</p>
      <p class="notice extra failed" role="alert">${step === "failed" ? t.transcriptFailed : ""}</p>`;
  }

  #send(): void {
    this.#step = "sending";
    this.#host.chat.sendWhenLive({ type: "transcript" });
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#step = "failed";
      this.#host.requestUpdate();
    }, ANSWER_MS);
    this.#host.requestUpdate();
  }

  #askEmail(): void {
    clearTimeout(this.#timer);
    this.#step = "asking";
    void this.#email.ask("transcriptAsk");
  }
}
