/**
 * Settings → Auto-replies and hours: the schedule (time zone, weekly hours, exceptions),
 * the rules and their replies, the quiet window and the email question, saved as one
 * document (`PUT /autoreply`); the server's field messages land beside their inputs. Below,
 * a preview of what a visitor gets from the saved settings. Operators see it read-only.
 */
import { css, html, nothing } from "lit";
import { customElement, state as litState } from "lit/decorators.js";
import { ApiFailure, api } from "../api";
import { state } from "../app-state";
import { serverText, t } from "../i18n";
import "./autoreply-preview";
import type { AutoReplySettings, Editing } from "./autoreply-model";
import { checkField, errorAt, textField } from "./editor-inputs";
import { focusFirstInvalid, placeErrors } from "./field-paths";
import { rulesEditor } from "./rules-editor";
import { scheduleEditor } from "./schedule-editor";
import { Screen } from "./screen";

const T = (key: string) => t(`settings.autoreplies.${key}`);

/** Layout of the nested editors; shared by nothing else. */
const editorStyles = css`
  /* Contains the visually hidden labels (.sr-only is position: absolute), which would otherwise stretch the page. */
  :host { position: relative; }
  form.editor { background: none; border: 0; padding: 0; margin: 0; }
  /* Tabbing keeps the focused control above the sticky save bar. */
  form.editor :is(input, select, textarea, button) { scroll-margin-bottom: 96px; }
  fieldset.plain { border: 0; margin: 0; padding: 0; min-width: 0; }
  h4 { margin: 12px 0 4px; font-size: 14px; }
  .notice { background: var(--ec-hover); border-radius: 8px; padding: 8px 12px; }
  .day { display: grid; grid-template-columns: 120px 1fr; gap: 8px; padding: 8px 0; border-top: 1px solid var(--ec-border); }
  .day-name { font-weight: 600; padding-top: 6px; }
  .intervals { display: flex; flex-direction: column; gap: 6px; align-items: flex-start; }
  .interval { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
  .interval input[type="time"] { width: 120px; }
  .interval .period input { width: 150px; }
  .interval .remove { border: 0; background: none; min-height: 0; padding: 4px 8px; }
  .interval label.inline { margin: 0; font-size: 13px; }
  .interval > .field-error { flex-basis: 100%; }
  .cell { display: inline-flex; flex-direction: column; min-width: 0; }
  .cell label { margin-top: 0; }
  .exception { border-top: 1px solid var(--ec-border); padding: 8px 0; }
  .exception-head { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: flex-end; }
  .exception .intervals { margin-top: 8px; }
  .rule { border: 1px solid var(--ec-border); border-radius: 10px; padding: 12px; margin-bottom: 12px; position: relative; }
  .rule > h4 { margin-top: 0; padding-right: 120px; }
  .tools { position: absolute; top: 8px; right: 8px; display: flex; gap: 4px; }
  .tools button { min-height: 30px; padding: 2px 8px; }
  fieldset.periods { border: 0; padding: 0; margin: 12px 0 0; display: flex; flex-wrap: wrap; gap: 4px 16px; }
  fieldset.periods legend { font-weight: 600; margin-bottom: 4px; padding: 0; }
  fieldset.periods label.inline { margin: 0; }
  fieldset.periods .field-error { flex-basis: 100%; }
  .variant { background: var(--ec-bg); border-radius: 8px; padding: 10px; margin-bottom: 8px; position: relative; }
  .variant > strong { display: block; padding-right: 120px; }
  .when { margin: 6px 0 0; color: var(--ec-muted); font-size: 13px; }
  .conditions { display: grid; grid-template-columns: repeat(3, 1fr) 2fr 1fr; gap: 0 8px; }
  .conditions .cell { display: block; }
  .conditions .hint { display: none; }
  .conditions .cell:focus-within .hint { display: block; }
  button.add { margin-top: 8px; }
  .save-bar { position: sticky; bottom: 0; z-index: 1; background: var(--ec-surface); border: 1px solid var(--ec-border); border-radius: 12px; padding: 8px 12px; margin: 0 0 16px; }
  .save-bar .actions { margin: 0; flex-wrap: wrap; }
  @media (max-width: 900px) { .conditions { grid-template-columns: repeat(3, 1fr); } .conditions .wide { grid-column: span 2; } }
  @media (max-width: 600px) {
    .day { grid-template-columns: 1fr; gap: 2px; }
    .day-name { padding-top: 0; }
    .conditions { grid-template-columns: 1fr 1fr; }
    .conditions .wide { grid-column: span 2; }
    .rule { padding: 10px 8px; }
  }
`;

@customElement("ec-settings-autoreplies")
export class EcSettingsAutoreplies extends Screen {
  static override styles = [...Screen.styles, editorStyles];

  /** What the server has; the draft is edited and saved. */
  private stored: AutoReplySettings | null = null;
  @litState() private draft: AutoReplySettings | null = null;
  @litState() private dirty = false;
  @litState() private revision = 0;
  @litState() private loadError: string | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.draft) void this.load();
  }

  private async load(): Promise<void> {
    try {
      const { settings } = await api<{ settings: AutoReplySettings }>("GET", "/autoreply");
      this.stored = settings;
      this.draft = structuredClone(settings);
    } catch (err) {
      this.loadError = err instanceof ApiFailure ? serverText(err.message) : t("errors.unexpected");
    }
  }

  /** The screen as the editors see it. */
  private editing(): Editing {
    return {
      errors: this.errors,
      readOnly: !state.canManage,
      changed: (moved = false) => {
        this.dirty = true;
        this.saved = false;
        if (moved) this.errors = {};
        this.requestUpdate();
      },
      focusLater: (selector) =>
        void this.updateComplete.then(() => {
          const el = this.renderRoot.querySelector<HTMLButtonElement>(selector);
          const target = el?.disabled ? el.parentElement?.querySelector<HTMLElement>("button:not([disabled])") : el;
          target?.focus();
        }),
    };
  }

  override render() {
    const d = this.draft;
    const head = html`<h2>${T("title")}</h2><p class="muted">${T("intro")}</p>`;
    if (!d)
      return html`${head}${this.loadError ? html`<p class="form-error" role="alert">${this.loadError}</p>` : html`<p class="muted">${t("app.loading")}</p>`}`;
    const ed = this.editing();
    return html`${head}
      ${ed.readOnly ? html`<p class="notice" role="note">${T("readOnly")}</p>` : nothing}
      <form class="editor" @submit=${this.save} novalidate>
        <fieldset class="plain" ?disabled=${ed.readOnly}>
          ${scheduleEditor(ed, d.schedule, state.settings?.timezone ?? null)}
          ${rulesEditor(ed, d)}
          <section class="card" aria-labelledby="h-other">
            <h3 id="h-other">${T("other")}</h3>
            ${textField(
              ed,
              "quietAfterOperatorMinutes",
              T("quiet"),
              Number.isFinite(d.quietAfterOperatorMinutes) ? d.quietAfterOperatorMinutes : "",
              (v) => (d.quietAfterOperatorMinutes = v.trim() === "" ? Number.NaN : Number(v)),
              { type: "number", min: 0, max: 1440 },
            )}
            ${checkField(ed, "askEmail", T("askEmail"), d.askEmail, (v) => (d.askEmail = v), "askEmail")}
            ${errorAt(ed, "askEmail")}
          </section>
        </fieldset>
        ${
          ed.readOnly
            ? nothing
            : html`<div class="save-bar"><div class="actions">
          <button class="primary" ?disabled=${this.busy}>${t("settings.save")}</button>
          <button type="button" ?disabled=${!this.dirty || this.busy} @click=${this.discard}>${T("discard")}</button>
          ${this.dirty ? html`<span class="muted unsaved">${T("unsaved")}</span>` : nothing}
          ${this.status()}
        </div></div>`
        }
      </form>
      <ec-autoreply-preview .dirty=${this.dirty} .revision=${this.revision}></ec-autoreply-preview>`;
  }

  private async save(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const body = this.draft;
    if (!body) return;
    const ok = await this.attempt(async () => {
      const { settings } = await api<{ settings: AutoReplySettings }>("PUT", "/autoreply", body);
      this.stored = settings;
      this.draft = structuredClone(settings);
      this.dirty = false;
      this.revision++;
    });
    if (ok) return;
    const { fields, loose } = placeErrors(this.errors, this.renderRoot);
    this.errors = fields;
    this.message ??= loose;
    await this.updateComplete;
    focusFirstInvalid(this.renderRoot);
  }

  private discard(): void {
    if (!this.stored) return;
    this.draft = structuredClone(this.stored);
    this.dirty = false;
    this.errors = {};
    this.message = null;
    this.saved = false;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "ec-settings-autoreplies": EcSettingsAutoreplies;
  }
}
