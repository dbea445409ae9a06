/**
 * Settings → Email: how long an operator's answer may stay unread in the chat before it is
 * emailed to the visitor, and whether operators hear of conversations that start while
 * nobody is online. The sent emails themselves are in Settings → Outbox.
 */
import { html, nothing } from "lit";
import { customElement, state as litState } from "lit/decorators.js";
import type { EmailSettings } from "../../../worker/protocol";
import { ApiFailure, api } from "../api";
import { state } from "../app-state";
import { serverText, t } from "../i18n";
import { go } from "../router";
import { fieldError, invalid } from "../ui/fields";
import { withoutPath } from "./field-paths";
import { Screen } from "./screen";

const T = (key: string) => t(`settings.email.${key}`);

@customElement("ec-settings-email")
export class EcSettingsEmail extends Screen {
  @litState() private settings: EmailSettings | null = null;
  @litState() private loadError: string | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.settings = (await api<{ settings: EmailSettings }>("GET", "/email-settings")).settings;
    } catch (err) {
      this.loadError = err instanceof ApiFailure ? serverText(err.message) : t("errors.unexpected");
    }
  }

  override render() {
    const s = this.settings;
    const head = html`<h2>${T("title")}</h2>`;
    if (!s)
      return html`${head}${this.loadError ? html`<p class="form-error" role="alert">${this.loadError}</p>` : html`<p class="muted">${t("app.loading")}</p>`}`;
    const readOnly = !state.canManage;
    const delay = invalid(this.errors, "followupDelayMinutes");
    return html`${head}
      <form @submit=${this.save} novalidate>
        ${readOnly ? html`<p class="muted" role="note">${T("readOnly")}</p>` : nothing}
        <fieldset style="border:0;margin:0;padding:0" ?disabled=${readOnly}>
          <label for="followupDelayMinutes">${T("followupDelay")}</label>
          <input id="followupDelayMinutes" name="followupDelayMinutes" type="number" min="0" max="1440" style="max-width:160px"
            .value=${String(s.followupDelayMinutes)} aria-invalid=${delay.invalid} aria-describedby=${`${delay.describedBy} hint-delay`.trim()}>
          <p class="hint" id="hint-delay">${T("followupDelayHint")}</p>
          ${fieldError(this.errors, "followupDelayMinutes")}
          <label class="inline" for="notifyOperators"><input type="checkbox" id="notifyOperators" name="notifyOperators"
            .checked=${s.notifyOperators}>${T("notifyOperators")}</label>
          ${fieldError(this.errors, "notifyOperators")}
        </fieldset>
        ${readOnly ? nothing : html`<div class="actions"><button class="primary" ?disabled=${this.busy}>${t("settings.save")}</button>${this.status()}</div>`}
      </form>
      <p class="muted">${T("sentMail")} <a href="/admin/settings/outbox" @click=${(e: MouseEvent) => {
        e.preventDefault();
        go({ name: "settings", screen: "outbox" });
      }}>${T("outbox")}</a>.</p>`;
  }

  private async save(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const delay = (form.elements.namedItem("followupDelayMinutes") as HTMLInputElement).value.trim();
    const body = {
      followupDelayMinutes: delay === "" ? null : Number(delay),
      notifyOperators: (form.elements.namedItem("notifyOperators") as HTMLInputElement).checked,
    };
    const ok = await this.attempt(
      async () => {
        this.settings = (await api<{ settings: EmailSettings }>("PUT", "/email-settings", body)).settings;
      },
      (path) => path in body,
    );
    if (!ok) this.errors = Object.fromEntries(Object.entries(this.errors).map(([p, m]) => [p, withoutPath(p, m)]));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "ec-settings-email": EcSettingsEmail;
  }
}
