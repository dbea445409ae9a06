/**
 * What a visitor would get from the SAVED auto-reply settings at a moment: the period, the
 * rule, the text, and when operators are back in the visitor's zone. The server previews
 * stored settings only (`POST /autoreply/preview`), so with unsaved changes this says so.
 */
import { LitElement, css, html, nothing, type PropertyValues } from "lit";
import { customElement, property, state as litState } from "lit/decorators.js";
import type { Preview } from "../../../worker/protocol";
import { ApiFailure, api } from "../api";
import { Localized, locale, serverText, t } from "../i18n";
import { formError } from "../ui/fields";
import { base } from "../ui/styles";
import { browserZone, isZone, zoneNames } from "./autoreply-model";
import { periodLabel } from "./rules-editor";

const T = (key: string) => t(`settings.autoreplies.preview.${key}`);

/** A Date as a datetime-local value in the browser's zone ("2026-03-30T10:00"). */
function localInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "Tuesday, 31 March, 10:00" in `zone`, in the app's language. */
function inZone(iso: string, zone: string): string {
  return new Intl.DateTimeFormat(locale(), {
    timeZone: zone,
    weekday: "long",
    day: "numeric",
    month: "long",
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(iso));
}

@customElement("ec-autoreply-preview")
export class EcAutoreplyPreview extends LitElement {
  static override styles = [
    base,
    css`
    :host { display: block; }
    .card { background: var(--ec-surface); border: 1px solid var(--ec-border); border-radius: 12px; padding: 16px; margin-bottom: 16px; }
    .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(280px, 100%), 1fr)); gap: 0 16px; align-items: end; }
    .warn { background: var(--ec-note); border-radius: 8px; padding: 8px 12px; }
    .actions { margin-top: 12px; }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 6px 12px; margin: 16px 0 0; }
    dt { color: var(--ec-muted); }
    dd { margin: 0; overflow-wrap: anywhere; }
    .text { white-space: pre-wrap; }
    @media (max-width: 600px) { dl { grid-template-columns: 1fr; } dd { margin-bottom: 6px; } }
  `,
  ];

  /** The form has unsaved changes (the preview shows the saved settings). */
  @property({ type: Boolean }) dirty = false;
  /** Bumped on every save: a shown preview is asked again. */
  @property({ type: Number }) revision = 0;
  @litState() private at = localInput(new Date());
  @litState() private zone = browserZone();
  @litState() private visitorLang: "en" | "ru" = locale();
  @litState() private emailKnown = false;
  @litState() private result: (Preview & { zone: string }) | null = null;
  @litState() private error: string | null = null;
  @litState() private zoneError = false;
  @litState() private busy = false;

  constructor() {
    super();
    new Localized(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.run();
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("revision") && changed.get("revision") !== undefined && this.result) void this.run();
  }

  override render() {
    return html`<section class="card" aria-labelledby="h-preview">
      <h3 id="h-preview">${T("title")}</h3>
      <p class="muted">${T("intro")}</p>
      ${this.dirty ? html`<p class="warn" role="status">${T("unsaved")}</p>` : nothing}
      <form @submit=${(e: Event) => {
        e.preventDefault();
        void this.run();
      }} novalidate>
        <div class="grid">
          <div><label for="p-at">${T("at")}</label>
            <div class="row"><input id="p-at" class="grow" type="datetime-local" .value=${this.at}
              @change=${(e: Event) => (this.at = (e.target as HTMLInputElement).value)}>
              <button type="button" @click=${() => (this.at = localInput(new Date()))}>${T("now")}</button></div></div>
          <div><label for="p-zone">${T("zone")}</label>
            <input id="p-zone" list="p-zones" .value=${this.zone} maxlength="64" aria-invalid=${this.zoneError ? "true" : "false"}
              aria-describedby=${this.zoneError ? "err-p-zone" : ""} @input=${(e: Event) => (this.zone = (e.target as HTMLInputElement).value.trim())}>
            <datalist id="p-zones">${zoneNames().map((z) => html`<option value=${z}></option>`)}</datalist>
            ${this.zoneError ? html`<p class="field-error" id="err-p-zone" role="alert">${T("badZone")}</p>` : nothing}</div>
          <div><label for="p-lang">${T("language")}</label>
            <select id="p-lang" .value=${this.visitorLang} @change=${(e: Event) => (this.visitorLang = (e.target as HTMLSelectElement).value as "en" | "ru")}>
              <option value="en" ?selected=${this.visitorLang === "en"}>English</option><option value="ru" ?selected=${this.visitorLang === "ru"}>Русский</option>
            </select></div>
          <div><label class="inline" for="p-email"><input type="checkbox" id="p-email" .checked=${this.emailKnown}
            @change=${(e: Event) => (this.emailKnown = (e.target as HTMLInputElement).checked)}>${T("emailKnown")}</label></div>
        </div>
        <div class="actions"><button class="primary" ?disabled=${this.busy}>${T("run")}</button></div>
        ${formError(this.error)}
      </form>
      ${this.result ? this.shown(this.result) : nothing}
    </section>`;
  }

  private shown(r: Preview & { zone: string }) {
    return html`<dl class="result" aria-live="polite">
      <dt>${T("period")}</dt><dd class="period">${periodLabel(r.period)}</dd>
      <dt>${T("rule")}</dt><dd class="rule">${r.rule ?? T("noRule")}</dd>
      ${r.rule ? html`<dt>${T("text")}</dt><dd class="text">${r.text ?? T("noText")}</dd>` : nothing}
      <dt>${T("next")}</dt><dd class="next">${
        r.nextOpening
          ? html`<time datetime=${r.nextOpening}>${inZone(r.nextOpening, r.zone)}</time> (${r.zone})`
          : T("never")
      }</dd>
    </dl>`;
  }

  private async run(): Promise<void> {
    const zone = this.zone || browserZone();
    this.zoneError = !isZone(zone);
    if (this.zoneError) return;
    const at = this.at ? new Date(this.at) : new Date();
    this.busy = true;
    this.error = null;
    try {
      const preview = await api<Preview>("POST", "/autoreply/preview", {
        at: at.toISOString(),
        visitorTimezone: zone,
        locale: this.visitorLang,
        emailKnown: this.emailKnown,
      });
      this.result = { ...preview, zone };
    } catch (err) {
      this.error = err instanceof ApiFailure ? serverText(err.message) : t("errors.unexpected");
    } finally {
      this.busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "ec-autoreply-preview": EcAutoreplyPreview;
  }
}
