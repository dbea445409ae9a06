/** Settings → Widget look and texts: the site's name, time zone and language, and how the widget looks and greets. */
import { html, nothing } from "lit";
import { customElement } from "lit/decorators.js";
import { api } from "../api";
import { state } from "../app-state";
import { t } from "../i18n";
import { fieldError, invalid } from "../ui/fields";
import { browserZone, zoneNames } from "./autoreply-model";
import { Screen, valuesOf } from "./screen";

@customElement("ec-settings-look")
export class EcSettingsLook extends Screen {
  override render() {
    const s = state.settings;
    if (!s) return html`<p class="muted">${t("app.loading")}</p>`;
    const look = s.look;
    return html`<h2>${t("settings.look.title")}</h2>
      <form @submit=${this.save} novalidate>
        <div class="two">
          <div>${this.input("name", t("settings.look.siteName"), s.name)}</div>
          <div>${this.zonePicker(s.timezone)}</div>
        </div>
        ${this.select("locale", t("settings.look.language"), s.locale, [
          ["en", "English"],
          ["ru", "Русский"],
        ])}
        <div class="two">
          <div>
            <label for="look.color">${t("settings.look.color")}</label>
            <div class="row"><input type="color" aria-label=${t("settings.look.color")} .value=${look.color}
              @input=${(e: Event) => ((this.renderRoot.querySelector("#look\\.color") as HTMLInputElement).value = (e.target as HTMLInputElement).value)}>
              <input id="look.color" name="look.color" class="grow" .value=${look.color} maxlength="7"
                aria-invalid=${invalid(this.errors, "look.color").invalid} aria-describedby=${invalid(this.errors, "look.color").describedBy}></div>
            ${fieldError(this.errors, "look.color")}
          </div>
          <div>${this.select("look.position", t("settings.look.position"), look.position, [
            ["right", t("settings.look.right")],
            ["left", t("settings.look.left")],
          ])}</div>
        </div>
        ${this.input("look.launcherText", t("settings.look.launcherText"), look.launcherText, { max: 40 })}
        ${this.input("look.teamName", t("settings.look.teamName"), look.teamName, { max: 80 })}
        <label for="look.greeting">${t("settings.look.greeting")}</label>
        <textarea id="look.greeting" name="look.greeting" rows="3" maxlength="500" .value=${look.greeting}
          aria-invalid=${invalid(this.errors, "look.greeting").invalid}></textarea>
        ${fieldError(this.errors, "look.greeting")}
        ${this.input("look.avatarUrl", t("settings.look.avatarUrl"), look.avatarUrl, { type: "url", max: 2000 })}
        <fieldset><legend>${t("settings.look.perLanguage")}</legend>
          <p class="hint">${t("settings.look.perLanguageHint")}</p>
          ${(["en", "ru"] as const).map(
            (lang) => html`<div class="two">
              <div>${this.input(`look.texts.${lang}.teamName`, t(`settings.look.teamName_${lang}`), look.texts?.[lang]?.teamName ?? "", { max: 80 })}</div>
              <div>${this.input(`look.texts.${lang}.greeting`, t(`settings.look.greeting_${lang}`), look.texts?.[lang]?.greeting ?? "", { max: 500 })}</div>
            </div>`,
          )}
        </fieldset>
        <p class="hint" id="applies">${t("settings.look.applies")}</p>
        <div class="actions"><button class="primary" ?disabled=${this.busy}>${t("settings.save")}</button>${this.status()}</div>
      </form>`;
  }

  /** A searchable list of the IANA zones this browser knows, and a shortcut to the browser's own. */
  private zonePicker(value: string) {
    const a = invalid(this.errors, "timezone");
    const mine = browserZone();
    return html`<label for="timezone">${t("settings.look.timezone")}</label>
      <input id="timezone" name="timezone" list="zone-names" autocomplete="off" spellcheck="false" maxlength="64" .value=${value}
        aria-invalid=${a.invalid} aria-describedby=${a.describedBy}>
      <datalist id="zone-names">${zoneNames().map((z) => html`<option value=${z}></option>`)}</datalist>
      ${
        mine !== value
          ? html`<button type="button" class="link" id="browser-zone" @click=${() => {
              (this.renderRoot.querySelector("#timezone") as HTMLInputElement).value = mine;
            }}>${t("settings.look.useBrowserZone", { zone: mine })}</button>`
          : nothing
      }
      <p class="hint">${t("settings.look.timezoneHint")}</p>${fieldError(this.errors, "timezone")}`;
  }

  private select(path: string, label: string, value: string, options: Array<[string, string]>) {
    return html`<label for=${path}>${label}</label>
      <select id=${path} name=${path}>${options.map(([v, text]) => html`<option value=${v} ?selected=${v === value}>${text}</option>`)}</select>
      ${fieldError(this.errors, path)}`;
  }

  private async save(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const v = valuesOf(e.target as HTMLFormElement);
    const look: Record<string, unknown> = Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => k.startsWith("look.") && !k.startsWith("look.texts."))
        .map(([k, x]) => [k.slice(5), x]),
    );
    // look.texts.ru.greeting → {texts: {ru: {greeting}}}
    const texts: Record<string, Record<string, string>> = {};
    for (const [k, x] of Object.entries(v)) {
      const [, , lang, field] = k.split(".");
      if (k.startsWith("look.texts.") && lang && field) (texts[lang] ??= {})[field] = x;
    }
    look.texts = texts;
    await this.attempt(async () => {
      const { settings } = await api("PUT", "/settings", {
        name: v.name,
        timezone: v.timezone,
        locale: v.locale,
        look,
      });
      state.settings = settings;
      state.changed();
    });
  }
}
