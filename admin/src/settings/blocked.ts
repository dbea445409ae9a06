/** Settings → Blocked visitors: blocks in force (by visitor id or address), who set them and why, with "Unblock". */
import { html } from "lit";
import { customElement, state as litState } from "lit/decorators.js";
import type { BlockedEntry } from "../../../worker/protocol";
import { api } from "../api";
import { fullTime } from "../format";
import { t } from "../i18n";
import { Screen } from "./screen";

const T = (key: string, params?: Record<string, string>) => t(`settings.blocked.${key}`, params);

@customElement("ec-settings-blocked")
export class EcSettingsBlocked extends Screen {
  @litState() private blocks: BlockedEntry[] | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    this.blocks = (await api("GET", "/blocks")).blocks;
  }

  override render() {
    const blocks = this.blocks;
    if (!blocks) return html`<p class="muted">${t("app.loading")}</p>`;
    return html`<h2>${T("title")}</h2>
      <p class="muted">${T("intro")}</p>
      <div class="card">${
        blocks.length === 0
          ? html`<p class="muted">${T("none")}</p>`
          : html`<table><thead><tr><th>${T("who")}</th><th>${T("until")}</th><th>${T("reason")}</th><th></th></tr></thead><tbody>
        ${blocks.map(
          (b) => html`<tr><td>${T(b.kind, { id: b.visitorId.slice(-4) })}</td><td>${fullTime(b.until)}</td>
            <td>${b.reason || "—"}<br><span class="muted">${b.by}</span></td>
            <td><button @click=${() => this.unblock(b)}>${T("unblock")}</button></td></tr>`,
        )}</tbody></table>`
      }${this.status()}</div>`;
  }

  private async unblock(b: BlockedEntry): Promise<void> {
    await this.attempt(async () => {
      await api("DELETE", `/blocks/${b.id}`);
      await this.load();
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "ec-settings-blocked": EcSettingsBlocked;
  }
}
