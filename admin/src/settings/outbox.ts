/**
 * Settings → Outbox: every email of the site, newest first, with its state (in the local
 * outbox, sent, retrying, failed, suppressed, limited, withdrawn) and the last error or the
 * reason it was not sent; one email opens with its text part and the raw MIME, both shown as
 * text. Running locally, the outbox is the delivery: follow-ups, invites and password resets
 * are read here.
 */
import { css, html, nothing } from "lit";
import { customElement, state as litState } from "lit/decorators.js";
import { ApiFailure, api } from "../api";
import { fullTime, shortTime } from "../format";
import { serverText, t } from "../i18n";
import type { Mailbox } from "../../../worker/protocol";
import type { OutboxEntry } from "../../../worker/protocol";
import { Screen } from "./screen";

const T = (key: string, params?: Record<string, string | number>) => t(`settings.outbox.${key}`, params);
const PAGE = 100;
const MAX = 500;
/** States whose last error says why the email has not (yet) gone. */
const TROUBLE = new Set(["failed", "retrying", "limited", "suppressed", "withdrawn"]);

function kindLabel(kind: string): string {
  const key = `settings.outbox.kinds.${kind}`;
  return t(key) === key ? kind : t(key);
}

function mailbox(m: Mailbox | undefined): string {
  return !m ? "" : m.name ? `${m.name} <${m.address}>` : m.address;
}

@customElement("ec-settings-outbox")
export class EcSettingsOutbox extends Screen {
  static override styles = [
    ...Screen.styles,
    css`
    ul { list-style: none; margin: 0; padding: 0; }
    li + li { border-top: 1px solid var(--ec-border); }
    button.mail { display: block; width: 100%; text-align: left; border: 0; border-radius: 0; background: none; padding: 10px 4px; }
    button.mail:hover { background: var(--ec-hover); }
    .line { display: flex; gap: 8px; align-items: baseline; justify-content: space-between; }
    .subject { font-weight: 600; overflow-wrap: anywhere; }
    .meta { color: var(--ec-muted); font-size: 13px; overflow-wrap: anywhere; }
    .error { color: var(--ec-danger); font-size: 13px; overflow-wrap: anywhere; }
    .status { white-space: nowrap; font-size: 12px; border-radius: 10px; padding: 1px 8px; background: var(--ec-hover); }
    .status[data-status="outbox"], .status[data-status="sent"] { color: var(--ec-ok); }
    .status[data-status="failed"] { color: var(--ec-danger); background: var(--ec-danger-bg); }
    .status[data-status="retrying"] { color: var(--ec-warn); }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 0 0 12px; }
    dt { color: var(--ec-muted); }
    dd { margin: 0; overflow-wrap: anywhere; }
    pre.raw { max-height: 480px; overflow: auto; }
    summary { cursor: pointer; font-weight: 600; margin: 8px 0; }
    @media (max-width: 600px) { dl { grid-template-columns: 1fr; } dd { margin-bottom: 4px; } }
  `,
  ];

  @litState() private messages: OutboxEntry[] = [];
  @litState() private limit = PAGE;
  @litState() private openId: string | null = null;
  @litState() private loaded = false;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    this.message = null;
    try {
      this.messages = (await api<{ messages: OutboxEntry[] }>("GET", `/outbox?limit=${this.limit}`)).messages;
    } catch (err) {
      this.message = err instanceof ApiFailure ? serverText(err.message) : t("errors.unexpected");
    }
    this.loaded = true;
  }

  override render() {
    const open = this.openId ? this.messages.find((m) => m.id === this.openId) : undefined;
    return html`<h2>${T("title")}</h2>
      ${open ? this.detail(open) : this.list()}`;
  }

  private list() {
    return html`<p class="muted">${T("intro")}</p>
      <div class="card">
        <div class="row"><button @click=${() => this.load()}>${T("refresh")}</button></div>
        ${this.status()}
        ${this.loaded && !this.messages.length ? html`<p class="muted">${T("empty")}</p>` : nothing}
        <ul aria-label=${T("title")}>${this.messages.map((m) => html`<li>${this.row(m)}</li>`)}</ul>
        ${
          this.messages.length === this.limit && this.limit < MAX
            ? html`<button @click=${() => {
                this.limit += PAGE;
                void this.load();
              }}>${T("more")}</button>`
            : nothing
        }
      </div>`;
  }

  private row(m: OutboxEntry) {
    return html`<button class="mail" data-id=${m.id} data-kind=${m.kind} @click=${() => this.show(m.id)}>
      <span class="line"><span class="subject">${m.subject}</span>${this.badge(m)}</span>
      <span class="meta">${kindLabel(m.kind)} · ${m.to} · <time datetime=${new Date(m.createdAt).toISOString()} title=${fullTime(m.createdAt)}>${shortTime(m.createdAt)}</time></span>
      ${m.lastError && TROUBLE.has(m.status) ? html`<span class="error" style="display:block">${T("error")}: ${m.lastError}</span>` : nothing}
    </button>`;
  }

  private badge(m: OutboxEntry) {
    return html`<span class="status" data-status=${m.status}>${T(`statuses.${m.status}`)}</span>`;
  }

  private detail(m: OutboxEntry) {
    const msg = m.message;
    return html`<div class="card">
      <button class="back" @click=${() => this.show(null)}>← ${T("back")}</button>
      <h3 id="mail-subject" tabindex="-1" style="margin-top:12px">${m.subject}</h3>
      <dl>
        <dt>${T("status")}</dt><dd>${this.badge(m)}</dd>
        ${m.lastError ? html`<dt>${T("error")}</dt><dd class="error">${m.lastError}</dd>` : nothing}
        <dt>${T("kind")}</dt><dd>${kindLabel(m.kind)}</dd>
        <dt>${T("from")}</dt><dd>${mailbox(msg.from)}</dd>
        <dt>${T("to")}</dt><dd>${mailbox(msg.to) || m.to}</dd>
        ${msg.replyTo ? html`<dt>${T("replyTo")}</dt><dd>${mailbox(msg.replyTo)}</dd>` : nothing}
        <dt>${T("when")}</dt><dd>${fullTime(m.createdAt)}</dd>
        ${m.sentAt ? html`<dt>${T("sentAt")}</dt><dd>${fullTime(m.sentAt)}</dd>` : nothing}
        <dt>${T("attempts")}</dt><dd>${m.attempts}</dd>
        <dt>${T("provider")}</dt><dd>${m.provider}</dd>
      </dl>
      <h4>${T("text")}</h4>
      <pre class="text">${msg.text}</pre>
      ${m.raw ? html`<details><summary>${T("raw")}</summary><pre class="raw">${m.raw}</pre></details>` : html`<p class="muted">${T("noRaw")}</p>`}
    </div>`;
  }

  /** Opens an email (or goes back to the list) and moves focus to what now shows. */
  private async show(id: string | null): Promise<void> {
    const back = this.openId;
    this.openId = id;
    await this.updateComplete;
    const target = id
      ? this.renderRoot.querySelector<HTMLElement>("#mail-subject")
      : this.renderRoot.querySelector<HTMLElement>(`button.mail[data-id="${back}"]`);
    target?.focus();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "ec-settings-outbox": EcSettingsOutbox;
  }
}
