/**
 * The reply box of a conversation. Enter sends, Shift+Enter breaks the line; `/` at the
 * start opens the canned responses (type to filter, ↑/↓ to pick, Enter or Tab to insert,
 * Esc to close); Alt+N switches between a reply and an internal note. The draft is the
 * conversation session's, so it survives switching conversations.
 */
import { LitElement, css, html, nothing, type PropertyValues } from "lit";
import { customElement, property, query, state as litState } from "lit/decorators.js";
import type { CannedResponse } from "../../../worker/protocol";
import { state } from "../app-state";
import type { ConversationSession } from "../conversation-session";
import { Localized, t } from "../i18n";
import { Watch } from "../watch";
import "./files";
import { base } from "./styles";

/** Canned responses matching what follows the `/`: shortcut first, then title and text. */
export function cannedMatches(all: readonly CannedResponse[], q: string): CannedResponse[] {
  const needle = q.toLowerCase();
  const starts = all.filter((c) => c.shortcut.toLowerCase().startsWith(needle));
  const rest = all.filter((c) => !starts.includes(c) && `${c.title} ${c.text}`.toLowerCase().includes(needle));
  return [...starts, ...rest].slice(0, 8);
}

@customElement("ec-composer")
export class EcComposer extends LitElement {
  static override styles = [
    base,
    css`
    :host { display: block; position: relative; border-top: 1px solid var(--ec-border); background: var(--ec-surface); padding: 8px 12px; }
    :host([note]) { background: var(--ec-note); }
    .modes { display: flex; gap: 4px; margin-bottom: 6px; }
    .modes button { min-height: 28px; padding: 2px 10px; font-size: 13px; }
    .modes button[aria-pressed="true"] { background: var(--ec-hover); font-weight: 600; }
    .box { display: flex; flex-wrap: wrap; gap: 8px; align-items: flex-end; }
    .box textarea { flex: 1 1 200px; }
    textarea { resize: none; min-height: 40px; max-height: 200px; }
    [role="listbox"] {
      position: absolute; bottom: 100%; left: 12px; right: 12px; max-height: 260px; overflow-y: auto; margin: 0; padding: 4px;
      list-style: none; background: var(--ec-surface); border: 1px solid var(--ec-border); border-radius: 8px; box-shadow: 0 6px 24px rgb(0 0 0 / .12);
    }
    [role="option"] { padding: 6px 8px; border-radius: 6px; cursor: pointer; }
    [role="option"][aria-selected="true"] { background: var(--ec-selected); }
    .shortcut { font-weight: 600; }
    .text { color: var(--ec-muted); display: block; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  `,
  ];

  @property({ attribute: false }) session!: ConversationSession;
  @property({ type: Boolean, reflect: true }) note = false;
  @litState() private picking: CannedResponse[] | null = null;
  @litState() private picked = 0;
  @query("textarea") private textarea!: HTMLTextAreaElement;
  private readonly watch = new Watch(this);
  /** The session's `givenBack` when the box last took its draft. */
  private draftShownAt = 0;

  constructor() {
    super();
    new Localized(this);
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("session")) {
      this.watch.set(this.session);
      this.picking = null;
    }
    this.note = this.session.mode === "note";
  }

  override updated(changed: PropertyValues<this>): void {
    if (changed.has("session") || this.session.givenBack !== this.draftShownAt) {
      this.draftShownAt = this.session.givenBack;
      this.textarea.value = this.session.draft;
      this.grow();
    }
  }

  /** Puts the cursor in the reply box. */
  override focus(): void {
    this.textarea?.focus();
  }

  override render() {
    const mode = this.session.mode;
    return html`
      ${this.picking?.length ? this.cannedList(this.picking) : nothing}
      <div class="modes" role="group" aria-label=${t("composer.mode")}>
        <button aria-pressed=${mode === "reply"} @click=${() => this.setMode("reply")}>${t("composer.reply")}</button>
        <button aria-pressed=${mode === "note"} @click=${() => this.setMode("note")} title="Alt+N">${t("composer.note")}</button>
      </div>
      <div class="box">
        <label class="sr-only" for="text">${mode === "note" ? t("composer.notePlaceholder") : t("composer.placeholder")}</label>
        <textarea dir="auto" id="text" rows="1" placeholder=${mode === "note" ? t("composer.notePlaceholder") : t("composer.placeholder")}
          title=${t("composer.keys")} aria-description=${t("composer.keys")}
          aria-autocomplete="list" aria-controls="canned" aria-expanded=${!!this.picking?.length}
          aria-activedescendant=${this.picking?.length ? `canned-${this.picked}` : ""}
          @input=${this.onInput} @keydown=${this.onKey}></textarea>
        <ec-attach .conversationId=${this.session.id} .note=${mode === "note"}></ec-attach>
        <button class="primary" @click=${this.submit}>${mode === "note" ? t("composer.addNote") : t("composer.send")}</button>
      </div>`;
  }

  /** Sends files into the conversation (the attach button, a paste, a drop). */
  attach(files: Iterable<File>): void {
    this.renderRoot.querySelector("ec-attach")?.send(files);
  }

  private cannedList(list: CannedResponse[]) {
    return html`<ul id="canned" role="listbox" aria-label=${t("composer.canned")}>
      ${list.map(
        (c, i) => html`<li id=${`canned-${i}`} role="option" aria-selected=${i === this.picked}
        @mousedown=${(e: Event) => {
          e.preventDefault();
          this.insert(c);
        }}>
        <span class="shortcut">/${c.shortcut}</span> ${c.title}<span class="text">${c.text}</span></li>`,
      )}
    </ul>`;
  }

  private setMode(mode: "reply" | "note"): void {
    this.session.mode = mode;
    this.requestUpdate();
    this.textarea.focus();
  }

  private onInput(): void {
    const value = this.textarea.value;
    this.session.draft = value;
    const slash = value.match(/^\/(\S*)$/);
    this.picking = slash ? cannedMatches(state.canned, slash[1]!) : null;
    this.picked = 0;
    if (value && !slash) this.session.typed();
    this.grow();
  }

  private onKey(e: KeyboardEvent): void {
    if (e.altKey && (e.key === "n" || e.key === "N" || e.code === "KeyN")) {
      e.preventDefault();
      return this.setMode(this.session.mode === "note" ? "reply" : "note");
    }
    if (this.picking?.length) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        const n = this.picking.length;
        this.picked = (this.picked + (e.key === "ArrowDown" ? 1 : n - 1)) % n;
        return;
      }
      if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        return this.insert(this.picking[this.picked]!);
      }
      if (e.key === "Escape") {
        e.preventDefault();
        this.picking = null;
        return;
      }
    }
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      this.submit();
    }
  }

  private insert(c: CannedResponse): void {
    this.textarea.value = c.text;
    this.session.draft = c.text;
    this.picking = null;
    this.grow();
    this.textarea.focus();
  }

  private submit(): void {
    const text = this.textarea.value.trim();
    if (!text) return;
    this.session.send(text);
    this.textarea.value = "";
    this.session.draft = "";
    this.picking = null;
    this.grow();
    this.textarea.focus();
  }

  private grow(): void {
    const ta = this.textarea;
    if (!ta) return;
    ta.style.height = "auto";
    ta.style.height = `${Math.min(ta.scrollHeight + 2, 200)}px`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "ec-composer": EcComposer;
  }
}
