/**
 * One open conversation in the admin: its operator socket (hello/resume, reconnect), the
 * thread, typing and read state, messages and internal notes on their way (resent with the
 * same clientId after a reconnect, so never stored twice; one the server refuses goes back
 * to the draft), and the operator's draft, which survives switching conversations and
 * reloading the tab. Each welcome brings the inbox entry too (an `entry` event for the app).
 */
import type {
  CallServerFrame,
  ConversationView,
  InboxEntry,
  Message,
  OperatorFrame,
  ServerFrame,
} from "../../worker/protocol";
import type { CallSignal } from "../../widget/calls/peer";
import { CONVERSATION_GONE } from "../../worker/protocol/limits";
import { Connection } from "../../widget/connection";
import { Heartbeat } from "../../widget/heartbeat";
import { socketUrl } from "./api";

export interface Me {
  id: string;
  name: string;
}

interface Outgoing {
  clientId: string;
  text: string;
  note: boolean;
  at: number;
}

const TYPING_SHOWN_MS = 6000;
const TYPING_SEND_EVERY_MS = 2500;
/** The server closes with this when it cannot tell who the socket is: trying again would not help. */
const POLICY_VIOLATION = 1008;

export class ConversationSession extends EventTarget {
  messages: Message[] = [];
  view: ConversationView | null = null;
  /** Until when "visitor is typing" shows, and who else (an operator) is typing. */
  typing: { until: number; who: "visitor" | string } | null = null;
  error: { code: string; message: string } | null = null;
  live = false;
  /** The conversation was erased (or is not stored at all): nothing of it is held any more. */
  gone = false;
  readonly outgoing = new Map<string, Outgoing>();
  mode: "reply" | "note" = "reply";
  /**
   * Counts the replies the server refused and gave back to the draft: the composer puts the
   * draft in its box again when this moves.
   */
  givenBack = 0;
  /** A call that rings now (its `request`), until it is answered or ends; `call` events carry every call frame. */
  ringing: Extract<CallServerFrame, { action: "request" }> | null = null;
  private readonly socket = new Connection<ServerFrame, OperatorFrame | "ping">({
    url: () => socketUrl(`/conversations/${this.id}/ws`),
    open: () => this.resume(),
    frame: (frame) => {
      this.beat.heard();
      this.onFrame(frame);
    },
    down: (code) => this.socketDown(code),
  });
  /** A socket that died without closing would hide the visitor's messages: see widget/heartbeat.ts. */
  private readonly beat = new Heartbeat(this.socket);
  private lastTypingSent = 0;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  /** A new socket's first welcome is due: it replaces the thread held rather than adds to it. */
  private resyncing = false;

  constructor(
    readonly id: string,
    private readonly me: Me,
  ) {
    super();
  }

  /** The operator's unsent text for this conversation (kept in sessionStorage). */
  get draft(): string {
    return sessionStorage.getItem(`edgechat.draft.${this.id}`) ?? "";
  }
  set draft(text: string) {
    if (text) sessionStorage.setItem(`edgechat.draft.${this.id}`, text);
    else sessionStorage.removeItem(`edgechat.draft.${this.id}`);
  }

  get lastSeq(): number {
    return this.messages.at(-1)?.seq ?? 0;
  }

  /** Opens the operator socket; reconnects with backoff until `close()`. */
  connect(): void {
    this.socket.start();
    this.beat.start();
  }

  close(): void {
    this.socket.stop();
    this.beat.stop();
    clearTimeout(this.typingTimer);
    this.socketDown();
  }

  /** Sends a reply (or an internal note); it shows at once and is marked sent on its ack. */
  send(text: string, note = this.mode === "note"): void {
    const o: Outgoing = { clientId: `a-${crypto.randomUUID()}`, text, note, at: Date.now() };
    // The last refusal's banner belongs to the reply it refused, not to this one.
    this.error = null;
    this.outgoing.set(o.clientId, o);
    this.transmit(o);
    this.changed();
  }

  /** Tells the visitor the operator is typing, at most every few seconds. */
  typed(): void {
    const now = Date.now();
    if (this.mode === "note" || now - this.lastTypingSent < TYPING_SEND_EVERY_MS) return;
    this.lastTypingSent = now;
    this.raw({ type: "typing" });
  }

  /** Marks everything shown as read by operators. */
  markRead(): void {
    const seq = this.lastSeq;
    if (!this.view || seq <= this.view.readSeq.operator) return;
    this.view = { ...this.view, readSeq: { ...this.view.readSeq, operator: seq } };
    this.raw({ type: "read", seq });
  }

  private transmit(o: Outgoing): void {
    this.raw({ type: o.note ? "note" : "message", clientId: o.clientId, text: o.text });
  }

  /** Accepts an email held because another address sent it: it enters as that sender's message. */
  acceptEmail(seq: number): void {
    this.raw({ type: "acceptEmail", seq });
  }

  /** Turns away an email held because another address sent it: the visitor never sees it. */
  discardEmail(seq: number): void {
    this.raw({ type: "discardEmail", seq });
  }

  /** Sends call signalling (admin/src/calls/call-panel.ts). */
  sendCall(frame: CallSignal): void {
    this.raw(frame);
  }

  private raw(frame: OperatorFrame): void {
    this.socket.send(frame);
  }

  /**
   * On a new socket: ask for the thread again, and resend what waits for its ack (same
   * clientId). From its start, not from the last message held: messages deleted, or emails
   * accepted or discarded, while the socket was down are changed, not new.
   */
  private resume(): void {
    this.resyncing = true;
    this.raw({ type: "hello", lastSeq: 0 });
    for (const o of this.outgoing.values()) this.transmit(o);
  }

  private socketDown(code?: number): void {
    this.live = false;
    if (code === POLICY_VIOLATION) this.socket.stop();
    if (code === CONVERSATION_GONE) this.forget();
    this.changed();
  }

  /** Lets go of everything of an erased conversation: its thread, replies on their way, the draft. */
  private forget(): void {
    this.socket.stop();
    this.beat.stop();
    clearTimeout(this.typingTimer);
    this.gone = true;
    this.messages = [];
    this.view = null;
    this.typing = null;
    this.ringing = null;
    this.error = null;
    this.outgoing.clear();
    this.draft = "";
    this.dispatchEvent(new Event("gone"));
  }

  private onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case "welcome":
        this.view = frame.conversation;
        if (this.resyncing) this.messages = [];
        this.resyncing = false;
        this.merge(frame.messages);
        // The inbox's entry: the header's name and status of a conversation the list lacks.
        if (frame.entry) this.dispatchEvent(new CustomEvent<InboxEntry>("entry", { detail: frame.entry }));
        this.live = true;
        if (frame.more) this.raw({ type: "hello", lastSeq: this.lastSeq });
        else this.socket.healthy();
        break;
      case "message": {
        this.merge([frame.message]);
        const { author } = frame.message;
        const who =
          author.kind === "visitor" ? "visitor" : author.kind === "operator" ? (author.name ?? "operator") : null;
        // Whoever was shown typing (the visitor, or another operator) has sent it.
        if (this.typing && this.typing.who === who) this.typing = null;
        break;
      }
      case "ack": {
        const o = this.outgoing.get(frame.clientId);
        if (!o) break;
        this.outgoing.delete(frame.clientId);
        const author = { kind: "operator" as const, id: this.me.id, name: this.me.name };
        this.merge([
          {
            seq: frame.seq,
            clientId: o.clientId,
            author,
            text: o.text,
            at: o.at,
            ...(o.note ? { meta: { internal: true } } : {}),
          },
        ]);
        break;
      }
      case "typing":
        this.showTyping(frame.author.kind === "visitor" ? "visitor" : (frame.author.name ?? "operator"));
        break;
      case "read":
        if (this.view) this.view = { ...this.view, readSeq: { ...this.view.readSeq, [frame.by]: frame.seq } };
        break;
      case "error": {
        this.error = { code: frame.code, message: frame.message };
        // A refused reply (too long, too many at once) will never be acked, and resending it
        // after a reconnect is refused again: its text goes back to the draft, to shorten or
        // send again, rather than staying "Sending…" with the box already emptied.
        const refused = frame.clientId ? this.outgoing.get(frame.clientId) : undefined;
        if (refused) {
          this.outgoing.delete(refused.clientId);
          const draft = this.draft;
          this.draft = draft ? `${refused.text}\n${draft}` : refused.text;
          this.mode = refused.note ? "note" : "reply";
          this.givenBack++;
        }
        break;
      }
      case "deleted": {
        const m = this.messages.find((x) => x.seq === frame.seq);
        if (m)
          this.merge([
            {
              ...m,
              text: "",
              attachments: undefined,
              meta: { ...(m.meta?.internal ? { internal: true } : {}), deleted: true },
            },
          ]);
        break;
      }
      case "call":
        if (frame.action === "request") this.ringing = frame;
        else if (frame.action === "end" || frame.action === "offer") this.ringing = null;
        this.dispatchEvent(new CustomEvent("call", { detail: frame }));
        break;
      default:
        break;
    }
    this.changed();
  }

  private showTyping(who: string): void {
    this.typing = { until: Date.now() + TYPING_SHOWN_MS, who };
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => {
      this.typing = null;
      this.changed();
    }, TYPING_SHOWN_MS);
  }

  private merge(incoming: Message[]): void {
    const bySeq = new Map(this.messages.map((m) => [m.seq, m]));
    for (const m of incoming) bySeq.set(m.seq, m);
    this.messages = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    if (this.view) this.view = { ...this.view, lastSeq: Math.max(this.view.lastSeq, this.lastSeq) };
  }

  private changed(): void {
    this.dispatchEvent(new Event("change"));
  }
}
