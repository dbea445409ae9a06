/**
 * One conversation: header with assign / transfer and resolve / reopen, the live thread
 * (visitor, operators, bot, internal notes), typing and read state, and the composer.
 * Every text that came from a visitor is shown as text.
 *
 * @fires back - the phone layout's back button
 * @fires toggle-card - show or hide the visitor card
 */
import { LitElement, css, html, nothing, type PropertyValues } from "lit";
import { customElement, property, state as litState } from "lit/decorators.js";
import type { InboxEntry, Message } from "../../../worker/protocol";
import { api, ApiFailure } from "../api";
import { state } from "../app-state";
import type { ConversationSession } from "../conversation-session";
import { fullTime, ratingText, shortTime } from "../format";
import { Localized, serverText, t } from "../i18n";
import { Watch } from "../watch";
import "./composer";
import { attachmentsView, filesStyles } from "./files";
import { visitorLabel } from "./inbox-list";
import { base } from "./styles";
import { systemText } from "./system-text";
import "./transcript-dialog";

@customElement("ec-conversation")
export class EcConversation extends LitElement {
  static override styles = [
    base,
    css`
    :host { display: flex; flex-direction: column; min-height: 0; min-width: 0; background: var(--ec-bg); }
    header { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; padding: 8px 12px; background: var(--ec-surface); border-bottom: 1px solid var(--ec-border); }
    header h2 { margin: 0; font-size: 16px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    header select { width: auto; max-width: 220px; }
    .back, .card-toggle { display: none; }
    @media (max-width: 760px) {
      .back { display: inline-block; }
      header h2.grow { flex: 1 1 calc(100% - 60px); }
      header select { flex: 1; max-width: none; }
    }
    @media (max-width: 1100px) { .card-toggle { display: inline-block; } }
    .thread { flex: 1; overflow-y: auto; padding: 12px 16px; display: flex; flex-direction: column; gap: 8px; }
    .msg { max-width: min(560px, 85%); padding: 8px 12px; border-radius: 12px; background: var(--ec-surface); border: 1px solid var(--ec-border); overflow-wrap: anywhere; }
    .text { white-space: pre-wrap; }
    .msg.operator { align-self: flex-end; background: var(--ec-mine); border-color: transparent; }
    .msg.bot, .msg.system { align-self: center; background: transparent; border-style: dashed; color: var(--ec-muted); }
    .msg.note { align-self: flex-end; background: var(--ec-note); border: 1px dashed var(--ec-warn); }
    .msg.pending { opacity: .6; }
    .who { font-size: 12px; color: var(--ec-muted); margin-bottom: 2px; display: block; }
    .quoted-toggle { font-size: 12px; margin-top: 4px; }
    .quoted { white-space: pre-wrap; margin-top: 4px; padding-left: 8px; border-left: 2px solid var(--ec-border); color: var(--ec-muted); font-size: 13px; }
    .msg.held { border: 1px dashed var(--ec-warn); }
    .held-note { font-size: 12px; margin-top: 4px; color: var(--ec-muted); }
    .msg.discarded { opacity: .6; }
    .msg.discarded .text { text-decoration: line-through; }
    .seen { align-self: flex-end; font-size: 12px; color: var(--ec-muted); margin-top: -4px; }
    .typing { font-size: 13px; color: var(--ec-muted); padding: 0 16px 6px; min-height: 20px; }
    .banner { margin: 8px 12px 0; }
    .deleted { color: var(--ec-muted); font-style: italic; }
    .msg .remove { float: right; margin-left: 8px; visibility: hidden; min-height: 0; padding: 0 4px; }
    .msg:hover .remove, .msg:focus-within .remove { visibility: visible; }
  `,
    filesStyles,
  ];

  @property({ attribute: false }) session!: ConversationSession;
  @property({ attribute: false }) entry: InboxEntry | null = null;
  @litState() private actionError: string | null = null;
  /** The call panel's chunk has loaded (on the first ring or the operator's "Video call"). */
  @litState() private callLoaded = false;
  /** Messages whose hidden email quote the operator opened. */
  @litState() private shownQuotes: ReadonlySet<number> = new Set();
  private readonly watch = new Watch(this);
  private stick = true;

  constructor() {
    super();
    new Localized(this);
    new Watch(this, state);
    // A pasted screenshot or dropped files go into the conversation; pasted text stays text.
    this.addEventListener("paste", (e) => {
      const files = [...(e.clipboardData?.files ?? [])];
      if (files.length) this.attachFiles(files, e);
    });
    this.addEventListener("dragover", (e) => e.preventDefault());
    this.addEventListener("drop", (e) => this.attachFiles([...(e.dataTransfer?.files ?? [])], e));
  }

  private attachFiles(files: File[], e: Event): void {
    e.preventDefault();
    if (files.length) this.renderRoot.querySelector("ec-composer")?.attach(files);
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (this.session.ringing && !this.callLoaded) void this.loadCall();
    if (changed.has("session")) {
      this.watch.set(this.session);
      this.actionError = null;
      this.shownQuotes = new Set();
      this.stick = true;
    }
  }

  override updated(): void {
    const thread = this.renderRoot.querySelector(".thread");
    if (thread && this.stick) thread.scrollTop = thread.scrollHeight;
    if (document.visibilityState === "visible") this.session.markRead();
  }

  override render() {
    const s = this.session;
    if (s.gone) return this.erased();
    const e = this.entry;
    const lastOperator = [...s.messages].reverse().find((m) => m.author.kind === "operator" && !m.meta?.internal);
    const seen = lastOperator && s.view && s.view.readSeq.visitor >= lastOperator.seq;
    return html`
      <header>
        <button class="back" @click=${() => this.fire("back")} aria-label=${t("conversation.back")}>←</button>
        <h2 class="grow">${e ? visitorLabel(e) : t("inbox.visitor")}
          ${e?.verified ? html`<span class="badge soft" title=${t("card.verifiedHint")}>✓ ${t("card.verified")}</span>` : nothing}</h2>
        ${this.assignControl(e)}
        ${
          e?.status === "resolved"
            ? html`<button @click=${() => this.run("reopen")}>${t("conversation.reopen")}</button>`
            : html`<button class="primary" @click=${() => this.run("resolve")}>${t("conversation.resolve")}</button>`
        }
        <ec-transcript .conversationId=${s.id} .email=${e?.email ?? null}></ec-transcript>
        ${state.settings?.video?.enabled ? html`<button class="start-call" @click=${() => void this.startCall()}>${t("call.start")}</button>` : nothing}
        <button class="card-toggle" @click=${() => this.fire("toggle-card")}>${t("card.title")}</button>
      </header>
      ${this.actionError ? html`<p class="form-error banner" role="alert">${this.actionError}</p>` : nothing}
      ${s.error ? html`<p class="form-error banner" role="alert">${serverText(s.error.message)}</p>` : nothing}
      ${this.callLoaded ? html`<ec-call .session=${s}></ec-call>` : nothing}
      <div class="thread" role="log" aria-live="polite" aria-label=${t("conversation.thread")} @scroll=${this.onScroll}>
        ${s.messages
          .filter((m) => m.meta?.acceptedAs === undefined)
          .map(
            (m) =>
              html`${this.message(m)}${
                // "Seen" belongs under the answer the visitor read, not under a later note.
                seen && m === lastOperator ? html`<span class="seen">${t("conversation.seen")}</span>` : nothing
              }`,
          )}
        ${[...s.outgoing.values()].map((o) => html`<div class="msg pending ${o.note ? "note" : "operator"}"><span class="who">${t("conversation.sending")}</span><div class="text" dir="auto">${o.text}</div></div>`)}
        ${!s.live ? html`<p class="muted">${t("conversation.connecting")}</p>` : nothing}
      </div>
      <div class="typing" aria-live="polite">${s.typing ? (s.typing.who === "visitor" ? t("conversation.visitorTyping") : t("conversation.operatorTyping", { name: s.typing.who })) : ""}</div>
      <ec-composer .session=${s}></ec-composer>`;
  }

  /** An erased conversation: nothing of it is shown, only that it is gone. */
  private erased() {
    return html`<header>
        <button class="back" @click=${() => this.fire("back")} aria-label=${t("conversation.back")}>←</button>
        <h2 class="grow">${t("conversation.erasedTitle")}</h2>
      </header>
      <p class="erased muted banner" role="status">${t("conversation.erased")}</p>`;
  }

  private message(m: Message) {
    const note = m.meta?.internal === true;
    const held = m.meta?.unverifiedSender === true;
    const discarded = held && m.meta?.discardedBy !== undefined;
    const kind = note ? "note" : held ? `visitor held${discarded ? " discarded" : ""}` : m.author.kind;
    const who = note
      ? t("conversation.noteBy", { name: m.author.name ?? "" })
      : held
        ? String(m.meta?.from ?? "")
        : m.author.kind === "visitor"
          ? this.entry
            ? visitorLabel(this.entry)
            : t("inbox.visitor")
          : m.author.kind === "operator" || m.author.kind === "guest"
            ? (m.author.name ?? t("roles.operator"))
            : m.author.kind === "bot" && m.author.name
              ? `${t("conversation.bot")} · ${m.author.name}`
              : t(`conversation.${m.author.kind}`);
    const deleted = m.meta?.deleted === true;
    return html`<div class="msg ${kind}" data-seq=${m.seq}>
      ${
        deleted || m.author.kind === "system"
          ? nothing
          : html`<button class="remove link" title=${t("conversation.delete")}
        @click=${() => this.deleteMessage(m)}>${t("conversation.deleteShort")}</button>`
      }
      <span class="who">${who} · <time datetime=${new Date(m.at).toISOString()} title=${fullTime(m.at)}>${shortTime(m.at)}</time>${m.channel === "email" ? ` · ${t("conversation.email")}` : ""}</span>
      ${deleted ? html`<div class="deleted">${t("conversation.deleted")}</div>` : html`<div class="text" dir="auto">${this.textOf(m)}</div>`}${this.quote(m)}${held ? this.heldNote(m) : nothing}
      ${attachmentsView(this.session.id, m.attachments)}
      ${
        Array.isArray(m.meta?.refusedFiles)
          ? (m.meta.refusedFiles as Array<{ name: string; reason: string }>).map(
              (f) =>
                html`<div class="deleted">${t("conversation.files.notStored", { name: f.name, why: serverText(f.reason) })}</div>`,
            )
          : nothing
      }</div>`;
  }

  /** A rating shows as the site asks for it (thumbs or "4 of 5"), with the visitor's comment. */
  private textOf(m: Message): string {
    const rating = m.meta?.rating;
    if (m.author.kind !== "system" || typeof rating !== "number") return systemText(m);
    const comment = typeof m.meta?.comment === "string" ? `: ${m.meta.comment}` : "";
    const by = m.meta?.ratedBy === "email" ? ` (${t("conversation.email")})` : "";
    return `${t("card.rating")} ${ratingText(rating)}${by}${comment}`;
  }

  /**
   * An email another address than the visitor's sent: the visitor does not see it. An
   * operator accepts it (the server adds a copy as that sender's message, shown to the
   * visitor as theirs, and this one is hidden) or discards it (it stays here, struck out).
   */
  private heldNote(m: Message) {
    const from = String(m.meta?.from ?? "");
    if (m.meta?.discardedBy !== undefined) {
      return html`<div class="held-note">${t("conversation.heldDiscarded", { from })}</div>`;
    }
    return html`<div class="held-note" title=${t("conversation.heldHint")}>
      ${t("conversation.heldFrom", { from })} —
      <button class="link accept-email" @click=${() => this.session.acceptEmail(m.seq)}>${t("conversation.accept")}</button> ·
      <button class="link discard-email" @click=${() => this.session.discardEmail(m.seq)}>${t("conversation.discard")}</button></div>`;
  }

  /** An email reply's quoted history, hidden behind a toggle and shown as plain text. */
  private quote(m: Message) {
    const quoted = m.channel === "email" ? m.meta?.quoted : undefined;
    if (typeof quoted !== "string" || quoted === "") return nothing;
    const open = this.shownQuotes.has(m.seq);
    return html`<button class="link quoted-toggle" aria-expanded=${open ? "true" : "false"} @click=${() => this.toggleQuote(m.seq)}>
        ${open ? t("conversation.quotedHide") : t("conversation.quotedHidden")}</button>
      ${open ? html`<div class="quoted">${quoted}</div>` : nothing}`;
  }

  private toggleQuote(seq: number): void {
    const next = new Set(this.shownQuotes);
    if (!next.delete(seq)) next.add(seq);
    this.shownQuotes = next;
  }

  private async deleteMessage(m: Message): Promise<void> {
    if (!confirm(t("conversation.deleteConfirm"))) return;
    this.actionError = null;
    try {
      await api("DELETE", `/conversations/${this.session.id}/messages/${m.seq}`);
    } catch (err) {
      this.actionError = err instanceof ApiFailure ? serverText(err.message) : t("errors.unexpected");
    }
  }

  private assignControl(e: InboxEntry | null) {
    const value = e?.assignee ? `op:${e.assignee}` : e?.department ? `dep:${e.department}` : "";
    return html`<label class="sr-only" for="assign">${t("conversation.assign")}</label>
      <select id="assign" .value=${value} @change=${this.onAssign} title=${t("conversation.assign")}>
        <option value="" ?selected=${value === ""}>${t("conversation.unassigned")}</option>
        <optgroup label=${t("conversation.operators")}>
          ${state.team.map((o) => html`<option value=${`op:${o.id}`} ?selected=${value === `op:${o.id}`}>${o.online ? "● " : ""}${o.name}</option>`)}
        </optgroup>
        ${
          state.departments.length
            ? html`<optgroup label=${t("conversation.departments")}>
          ${state.departments.map((d) => html`<option value=${`dep:${d.id}`} ?selected=${value === `dep:${d.id}`}>${d.name}</option>`)}
        </optgroup>`
            : nothing
        }
      </select>`;
  }

  private onAssign(ev: Event): void {
    const v = (ev.target as HTMLSelectElement).value;
    const body = v.startsWith("op:")
      ? { operatorId: v.slice(3) }
      : v.startsWith("dep:")
        ? { departmentId: v.slice(4) }
        : { operatorId: null, departmentId: null };
    void this.run("assign", body);
  }

  private async run(action: "resolve" | "reopen" | "assign", body?: unknown): Promise<void> {
    this.actionError = null;
    try {
      await state.act(this.session.id, action, body);
    } catch (err) {
      this.actionError = err instanceof ApiFailure ? serverText(err.message) : t("errors.unexpected");
    }
  }

  private onScroll(e: Event): void {
    const el = e.target as HTMLElement;
    this.stick = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
  }

  /** Loads `<ec-call>` (a chunk of its own: most conversations never have a call). */
  private async loadCall(): Promise<void> {
    await import("../calls/call-panel");
    this.callLoaded = true;
  }

  private async startCall(): Promise<void> {
    await this.loadCall();
    await this.updateComplete;
    await this.renderRoot.querySelector("ec-call")?.start();
  }

  private fire(name: string): void {
    this.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "ec-conversation": EcConversation;
  }
}
