/** Settings → My sessions: where this operator is logged in, and ending any of those sessions. */
import { html } from "lit";
import { customElement, state as litState } from "lit/decorators.js";
import type { OperatorSession } from "../../../worker/protocol";
import { SESSION_ENDED, api } from "../api";
import { fullTime } from "../format";
import { t } from "../i18n";
import { Screen } from "./screen";

/** "Chrome 131 · Windows", or null when the User-Agent said nothing useful. */
function device(s: OperatorSession): string | null {
  return [s.device.browser, s.device.os].filter(Boolean).join(" · ") || null;
}

@customElement("ec-settings-account")
export class EcSettingsAccount extends Screen {
  @litState() private sessions: OperatorSession[] = [];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    this.sessions = (await api("GET", "/sessions")).sessions;
  }

  override render() {
    return html`<h2>${t("settings.account.title")}</h2>
      <div class="card"><table>
        <thead><tr><th>${t("settings.account.device")}</th><th>${t("settings.account.lastSeen")}</th><th></th></tr></thead>
        <tbody>${this.sessions.map(
          (s) => html`<tr>
          <td title=${s.userAgent ?? ""}>${device(s) ?? t("settings.account.unknownDevice")}${s.ip ? html`<br><span class="muted">${s.ip}</span>` : ""}
            ${s.current ? html`<br><span class="badge soft">${t("settings.account.current")}</span>` : ""}</td>
          <td>${fullTime(s.lastSeen)}</td>
          <td><button class="danger" @click=${() => this.end(s)}>${t("settings.account.end")}</button></td>
        </tr>`,
        )}</tbody>
      </table></div>`;
  }

  private async end(s: OperatorSession): Promise<void> {
    await api("DELETE", `/sessions/${s.id}`);
    if (s.current) window.dispatchEvent(new Event(SESSION_ENDED));
    else await this.load();
  }
}
