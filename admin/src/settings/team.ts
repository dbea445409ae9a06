/**
 * Settings → Operators and roles: the team with roles and capacities, inviting by email,
 * pending invites. The owner's row and one's own role are not editable (the server refuses too).
 */
import { html, nothing } from "lit";
import { customElement, state as litState } from "lit/decorators.js";
import type { PendingInvite, TeamMember } from "../../../worker/protocol";
import { ApiFailure, api } from "../api";
import { state } from "../app-state";
import { shortTime } from "../format";
import { serverText, t } from "../i18n";
import { fieldError, invalid } from "../ui/fields";
import { Screen, valuesOf } from "./screen";

@customElement("ec-settings-team")
export class EcSettingsTeam extends Screen {
  @litState() private invites: PendingInvite[] = [];
  @litState() private rowError: { id: string; message: string } | null = null;
  @litState() private invited: string | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void state.refreshTeam();
    void this.loadInvites();
  }

  private async loadInvites(): Promise<void> {
    this.invites = (await api("GET", "/team/invites")).invites;
  }

  override render() {
    return html`<h2>${t("settings.team.title")}</h2>
      <div class="card"><table>
        <thead><tr><th>${t("settings.team.name")}</th><th>${t("settings.team.role")}</th><th>${t("settings.team.capacity")}</th><th></th></tr></thead>
        <tbody>${state.team.map((o) => this.row(o))}</tbody>
      </table></div>
      ${this.inviteForm()}
      ${
        this.invites.length
          ? html`<div class="card"><h3>${t("settings.team.pending")}</h3><table><tbody>
        ${this.invites.map(
          (i) => html`<tr><td>${i.email}</td><td>${t(`roles.${i.role}`)}</td>
          <td class="muted">${t("settings.team.expires", { when: shortTime(i.expiresAt) })}</td>
          <td><button class="danger" @click=${() => this.revoke(i)}>${t("settings.team.revoke")}</button></td></tr>`,
        )}
      </tbody></table></div>`
          : nothing
      }`;
  }

  private row(o: TeamMember) {
    const me = state.operator!;
    const locked = o.role === "owner" || o.id === me.id || (o.role === "admin" && me.role !== "owner");
    return html`<tr>
      <td><strong>${o.name}</strong> ${o.online ? html`<span class="ok" title=${t("settings.team.online")}>●</span>` : nothing}<br><span class="muted">${o.email}</span>
        ${this.rowError?.id === o.id ? html`<p class="field-error" role="alert">${this.rowError.message}</p>` : nothing}</td>
      <td>${
        locked
          ? t(`roles.${o.role}`)
          : html`<select aria-label=${t("settings.team.roleOf", { name: o.name })} @change=${(e: Event) => this.patch(o, { role: (e.target as HTMLSelectElement).value })}>
        ${(["admin", "operator"] as const).map((r) => html`<option value=${r} ?selected=${o.role === r}>${t(`roles.${r}`)}</option>`)}</select>`
      }</td>
      <td><input type="number" min="0" max="100" style="width:80px" .value=${String(o.capacity)} aria-label=${t("settings.team.capacityOf", { name: o.name })}
        @change=${(e: Event) => this.patch(o, { capacity: Number((e.target as HTMLInputElement).value) })}></td>
      <td>${locked ? nothing : html`<button class="danger" @click=${() => this.removeRow(o)}>${t("settings.team.remove")}</button>`}</td>
    </tr>`;
  }

  private inviteForm() {
    return html`<form @submit=${this.invite} novalidate>
      <h3>${t("settings.team.invite")}</h3>
      <div class="two">
        <div>${this.input("email", t("auth.email"), "", { type: "email", max: 254 })}</div>
        <div>${this.input("name", t("settings.team.nameOptional"), "", { max: 120 })}</div>
      </div>
      <label for="role">${t("settings.team.role")}</label>
      <select id="role" name="role" aria-invalid=${invalid(this.errors, "role").invalid} aria-describedby=${invalid(this.errors, "role").describedBy}>
        <option value="operator">${t("roles.operator")}</option>
        ${state.operator?.role === "owner" ? html`<option value="admin">${t("roles.admin")}</option>` : nothing}
      </select>${fieldError(this.errors, "role")}
      <div class="actions"><button class="primary" ?disabled=${this.busy}>${t("settings.team.send")}</button>
        ${this.status()}${this.invited ? html`<span class="ok" role="status">${t("settings.team.sent", { email: this.invited })}</span>` : nothing}</div>
    </form>`;
  }

  private async invite(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const v = valuesOf(form);
    this.invited = null;
    const ok = await this.attempt(
      () => api("POST", "/team/invites", { email: v.email, role: v.role, ...(v.name ? { name: v.name } : {}) }),
      (p) => p in v,
    );
    if (ok) {
      this.saved = false;
      this.invited = v.email!;
      form.reset();
      await this.loadInvites();
    }
  }

  private async patch(o: TeamMember, body: Record<string, unknown>): Promise<void> {
    this.rowError = null;
    try {
      await api("PATCH", `/team/${o.id}`, body);
    } catch (err) {
      this.rowError = {
        id: o.id,
        message:
          err instanceof ApiFailure ? serverText(Object.values(err.fields)[0] ?? err.message) : t("errors.unexpected"),
      };
    }
    await state.refreshTeam();
  }

  private async removeRow(o: TeamMember): Promise<void> {
    if (!confirm(t("settings.team.confirmRemove", { name: o.name }))) return;
    await api("DELETE", `/team/${o.id}`).catch(
      (err: ApiFailure) => (this.rowError = { id: o.id, message: serverText(err.message) }),
    );
    await state.refreshTeam();
  }

  private async revoke(i: PendingInvite): Promise<void> {
    await api("DELETE", `/team/invites/${i.id}`);
    await this.loadInvites();
  }
}
