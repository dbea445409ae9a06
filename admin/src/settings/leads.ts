/** Settings → Leads: the lead cards the bot filled, their delivery log, and the CSV export. */
import { html } from "lit";
import { customElement, state as litState } from "lit/decorators.js";
import type { Lead, LeadDelivery } from "../../../worker/protocol";
import { api } from "../api";
import { t } from "../i18n";
import { Screen } from "./screen";

@customElement("ec-settings-leads")
export class EcSettingsLeads extends Screen {
  @litState() private leads: Lead[] = [];
  @litState() private deliveries: LeadDelivery[] = [];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    const [leads, deliveries] = await Promise.all([api("GET", "/bot/leads"), api("GET", "/bot/deliveries")]);
    this.leads = leads.leads;
    this.deliveries = deliveries.deliveries;
  }

  override render() {
    return html`<h2>${t("settings.leads.title")}</h2>
      <p class="row"><a href="/api/v1/admin/bot/leads.csv" download>${t("settings.leads.export")}</a>
        <button @click=${() => this.load()}>${t("settings.leads.refresh")}</button></p>
      <div class="card"><table class="leads">
        <thead><tr><th>${t("settings.leads.when")}</th><th>${t("settings.leads.fields")}</th><th>${t("settings.leads.status")}</th></tr></thead>
        <tbody>${this.leads.map(
          (l) => html`<tr data-lead=${l.id}>
          <td>${new Date(l.createdAt).toLocaleString()}</td>
          <td>${Object.entries(l.fields).map(([k, v]) => html`<div><span class="muted">${k}:</span> ${v}</div>`)}
            ${l.enrichment?.name ? html`<div class="muted">Gravatar: ${l.enrichment.name}</div>` : ""}</td>
          <td>${t(`settings.leads.${l.status}`)} <a href=${`/admin/c/${l.conversationId}`}>${t("settings.leads.open")}</a></td></tr>`,
        )}
        ${this.leads.length ? "" : html`<tr><td colspan="3">${t("settings.leads.empty")}</td></tr>`}</tbody></table></div>
      <div class="card"><h3>${t("settings.leads.deliveries")}</h3><table><tbody>
        ${this.deliveries.map(
          (d) => html`<tr><td>${new Date(d.at).toLocaleString()}</td><td>${d.target}</td>
          <td>${d.status} (${d.attempts})</td><td class="muted">${d.lastError ?? ""}</td></tr>`,
        )}</tbody></table></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "ec-settings-leads": EcSettingsLeads;
  }
}
