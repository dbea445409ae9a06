/**
 * What settings screens share: the save-with-field-messages loop and labelled inputs whose
 * server message shows beneath them.
 */
import { LitElement, css, html, type TemplateResult } from "lit";
import { state as litState } from "lit/decorators.js";
import { state } from "../app-state";
import { Localized, t } from "../i18n";
import { failureOf, fieldError, formError, invalid, type FieldErrors } from "../ui/fields";
import { base } from "../ui/styles";
import { Watch } from "../watch";

export class Screen extends LitElement {
  static override styles = [
    base,
    css`
    :host { display: block; max-width: 760px; }
    form, .card { background: var(--ec-surface); border: 1px solid var(--ec-border); border-radius: 12px; padding: 16px; margin-bottom: 16px; }
    .actions { display: flex; gap: 8px; align-items: center; margin-top: 16px; }
    .two { display: grid; grid-template-columns: 1fr 1fr; gap: 0 16px; }
    @media (max-width: 600px) { .two { grid-template-columns: 1fr; } table { font-size: 13px; } th, td { padding: 6px 4px; } }
    code, pre { font: 13px/1.4 ui-monospace, monospace; background: var(--ec-hover); border-radius: 6px; padding: 2px 6px; overflow-wrap: anywhere; }
    pre { padding: 12px; white-space: pre-wrap; }
  `,
  ];

  @litState() protected errors: FieldErrors = {};
  @litState() protected message: string | null = null;
  @litState() protected saved = false;
  @litState() protected busy = false;

  constructor() {
    super();
    new Localized(this);
    new Watch(this, state);
  }

  /**
   * Runs a save; on failure shows the server's messages by field (`known` says which paths
   * this form has; others go to the form's general line). True when it worked.
   */
  protected async attempt(
    run: () => Promise<unknown>,
    known: (path: string) => boolean = () => true,
  ): Promise<boolean> {
    this.busy = true;
    this.saved = false;
    this.errors = {};
    this.message = null;
    try {
      await run();
      this.saved = true;
      return true;
    } catch (err) {
      const shown = failureOf(err, known);
      this.errors = shown.fields;
      this.message = shown.message;
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** A label, an input (text-like) and its field message. */
  protected input(
    path: string,
    label: string,
    value: string | number,
    attrs: { type?: string; hint?: string; max?: number } = {},
  ): TemplateResult {
    const a = invalid(this.errors, path);
    return html`<label for=${path}>${label}</label>
      <input id=${path} name=${path} type=${attrs.type ?? "text"} .value=${String(value)} maxlength=${attrs.max ?? 500}
        aria-invalid=${a.invalid} aria-describedby=${a.describedBy}>
      ${attrs.hint ? html`<p class="hint">${attrs.hint}</p>` : ""}${fieldError(this.errors, path)}`;
  }

  /** The form's status line: the general error, or "Saved". */
  protected status(): TemplateResult {
    return html`${formError(this.message)}${this.saved ? html`<span class="ok" role="status">${t("settings.saved")}</span>` : ""}`;
  }
}

/** A form's values by input name. */
export function valuesOf(form: HTMLFormElement): Record<string, string> {
  return Object.fromEntries([...new FormData(form)].map(([k, v]) => [k, String(v)]));
}
