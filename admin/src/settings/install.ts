/**
 * Settings → Install: the snippet for this site, the WordPress plugin, and a live check —
 * where the widget was seen working ("on https://shop.example 2 minutes ago") and where it
 * was refused, each refused address with a one-click "Allow".
 */
import { html, nothing } from "lit";
import { customElement, state as litState } from "lit/decorators.js";
import { api } from "../api";
import { state } from "../app-state";
import { duration } from "../format";
import { t } from "../i18n";
import { Screen } from "./screen";

interface OriginSeen {
  origin: string;
  lastAt: number;
  count: number;
}

interface InstallReport {
  siteKey: string;
  seen: OriginSeen[];
  refused: OriginSeen[];
}

@customElement("ec-settings-install")
export class EcSettingsInstall extends Screen {
  @litState() private report: InstallReport | null = null;
  @litState() private copied = false;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  override render() {
    const r = this.report;
    if (!r)
      return html`<h2>${t("settings.install.title")}</h2><p class="muted">${this.message ?? t("app.loading")}</p>`;
    const snippet = `<script src="${location.origin}/widget.js" data-site="${r.siteKey}" async></script>`;
    return html`<h2>${t("settings.install.title")}</h2>
      <div class="card">
        <h3>${t("settings.install.snippetTitle")}</h3>
        <p>${t("settings.install.snippetIntro")}</p>
        <pre id="snippet">${snippet}</pre>
        <div class="actions"><button @click=${() => this.copy(snippet)}>${this.copied ? t("settings.identity.copied") : t("settings.identity.copy")}</button></div>
        <h3>${t("settings.install.wordpressTitle")}</h3>
        <p>${t("settings.install.wordpressIntro", { server: location.origin, key: r.siteKey })}</p>
        <p><a id="wordpress" href="/downloads/edgechat-wordpress.zip" download>${t("settings.install.wordpressLink")}</a></p>
      </div>
      <div class="card" aria-live="polite">
        <h3>${t("settings.install.checkTitle")}</h3>
        ${
          r.seen.length
            ? html`<ul id="seen">${r.seen.map((o) => html`<li>${t("settings.install.seenOn", { origin: o.origin, ago: this.ago(o.lastAt) })}</li>`)}</ul>`
            : html`<p id="seen" class="muted">${t("settings.install.notSeen")}</p>`
        }
        ${
          r.refused.length
            ? html`<h3>${t("settings.install.refusedTitle")}</h3>
          <p class="muted">${t("settings.install.refusedIntro")}</p>
          <ul id="refused">${r.refused.map(
            (o) => html`<li class="row"><code>${o.origin}</code>
            <span class="muted">${t("settings.install.refusedAgo", { ago: this.ago(o.lastAt) })}</span>
            <button ?disabled=${this.busy} @click=${() => this.allow(o.origin)} aria-label=${t("settings.install.allowOrigin", { origin: o.origin })}>${t("settings.install.allow")}</button></li>`,
          )}</ul>`
            : nothing
        }
        <div class="actions"><button @click=${this.load}>${t("settings.install.refresh")}</button>${this.status()}</div>
      </div>`;
  }

  /** "2 min ago", or "just now" under a minute. */
  private ago(at: number): string {
    const ms = Date.now() - at;
    return ms < 60_000 ? t("settings.install.justNow") : t("settings.install.ago", { time: duration(ms) });
  }

  private load = async (): Promise<void> => {
    try {
      this.report = await api("GET", "/install");
    } catch (err) {
      this.message = (err as Error).message;
    }
  };

  private async allow(origin: string): Promise<void> {
    await this.attempt(async () => {
      const { settings } = await api("POST", "/install/allow", { origin });
      state.settings = settings;
      state.changed();
      await this.load();
    });
  }

  private async copy(text: string): Promise<void> {
    await navigator.clipboard?.writeText(text).catch(() => {});
    this.copied = true;
  }
}
