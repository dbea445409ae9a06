/**
 * Settings → Data and secrets (owner and admin): how long conversations are kept, and
 * rotating the identity or plugin secret with a grace period. A new secret is shown once,
 * right after rotation, with when the old one stops being accepted. The owner also finds the
 * site archive here (./archive.ts).
 */
import { css, html, nothing } from "lit";
import { customElement, state as litState } from "lit/decorators.js";
import { ApiFailure, api } from "../api";
import { fullTime } from "../format";
import { serverText, t } from "../i18n";
import { fieldError, invalid } from "../ui/fields";
import { withoutPath } from "./field-paths";
import { state } from "../app-state";
import "./archive";
import { Screen } from "./screen";

type SecretName = "identity" | "plugin";
type SecretsInfo = Record<SecretName, { set: boolean; previousValidUntil: number | null }>;
interface Rotated {
  name: SecretName;
  secret: string;
  previousValidUntil: number | null;
}

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
    .secret { border-top: 1px solid var(--ec-border); padding-top: 8px; margin-top: 8px; }
    .grace { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
    .grace input { width: 120px; }
    .new { background: var(--ec-hover); border-radius: 8px; padding: 8px 12px; margin-top: 8px; }
    label.inline { margin: 6px 0; }
    #months { width: 120px; }
  `,
  ];

  @litState() private months: number | null | undefined = undefined;
  @litState() private keep: "all" | "months" = "all";
  @litState() private secrets: SecretsInfo | null = null;
  @litState() private loadError: string | null = null;
  @litState() private secretErrors: Partial<Record<SecretName, { field: boolean; text: string }>> = {};
  @litState() private rotating: SecretName | null = null;
  @litState() private rotated: Rotated | null = null;
  @litState() private copied = false;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const [retention, secrets] = await Promise.all([
        api<{ months: number | null }>("GET", "/data/retention"),
        api<{ secrets: SecretsInfo }>("GET", "/secrets"),
      ]);
      this.months = retention.months;
      this.keep = retention.months === null ? "all" : "months";
      this.secrets = secrets.secrets;
    } catch (err) {
      this.loadError = failureText(err);
    }
  }

  override render() {
    const head = html`<h2>${T("title")}</h2>`;
    if (this.loadError) return html`${head}<p class="form-error" role="alert">${this.loadError}</p>`;
    if (this.months === undefined || !this.secrets) return html`${head}<p class="muted">${t("app.loading")}</p>`;
    return html`${head}${this.retention()}${this.secretsCard(this.secrets)}
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

  private secretsCard(info: SecretsInfo) {
    return html`<div class="card"><h3>${T("secrets")}</h3>
      ${NAMES.map((name) => this.secret(name, info[name]))}</div>`;
  }

  private secret(name: SecretName, info: SecretsInfo[SecretName]) {
    const id = `grace-${name}`;
    const err = this.secretErrors[name];
    const shown = this.rotated?.name === name ? this.rotated : null;
    return html`<section class="secret" aria-labelledby=${`h-${name}`} data-secret=${name}>
      <h4 id=${`h-${name}`}>${T(name)}</h4>
      <p class="muted">${T(`${name}Hint`)}</p>
      <p class="state">${info.set ? T("isSet") : T("notSet")}${
        info.previousValidUntil && !shown
          ? html` · ${T("previousUntil", { when: fullTime(info.previousValidUntil) })}`
          : nothing
      }</p>
      <label for=${id}>${T("grace")}</label>
      <div class="grace">
        <input id=${id} type="number" min="0" max="168" value="24" aria-invalid=${err?.field ? "true" : "false"}
          aria-describedby=${`hint-${id}${err?.field ? ` err-${id}` : ""}`}>
        <button class="danger rotate" ?disabled=${this.rotating !== null} @click=${() => this.rotate(name)}>${T("rotate")}</button>
      </div>
      <p class="hint" id=${`hint-${id}`}>${T("graceHint")}</p>
      ${err ? html`<p class=${err.field ? "field-error" : "form-error"} id=${`err-${id}`} role="alert">${err.text}</p>` : nothing}
      ${shown ? this.newSecret(shown) : nothing}
    </section>`;
  }

  private newSecret(r: Rotated) {
    return html`<div class="new" role="status">
      <p><strong>${T("newSecret")}</strong></p>
      <p class="row"><code class="value">${r.secret}</code>
        <button @click=${this.copy}>${this.copied ? T("copied") : T("copy")}</button></p>
      <p class="form-error">${T("onlyOnce")}</p>
      <p class="old">${r.previousValidUntil ? T("oldUntil", { when: fullTime(r.previousValidUntil) }) : T("oldNow")}</p>
    </div>`;
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

  private async rotate(name: SecretName): Promise<void> {
    const input = this.renderRoot.querySelector(`#grace-${name}`) as HTMLInputElement;
    const graceHours = input.value.trim() === "" ? 24 : Number(input.value);
    if (!confirm(T("confirmRotate", { name: T(name) }))) return;
    this.rotating = name;
    this.secretErrors = {};
    this.rotated = null;
    this.copied = false;
    try {
      this.rotated = await api<Rotated>("POST", `/secrets/${name}/rotate`, { graceHours });
      this.secrets = (await api<{ secrets: SecretsInfo }>("GET", "/secrets")).secrets;
    } catch (err) {
      const field = err instanceof ApiFailure ? err.fields.graceHours : undefined;
      this.secretErrors = {
        [name]: field
          ? { field: true, text: serverText(withoutPath("graceHours", field)) }
          : { field: false, text: failureText(err) },
      };
    } finally {
      this.rotating = null;
    }
  }

  private async copy(): Promise<void> {
    await navigator.clipboard?.writeText(this.rotated?.secret ?? "").catch(() => {});
    this.copied = true;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "ec-settings-data": EcSettingsData;
  }
}
