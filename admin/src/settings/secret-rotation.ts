/**
 * Rotating one of the site's secrets (identity or plugin), the one control every screen
 * that offers it uses — Settings → Identity and Settings → Data and secrets — so both say
 * and do the same as the server (worker/site/secrets.ts): a new secret, shown once, and the
 * old one accepted for the hours chosen (24 by default, 0 for a leaked secret, at most 168).
 */
import { css, html, nothing } from "lit";
import { customElement, property, state as litState } from "lit/decorators.js";
import { ApiFailure, api } from "../api";
import { fullTime } from "../format";
import { serverText, t } from "../i18n";
import { withoutPath } from "./field-paths";
import { Screen } from "./screen";

export type SecretName = "identity" | "plugin";
export type SecretsInfo = Record<SecretName, { set: boolean; previousValidUntil: number | null }>;
interface Rotated {
  secret: string;
  previousValidUntil: number | null;
}

const T = (key: string, params?: Record<string, string | number>) => t(`settings.data.${key}`, params);

/** The description of rotation both screens show (the one source of it). */
export function rotationText(): string {
  return T("rotation");
}

/** Rotates a secret with a grace period; shows the new one once and until when the old one works. */
@customElement("ec-secret-rotation")
export class EcSecretRotation extends Screen {
  static override styles = [
    ...Screen.styles,
    css`
    :host { max-width: none; }
    .secret { border-top: 1px solid var(--ec-border); padding-top: 8px; margin-top: 8px; }
    .grace { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
    .grace input { width: 120px; }
    .new { background: var(--ec-hover); border-radius: 8px; padding: 8px 12px; margin-top: 8px; }
  `,
  ];

  @property() name: SecretName = "identity";
  /** Shows the secret's name as a heading (the Data screen lists two). */
  @property({ type: Boolean }) titled = false;
  @litState() private info: SecretsInfo[SecretName] | null = null;
  @litState() private failure: { field: boolean; text: string } | null = null;
  @litState() private rotating = false;
  @litState() private rotated: Rotated | null = null;
  @litState() private copied = false;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.info = (await api<{ secrets: SecretsInfo }>("GET", "/secrets")).secrets[this.name];
    } catch (err) {
      this.failure = {
        field: false,
        text: err instanceof ApiFailure ? serverText(err.message) : t("errors.unexpected"),
      };
    }
  }

  override render() {
    const name = this.name;
    const id = `grace-${name}`;
    const err = this.failure;
    const info = this.info;
    const shown = this.rotated;
    return html`<section class="secret" aria-label=${T(name)} data-secret=${name}>
      ${this.titled ? html`<h4>${T(name)}</h4><p class="muted">${T(`${name}Hint`)}</p>` : nothing}
      <p class="muted rotation">${rotationText()}</p>
      ${
        info
          ? html`<p class="state">${info.set ? T("isSet") : T("notSet")}${
              info.previousValidUntil && !shown
                ? html` · ${T("previousUntil", { when: fullTime(info.previousValidUntil) })}`
                : nothing
            }</p>`
          : nothing
      }
      <label for=${id}>${T("grace")}</label>
      <div class="grace">
        <input id=${id} type="number" min="0" max="168" value="24" aria-invalid=${err?.field ? "true" : "false"}
          aria-describedby=${`hint-${id}${err?.field ? ` err-${id}` : ""}`}>
        <button class="danger rotate" ?disabled=${this.rotating} @click=${this.rotate}>${T("rotate")}</button>
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

  private async rotate(): Promise<void> {
    const input = this.renderRoot.querySelector(`#grace-${this.name}`) as HTMLInputElement;
    const graceHours = input.value.trim() === "" ? 24 : Number(input.value);
    if (!confirm(T("confirmRotate", { name: T(this.name) }))) return;
    this.rotating = true;
    this.failure = null;
    this.rotated = null;
    this.copied = false;
    try {
      this.rotated = await api<Rotated>("POST", `/secrets/${this.name}/rotate`, { graceHours });
      await this.load();
    } catch (err) {
      const field = err instanceof ApiFailure ? err.fields.graceHours : undefined;
      this.failure = field
        ? { field: true, text: serverText(withoutPath("graceHours", field)) }
        : { field: false, text: err instanceof ApiFailure ? serverText(err.message) : t("errors.unexpected") };
    } finally {
      this.rotating = false;
    }
  }

  private async copy(): Promise<void> {
    await navigator.clipboard?.writeText(this.rotated?.secret ?? "").catch(() => {});
    this.copied = true;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "ec-secret-rotation": EcSecretRotation;
  }
}
