/** Settings → Audit log (owner only): who changed which setting, and when. */
import { html, nothing } from "lit";
import { customElement, state as litState } from "lit/decorators.js";
import type { AuditEntry } from "../../../worker/protocol";
import { api } from "../api";
import { fullTime } from "../format";
import { t } from "../i18n";
import { Screen } from "./screen";

/** A changed value, short: strings as they are, the rest as JSON. */
function show(v: unknown): string {
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

function isChange(v: unknown): v is { from: unknown; to: unknown } {
  return typeof v === "object" && v !== null && "from" in v && "to" in v;
}

@customElement("ec-settings-audit")
export class EcSettingsAudit extends Screen {
  @litState() private entries: AuditEntry[] = [];
  @litState() private more = false;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(before?: number): Promise<void> {
    const { entries } = await api("GET", `/audit${before ? `?before=${before}` : ""}`);
    this.entries = before ? [...this.entries, ...entries] : entries;
    this.more = entries.length === 50;
  }

  override render() {
    return html`<h2>${t("settings.audit.title")}</h2>
      <div class="card"><table>
        <thead><tr><th>${t("settings.audit.when")}</th><th>${t("settings.audit.who")}</th><th>${t("settings.audit.what")}</th></tr></thead>
        <tbody>${this.entries.map(
          (e) => html`<tr>
          <td>${fullTime(e.at)}</td><td>${e.actor.name}</td>
          <td><strong>${t(`settings.audit.actions.${e.action}`) === `settings.audit.actions.${e.action}` ? e.action : t(`settings.audit.actions.${e.action}`)}</strong>
            ${e.target ? html` — ${e.target}` : nothing}
            ${
              e.details
                ? html`<ul>${Object.entries(e.details).map(
                    ([k, v]) =>
                      html`<li><code>${k}</code>: ${
                        isChange(v) ? html`${show(v.from)} → ${show(v.to)}` : show(v)
                      }</li>`,
                  )}</ul>`
                : nothing
            }</td>
        </tr>`,
        )}</tbody>
      </table>
      ${this.entries.length ? nothing : html`<p class="muted">${t("settings.audit.empty")}</p>`}
      ${this.more ? html`<button @click=${() => this.load(this.entries.at(-1)?.id)}>${t("settings.audit.more")}</button>` : nothing}</div>`;
  }
}
