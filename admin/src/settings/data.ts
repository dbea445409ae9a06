/**
 * Settings → Data and secrets (owner and admin): how long conversations are kept, and
 * rotating the identity or plugin secret with a grace period. A new secret is shown once,
 * right after rotation, with when the old one stops being accepted. The owner also finds the
 * site archive here (./archive.ts).
 */
import { css, html, nothing } from "lit";
import { customElement, state as litState } from "lit/decorators.js";
import { ApiFailure, api } from "../api";
import { serverText, t } from "../i18n";
import { fieldError, invalid } from "../ui/fields";
import { withoutPath } from "./field-paths";
import { state } from "../app-state";
import "./archive";
import { Screen } from "./screen";
import "./secret-rotation";
import type { SecretName } from "./secret-rotation";

const NAMES: SecretName[] = ["identity", "plugin"];
const T = (key: string, params?: Record<string, string | number>) => t(`settings.data.${key}`, params);

function failureText(err: unknown): string {
  return err instanceof ApiFailure ? serverText(err.message) : t("errors.unexpected");
}

@customElement("ec-settings-data")
export class EcSettingsData extends Screen {
  static override styles = [
    ...Screen.styles,
    css`
    label.inline { margin: 6px 0; }
    #months { width: 120px; }
  `,
  ];

  @litState() private months: number | null | undefined = undefined;
  @litState() private keep: "all" | "months" = "all";
  @litState() private loadError: string | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const retention = await api<{ months: number | null }>("GET", "/data/retention");
      this.months = retention.months;
      this.keep = retention.months === null ? "all" : "months";
    } catch (err) {
      this.loadError = failureText(err);
    }
  }

  override render() {
    const head = html`<h2>${T("title")}</h2>`;
    if (this.loadError) return html`${head}<p class="form-error" role="alert">${this.loadError}</p>`;
    if (this.months === undefined) return html`${head}<p class="muted">${t("app.loading")}</p>`;
    return html`${head}${this.retention()}${this.secretsCard()}
      <p class="muted">${T("eraseHint")}</p>
      ${state.operator?.role === "owner" ? html`<ec-site-archive></ec-site-archive>` : nothing}`;
  }

  private retention() {
    const a = invalid(this.errors, "months");
    return html`<form @submit=${this.saveRetention} novalidate>
      <fieldset style="border:0;margin:0;padding:0">
        <legend><h3>${T("retention")}</h3></legend>
        <label class="inline" for="keep-all"><input type="radio" id="keep-all" name="keep" value="all" .checked=${this.keep === "all"}
          @change=${() => (this.keep = "all")}>${T("keepAll")}</label>
        <label class="inline" for="keep-months"><input type="radio" id="keep-months" name="keep" value="months" .checked=${this.keep === "months"}
          @change=${() => (this.keep = "months")}>${T("keepFor")}</label>
      </fieldset>
      <label for="months">${T("months")}</label>
      <input id="months" name="months" type="number" min="1" max="120" .value=${String(this.months ?? 12)} ?disabled=${this.keep === "all"}
        aria-invalid=${a.invalid} aria-describedby=${`${a.describedBy} hint-months`.trim()}>
      <p class="hint" id="hint-months">${T("monthsHint")}</p>
      ${fieldError(this.errors, "months")}
      <div class="actions"><button class="primary" ?disabled=${this.busy}>${t("settings.save")}</button>${this.status()}</div>
    </form>`;
  }

  private secretsCard() {
    return html`<div class="card"><h3>${T("secrets")}</h3>
      ${NAMES.map((name) => html`<ec-secret-rotation name=${name} titled></ec-secret-rotation>`)}</div>`;
  }

  private async saveRetention(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const raw = (this.renderRoot.querySelector("#months") as HTMLInputElement).value.trim();
    const months = this.keep === "all" ? null : Number(raw);
    if (months !== null && (raw === "" || !Number.isInteger(months))) {
      this.errors = { months: "months is a whole number" };
      this.saved = false;
      return;
    }
    const ok = await this.attempt(
      async () => {
        this.months = (await api<{ months: number | null }>("PUT", "/data/retention", { months })).months;
      },
      (path) => path === "months",
    );
    if (!ok) this.errors = Object.fromEntries(Object.entries(this.errors).map(([p, m]) => [p, withoutPath(p, m)]));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "ec-settings-data": EcSettingsData;
  }
}
