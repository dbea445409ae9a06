/** Settings → Video calls: whether visitors and operators may call each other from the chat. */
import { html } from "lit";
import { customElement } from "lit/decorators.js";
import { api } from "../api";
import { state } from "../app-state";
import { t } from "../i18n";
import { Screen } from "./screen";

@customElement("ec-settings-video")
export class EcSettingsVideo extends Screen {
  override render() {
    const s = state.settings;
    if (!s) return html`<p class="muted">${t("app.loading")}</p>`;
    return html`<h2>${t("settings.video.title")}</h2>
      <form @submit=${this.save} novalidate>
        <p class="muted">${t("settings.video.intro")}</p>
        <label><input type="checkbox" id="video-enabled" .checked=${!!s.video?.enabled}> ${t("settings.video.enabled")}</label>
        <p class="hint">${t("settings.video.hint")}</p>
        <div class="actions"><button class="primary" ?disabled=${this.busy}>${t("settings.save")}</button>${this.status()}</div>
      </form>`;
  }

  private async save(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const enabled = (this.renderRoot.querySelector("#video-enabled") as HTMLInputElement).checked;
    await this.attempt(async () => {
      const { settings } = await api("PUT", "/settings", { video: { enabled } });
      state.settings = settings;
      state.changed();
    });
  }
}
