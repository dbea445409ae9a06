/** Settings → Ratings: how the widget and the rating email ask visitors to rate a resolved conversation. */
import { html } from "lit";
import { customElement } from "lit/decorators.js";
import { api } from "../api";
import { state } from "../app-state";
import { t } from "../i18n";
import { Screen } from "./screen";

@customElement("ec-settings-rating")
export class EcSettingsRating extends Screen {
  override render() {
    const s = state.settings;
    if (!s) return html`<p class="muted">${t("app.loading")}</p>`;
    const scale = s.rating?.scale ?? "five";
    return html`<h2>${t("settings.rating.title")}</h2>
      <form @submit=${this.save} novalidate>
        <p class="muted">${t("settings.rating.intro")}</p>
        <fieldset><legend>${t("settings.rating.scale")}</legend>
          <label><input type="radio" name="scale" value="five" .checked=${scale === "five"}> ${t("settings.rating.five")}</label>
          <label><input type="radio" name="scale" value="thumbs" .checked=${scale === "thumbs"}> ${t("settings.rating.thumbs")}</label>
        </fieldset>
        <div class="actions"><button class="primary" ?disabled=${this.busy}>${t("settings.save")}</button>${this.status()}</div>
      </form>`;
  }

  private async save(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const picked = this.renderRoot.querySelector<HTMLInputElement>("input[name=scale]:checked");
    await this.attempt(async () => {
      const { settings } = await api("PUT", "/settings", { rating: { scale: picked?.value ?? "five" } });
      state.settings = settings;
      state.changed();
    });
  }
}
