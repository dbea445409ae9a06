/**
 * Files in the admin: how a message's files look (images as thumbnails that open full
 * size, other files as name, size and download link), and `<ec-attach>`, the composer's
 * attach button with uploads in progress or failed (retry keeps the same clientId, so a
 * file is never stored twice). Photos are shrunk and stripped of EXIF in the browser, as
 * in the widget. Every file opens through the server's redirect to a short-lived signed
 * link; names are bound as text.
 */
import { LitElement, css, html, nothing } from "lit";
import { customElement, property, state as litState } from "lit/decorators.js";
import type { Attachment } from "../../../worker/protocol";
import { ACCEPTED_FILES } from "../../../worker/protocol/limits";
import { prepareUpload } from "../../../widget/extras/prepare";
import { Localized, serverText, t } from "../i18n";
import { base } from "./styles";
import { postWithProgress } from "../../../widget/upload";

/** Where an operator opens a file (a redirect to its signed link). */
export function fileUrl(conversationId: string, fileId: string): string {
  return `/api/v1/admin/conversations/${conversationId}/files/${fileId}`;
}

/** "850 KB", "2.4 MB". */
export function sizeLabel(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A message's files. */
export function attachmentsView(conversationId: string, files: readonly Attachment[] | undefined, thumb = 220) {
  if (!files?.length) return nothing;
  return html`<div class="files">${files.map((a) => {
    const url = fileUrl(conversationId, a.id);
    if (!a.type.startsWith("image/")) {
      return html`<a class="file" href=${url} download=${a.name}>${a.name} <span class="muted">${sizeLabel(a.size)}</span></a>`;
    }
    const scale = a.width && a.height ? Math.min(1, thumb / Math.max(a.width, a.height)) : 1;
    return html`<a class="thumb" href=${url} target="_blank" rel="noopener noreferrer" title=${a.name}>
      <img src=${url} alt=${a.name} loading="lazy" width=${a.width ? Math.round(a.width * scale) : thumb} height=${a.height ? Math.round(a.height * scale) : thumb} /></a>`;
  })}</div>`;
}

/** Styles of `attachmentsView`, for the components that show it. */
export const filesStyles = css`
  .files { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 4px; }
  .thumb img { display: block; max-width: 100%; height: auto; border-radius: 8px; border: 1px solid var(--ec-border); }
  .file { display: inline-block; overflow-wrap: anywhere; }
`;

const PAPERCLIP =
  "M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6z";

interface Upload {
  clientId: string;
  /** The conversation it was added to: it goes there, and shows there, whichever is open later. */
  conversationId: string;
  name: string;
  source: Blob;
  blob?: Blob;
  progress: number;
  error?: string;
  /** Added while the operator wrote an internal note: it stays among operators. */
  note: boolean;
}

@customElement("ec-attach")
export class EcAttach extends LitElement {
  static override styles = [
    base,
    css`
    :host { display: contents; }
    label.button { position: relative; display: inline-flex; align-items: center; min-height: 40px; cursor: pointer; }
    input[type="file"] { position: absolute; width: 1px; height: 1px; opacity: 0; }
    ul { list-style: none; margin: 4px 0 0; padding: 0; font-size: 13px; }
    .failed { color: var(--ec-danger, #b91c1c); }
  `,
  ];

  @property({ attribute: false }) conversationId = "";
  /** The composer is writing an internal note: files added now go into notes too. */
  @property({ type: Boolean }) note = false;
  @litState() private uploads: Upload[] = [];

  constructor() {
    super();
    new Localized(this);
  }

  /** Sends files, one message each. */
  send(files: Iterable<File>): void {
    for (const file of files) {
      const u: Upload = {
        clientId: `f-${crypto.randomUUID()}`,
        conversationId: this.conversationId,
        name: file.name || "image.png",
        source: file,
        progress: 0,
        note: this.note,
      };
      this.uploads = [...this.uploads, u];
      void this.start(u);
    }
  }

  override render() {
    // One attach button serves every open conversation: it lists only this one's uploads.
    const uploads = this.uploads.filter((u) => u.conversationId === this.conversationId);
    return html`<label class="button" title=${t("conversation.files.attach")}>
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path fill="currentColor" d=${PAPERCLIP}></path></svg>
        <input type="file" multiple accept=${ACCEPTED_FILES} aria-label=${t("conversation.files.attach")}
          @change=${this.onPick} /></label>
      ${
        uploads.length
          ? html`<ul aria-live="polite">${uploads.map(
              (u) => html`<li class=${u.progress < 0 ? "failed" : ""}>
        ${
          u.progress < 0
            ? html`${t("conversation.files.failed", { name: u.name, why: serverText(u.error ?? "") })}
            <button class="link" @click=${() => this.start(u)}>${t("conversation.files.retry")}</button>
            <button class="link" @click=${() => this.forget(u)}>${t("conversation.files.dismiss")}</button>`
            : t("conversation.files.uploading", { name: u.name, percent: String(u.progress) })
        }
      </li>`,
            )}</ul>`
          : nothing
      }`;
  }

  private async start(u: Upload): Promise<void> {
    this.update1(u, { progress: 0, error: undefined });
    try {
      if (!u.blob) Object.assign(u, await prepareUpload(u.source, u.name));
      const q = new URLSearchParams({ name: u.name, clientId: u.clientId, ...(u.note ? { note: "1" } : {}) });
      await postWithProgress(
        `/api/v1/admin/conversations/${u.conversationId}/files?${q}`,
        u.blob!,
        (progress) => this.update1(u, { progress }),
        t("errors.network"),
      );
      this.forget(u);
    } catch (err) {
      this.update1(u, { progress: -1, error: (err as Error).message });
    }
  }

  private update1(u: Upload, changes: Partial<Upload>): void {
    Object.assign(u, changes);
    this.uploads = [...this.uploads];
  }

  private forget(u: Upload): void {
    this.uploads = this.uploads.filter((x) => x !== u);
  }

  private onPick(e: Event): void {
    const input = e.target as HTMLInputElement;
    this.send(input.files ?? []);
    input.value = "";
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "ec-attach": EcAttach;
  }
}
