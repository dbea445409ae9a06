/** Settings → Allowed origins: the shop addresses the widget may run on, one per line. */
import { html, nothing } from "lit";
import { customElement } from "lit/decorators.js";
import { api } from "../api";
import { state } from "../app-state";
import { serverText, t } from "../i18n";
import { Screen } from "./screen";

@customElement("ec-settings-origins")
export class EcSettingsOrigins extends Screen {
  override render() {
    const s = state.settings;
    if (!s) return html`<p class="muted">${t("app.loading")}</p>`;
    const lineErrors = Object.entries(this.errors).filter(([k]) => k.startsWith("allowedOrigins"));
    return html`<h2>${t("settings.origins.title")}</h2>
      <form @submit=${this.save} novalidate>
        <p class="muted">${t("settings.origins.intro")}</p>
        <label for="origins">${t("settings.origins.label")}</label>
        <textarea id="origins" rows="8" .value=${s.allowedOrigins.join("\n")} aria-invalid=${lineErrors.length > 0}
          aria-describedby="origins-err"></textarea>
        <p class="hint">${t("settings.origins.hint")}</p>
        ${
          lineErrors.length
            ? html`<ul id="origins-err" class="field-error" role="alert">
          ${lineErrors.map(([k, msg]) => {
            const line = Number(k.split(".")[1]);
            return html`<li>${Number.isInteger(line) ? t("settings.origins.line", { n: line + 1 }) : ""} ${serverText(msg)}</li>`;
          })}</ul>`
            : nothing
        }
        <div class="actions"><button class="primary" ?disabled=${this.busy}>${t("settings.save")}</button>${this.status()}</div>
      </form>`;
  }

  private async save(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const text = (this.renderRoot.querySelector("#origins") as HTMLTextAreaElement).value;
    const allowedOrigins = text
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    await this.attempt(async () => {
      const { settings } = await api("PUT", "/settings", { allowedOrigins });
      state.settings = settings;
      state.changed();
    });
  }
}
