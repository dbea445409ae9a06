/** Settings → Departments: departments and their operators, and automatic round-robin routing. */
import { html, nothing } from "lit";
import { customElement, state as litState } from "lit/decorators.js";
import type { Department, Routing } from "../../../worker/protocol";
import { api } from "../api";
import { state } from "../app-state";
import { t } from "../i18n";
import { fieldError } from "../ui/fields";
import { Screen, valuesOf } from "./screen";

@customElement("ec-settings-departments")
export class EcSettingsDepartments extends Screen {
  @litState() private routing: Routing | null = null;
  /** The department being edited; "new" for the create form. */
  @litState() private editing: string | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void state.refreshTeam();
    void api("GET", "/routing").then((r) => (this.routing = r.routing));
  }

  override render() {
    return html`<h2>${t("settings.departments.title")}</h2>
      ${this.routingForm()}
      <div class="card"><table><tbody>
        ${state.departments.map((d) =>
          this.editing === d.id
            ? html`<tr><td colspan="3">${this.form(d)}</td></tr>`
            : html`<tr>
          <td><strong>${d.name}</strong></td>
          <td class="muted">${d.operatorIds.map((id) => state.nameOf(id) ?? id).join(", ") || t("settings.departments.nobody")}</td>
          <td class="row"><button @click=${() => this.edit(d.id)}>${t("settings.edit")}</button>
            <button class="danger" @click=${() => this.removeRow(d)}>${t("settings.delete")}</button></td></tr>`,
        )}
      </tbody></table>
      ${this.editing === "new" ? this.form(null) : html`<button @click=${() => this.edit("new")}>${t("settings.departments.add")}</button>`}</div>`;
  }

  private routingForm() {
    const r = this.routing;
    if (!r) return nothing;
    return html`<form @submit=${this.saveRouting}>
      <h3>${t("settings.departments.routing")}</h3>
      <label class="inline"><input type="checkbox" name="auto" ?checked=${r.auto}> ${t("settings.departments.auto")}</label>
      <p class="hint">${t("settings.departments.autoHint")}</p>
      <label for="defaultDepartmentId">${t("settings.departments.default")}</label>
      <select id="defaultDepartmentId" name="defaultDepartmentId">
        <option value="">${t("settings.departments.everyone")}</option>
        ${state.departments.map((d) => html`<option value=${d.id} ?selected=${r.defaultDepartmentId === d.id}>${d.name}</option>`)}
      </select>${fieldError(this.errors, "defaultDepartmentId")}
      <div class="actions"><button class="primary">${t("settings.save")}</button>${this.editing ? nothing : this.status()}</div>
    </form>`;
  }

  private form(d: Department | null) {
    return html`<form @submit=${(e: SubmitEvent) => this.save(e, d)} novalidate>
      ${this.input("name", t("settings.departments.name"), d?.name ?? "", { max: 60 })}
      <fieldset><legend>${t("settings.departments.members")}</legend>
        ${state.team.map((o) => html`<label class="inline"><input type="checkbox" name="op" value=${o.id} ?checked=${d?.operatorIds.includes(o.id)}> ${o.name}</label>`)}
      </fieldset>${fieldError(this.errors, "operatorIds")}
      <div class="actions"><button class="primary" ?disabled=${this.busy}>${t("settings.save")}</button>
        <button type="button" @click=${() => this.edit(null)}>${t("settings.cancel")}</button>${this.status()}</div>
    </form>`;
  }

  private edit(id: string | null): void {
    this.editing = id;
    this.errors = {};
    this.message = null;
    this.saved = false;
  }

  private async save(e: SubmitEvent, d: Department | null): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const operatorIds = new FormData(form).getAll("op").map(String);
    const body = { name: valuesOf(form).name, operatorIds };
    const ok = await this.attempt(
      () => api(d ? "PUT" : "POST", d ? `/departments/${d.id}` : "/departments", body),
      (p) => p === "name" || p === "operatorIds",
    );
    if (ok) {
      this.editing = null;
      await state.refreshTeam();
    }
  }

  private async removeRow(d: Department): Promise<void> {
    if (!confirm(t("settings.departments.confirmDelete", { name: d.name }))) return;
    await api("DELETE", `/departments/${d.id}`);
    await state.refreshTeam();
  }

  private async saveRouting(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const v = valuesOf(form);
    await this.attempt(async () => {
      this.routing = (
        await api("PUT", "/routing", { auto: v.auto === "on", defaultDepartmentId: v.defaultDepartmentId || null })
      ).routing;
    });
  }
}
