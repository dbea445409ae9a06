/**
 * Settings → Appointments: the booked video consultations coming up (visitor, time in the
 * site's zone, the product they asked about, a link to the conversation, cancel), and for
 * owners and admins the consultation hours (the auto-replies' schedule editor) and slot length.
 */
import { css, html, nothing } from "lit";
import { customElement, state as litState } from "lit/decorators.js";
import type { ProductContext } from "../../../worker/protocol";
import { api } from "../api";
import { state } from "../app-state";
import { t } from "../i18n";
import type { Editing, Schedule } from "./autoreply-model";
import { scheduleEditor } from "./schedule-editor";
import { Screen } from "./screen";

interface Appointment {
  id: string;
  start: number;
  end: number;
  email: string;
  name: string | null;
  conversationId: string | null;
  timezone: string | null;
  product: ProductContext | null;
}
interface Settings {
  enabled: boolean;
  hours: Schedule;
  slotMinutes: number;
}

const T = (key: string, params?: Record<string, string | number>) => t(`settings.appointments.${key}`, params);

@customElement("ec-settings-appointments")
export class EcSettingsAppointments extends Screen {
  static override styles = [
    ...Screen.styles,
    css`
      table { width: 100%; border-collapse: collapse; }
      th, td { text-align: start; padding: 8px 6px; border-top: 1px solid var(--ec-border); vertical-align: top; }
      .product { display: flex; gap: 8px; align-items: center; }
      .product img { width: 40px; height: 40px; object-fit: cover; border-radius: 6px; }
      fieldset.plain { border: 0; margin: 0; padding: 0; min-width: 0; }
      .day { display: grid; grid-template-columns: 120px 1fr; gap: 8px; padding: 8px 0; border-top: 1px solid var(--ec-border); }
      .day-name { font-weight: 600; padding-top: 6px; }
      .intervals { display: flex; flex-direction: column; gap: 6px; align-items: flex-start; }
      .interval { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
      .interval input[type="time"] { width: 120px; }
      .interval .remove { border: 0; background: none; min-height: 0; padding: 4px 8px; }
      .cell { display: inline-flex; flex-direction: column; min-width: 0; }
      .exception { border-top: 1px solid var(--ec-border); padding: 8px 0; }
      .exception-head { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: flex-end; }
      @media (max-width: 600px) { .day { grid-template-columns: 1fr; gap: 2px; } }
    `,
  ];

  @litState() private list: Appointment[] | null = null;
  @litState() private draft: Settings | null = null;
  @litState() private listError = "";

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.list = (await api<{ appointments: Appointment[] }>("GET", "/appointments")).appointments;
      const { settings } = await api<{ settings: Settings | null }>("GET", "/appointments/settings");
      const zone = state.settings?.timezone ?? "UTC";
      this.draft = settings ?? {
        enabled: false,
        slotMinutes: 30,
        hours: { timezone: zone, week: {}, exceptions: [] } as unknown as Schedule,
      };
    } catch (err) {
      this.listError = err instanceof Error ? err.message : String(err);
    }
  }

  override render() {
    const zone = this.draft?.hours.timezone ?? state.settings?.timezone ?? "UTC";
    return html`<h2>${T("title")}</h2>
      <p class="muted">${T("intro")}</p>
      <div class="card">
        <h3>${T("upcoming")}</h3>
        ${this.listError ? html`<p class="form-error" role="alert">${this.listError}</p>` : nothing}
        ${this.list === null ? html`<p class="muted">${t("app.loading")}</p>` : this.table(zone)}
      </div>
      ${state.canManage && this.draft ? this.settingsForm(this.draft) : nothing}`;
  }

  private table(zone: string) {
    if (!this.list?.length) return html`<p class="muted">${T("empty")}</p>`;
    const when = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short", timeZone: zone });
    return html`<table class="appointments">
      <thead><tr><th>${T("when", { zone })}</th><th>${T("visitor")}</th><th>${T("product")}</th><th></th></tr></thead>
      <tbody>${this.list.map(
        (a) => html`<tr data-appointment=${a.id}>
          <td>${when.format(a.start)}${a.timezone && a.timezone !== zone ? html`<div class="muted">${T("theirZone", { zone: a.timezone })}</div>` : nothing}</td>
          <td>${a.name ? html`<div>${a.name}</div>` : nothing}<div class="muted">${a.email}</div>
            ${a.conversationId ? html`<a href=${`/admin/c/${a.conversationId}`}>${T("conversation")}</a>` : nothing}</td>
          <td>${a.product ? this.product(a.product) : html`<span class="muted">—</span>`}</td>
          <td><button type="button" @click=${() => this.cancel(a)}>${T("cancel")}</button></td>
        </tr>`,
      )}</tbody></table>`;
  }

  private product(p: ProductContext) {
    const name = p.url ? html`<a href=${p.url} target="_blank" rel="noopener noreferrer">${p.name}</a>` : p.name;
    return html`<div class="product">${p.image ? html`<img src=${p.image} alt="" referrerpolicy="no-referrer">` : nothing}
      <div>${name}${p.price ? html`<div class="muted">${p.price}</div>` : nothing}</div></div>`;
  }

  private async cancel(a: Appointment): Promise<void> {
    if (!confirm(T("confirmCancel", { who: a.name ?? a.email }))) return;
    await this.attempt(async () => {
      await api("POST", `/appointments/${a.id}/cancel`);
      this.list = this.list?.filter((x) => x.id !== a.id) ?? null;
    });
  }

  private settingsForm(d: Settings) {
    const ed: Editing = {
      errors: this.errors,
      readOnly: false,
      changed: () => {
        this.saved = false;
        this.requestUpdate();
      },
      focusLater: () => {},
    };
    return html`<form @submit=${this.save} novalidate>
      <h3>${T("hours")}</h3>
      <label><input type="checkbox" id="appointments-enabled" .checked=${d.enabled}
        @change=${(e: Event) => (d.enabled = (e.target as HTMLInputElement).checked)}> ${T("enabled")}</label>
      <label for="slot-minutes">${T("slotMinutes")}</label>
      <input id="slot-minutes" type="number" min="10" max="240" step="5" .value=${String(d.slotMinutes)}
        @input=${(e: Event) => (d.slotMinutes = Number((e.target as HTMLInputElement).value))}>
      <fieldset class="plain">${scheduleEditor(ed, d.hours, state.settings?.timezone ?? null)}</fieldset>
      <div class="actions"><button class="primary" ?disabled=${this.busy}>${t("settings.save")}</button>${this.status()}</div>
    </form>`;
  }

  private async save(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const body = this.draft;
    if (!body) return;
    await this.attempt(async () => {
      const { settings } = await api<{ settings: Settings }>("PUT", "/appointments/settings", body);
      this.draft = settings;
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "ec-settings-appointments": EcSettingsAppointments;
  }
}
