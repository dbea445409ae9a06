/**
 * Files in the widget: the attach button, paste (a screenshot) and drag-and-drop onto the
 * chat, uploads with progress that can be retried (the typed text is never touched), and
 * how a message's files look: images as thumbnails that open full size, other files as a
 * name, size and download link. Every file opens through the server's redirect to a
 * short-lived signed link; names are bound as text, never as HTML.
 */
import type { Attachment, Message } from "../../worker/protocol";
import { ACCEPTED_FILES } from "../../worker/protocol/limits";
import type { EdgeChat } from "../edge-chat";
import { newClientId } from "../outbox";
import { extrasCatalogue } from "../i18n";
import type { Lit } from "./extras";
import { prepareUpload } from "./prepare";
import { postWithProgress } from "../upload";

interface Upload {
  clientId: string;
  name: string;
  blob?: Blob;
  source: Blob;
  /** 0–100 while sending; -1 once it failed. */
  progress: number;
  error?: string;
  /** False for refusals a retry cannot fix (type, size). */
  retry?: boolean;
}

const PAPERCLIP =
  "M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6z";

export class FileSender {
  readonly uploads: Upload[] = [];
  #host: EdgeChat;

  constructor(host: EdgeChat) {
    this.#host = host;
    const root = host.renderRoot;
    root.addEventListener("paste", (e) => this.#onPaste(e as ClipboardEvent));
    root.addEventListener("dragover", (e) => e.preventDefault());
    root.addEventListener("drop", (e) => this.#onDrop(e as DragEvent));
  }

  /** Sends files (from the picker, a paste or a drop), one message each. */
  send(files: Iterable<File>): void {
    for (const file of files) {
      const upload: Upload = { clientId: newClientId(), name: file.name || "image.png", source: file, progress: 0 };
      this.uploads.push(upload);
      void this.#start(upload);
    }
    this.#host.requestUpdate();
  }

  /** What a message shows besides its text: its files, or that it was deleted. */
  show(m: Message, html: Lit["html"]): unknown {
    const t = extrasCatalogue(this.#host.locale);
    if (m.meta?.deleted) return html`<p class="deleted">${t.deleted}</p>`;
    return m.attachments?.map((a) => {
      const url = this.#url(a);
      return a.type.startsWith("image/")
        ? html`<a class="thumb" href=${url} target="_blank" rel="noopener noreferrer" title=${a.name}>
            <img src=${url} alt=${a.name} width=${thumbWidth(a)} height=${thumbHeight(a)} loading="lazy" /></a>`
        : html`<a class="file" href=${url} download=${a.name} rel="noopener noreferrer">${a.name} <span>${size(a.size)}</span></a>`;
    });
  }

  /** The attach button and the uploads in progress or failed. */
  render({ html }: Lit): unknown {
    const t = extrasCatalogue(this.#host.locale);
    return html`<div class="files">
      <label class="attach" title=${t.attach}>
        <svg viewBox="0 0 24 24" aria-hidden="true"><path d=${PAPERCLIP}></path></svg>
        <input type="file" multiple accept=${ACCEPTED_FILES} aria-label=${t.attach} @change=${this.#onPick} />
      </label>
      <div class="uploads" role="status">${this.uploads.map(
        (u) => html`<p class=${u.progress < 0 ? "failed" : ""}>
        <span>${u.progress < 0 ? t.uploadFailed(u.name, u.error ?? "") : t.uploading(u.name, u.progress)}</span>
        ${u.progress < 0 && u.retry ? html`<button type="button" @click=${() => this.#toComposer(this.#start(u))}>${t.retry}</button>` : ""}
        ${u.progress < 0 ? html`<button type="button" aria-label=${t.dismiss} @click=${() => this.#toComposer(this.#forget(u))}>×</button>` : ""}
      </p>`,
      )}</div>
    </div>`;
  }

  async #start(u: Upload): Promise<void> {
    Object.assign(u, { progress: 0, error: undefined });
    this.#host.requestUpdate();
    try {
      if (!u.blob)
        Object.assign(u, await prepareUpload(u.source, u.name).then((p) => ({ blob: p.blob, name: p.name })));
      await this.#live();
      const session = this.#host.chat.session;
      if (!session) throw new Error(extrasCatalogue(this.#host.locale).offline);
      const q = new URLSearchParams({ token: session.visitorToken, name: u.name, clientId: u.clientId });
      await postWithProgress(
        `${this.#host.server}/api/v1/conversations/${session.conversationId}/files?${q}`,
        u.blob!,
        (p) => {
          u.progress = p;
          this.#host.requestUpdate();
        },
        extrasCatalogue(this.#host.locale).uploadNetwork,
      );
      this.#forget(u); // the message itself arrives on the socket
    } catch (err) {
      const refusal = err as Error & { status?: number; code?: string };
      Object.assign(u, {
        progress: -1,
        // A refusal in the visitor's language; a network failure's words already are.
        error: refusal.status
          ? extrasCatalogue(this.#host.locale).uploadRefused(refusal.code ?? "", refusal.message)
          : refusal.message,
        retry: !refusal.status || refusal.status >= 500 || refusal.status === 401 || refusal.status === 404,
      });
      this.#host.requestUpdate();
    }
  }

  /**
   * A conversation exists on the server from its socket's first welcome: a file picked as the
   * chat opens would be refused as "no such conversation" before it. So an upload waits for
   * the chat to be live, up to 10 s, then goes anyway (a file is sent over HTTP, not the socket).
   */
  async #live(): Promise<void> {
    for (let i = 0; i < 50 && this.#host.chat.state !== "live"; i++) await new Promise((r) => setTimeout(r, 200));
  }

  /** Both buttons go once pressed: the keyboard goes to the message field, not out of the chat. */
  #toComposer(_: unknown): void {
    this.#host.renderRoot.querySelector<HTMLElement>(".composer textarea")?.focus();
  }

  #forget(u: Upload): void {
    this.uploads.splice(this.uploads.indexOf(u), 1);
    this.#host.requestUpdate();
  }

  #url(a: Attachment): string {
    const s = this.#host.chat.session;
    return s
      ? `${this.#host.server}/api/v1/conversations/${s.conversationId}/files/${a.id}?token=${encodeURIComponent(s.visitorToken)}`
      : "";
  }

  #onPick = (e: Event): void => {
    const input = e.target as HTMLInputElement;
    this.send(input.files ?? []);
    input.value = "";
  };

  #onPaste(e: ClipboardEvent): void {
    const files = [...(e.clipboardData?.files ?? [])];
    // Text pastes as usual; so does anything pasted into the chat's other fields (the email,
    // the booking form, the rating's comment): only the message field sends a file.
    if (!files.length || !(e.target as Element).closest(".composer")) return;
    e.preventDefault();
    this.send(files);
  }

  #onDrop(e: DragEvent): void {
    const files = e.dataTransfer?.files;
    // Text dragged from the page drops into a field as usual; a file never opens in the tab.
    if (!files?.length) return;
    e.preventDefault();
    this.send(files);
  }
}

const THUMB = 200;
const thumbWidth = (a: Attachment) =>
  a.width && a.height ? Math.round(a.width * Math.min(1, THUMB / Math.max(a.width, a.height))) : THUMB;
const thumbHeight = (a: Attachment) =>
  a.width && a.height ? Math.round(a.height * Math.min(1, THUMB / Math.max(a.width, a.height))) : THUMB;

/** "850 KB", "2.4 MB". */
function size(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
