/** Settings → Canned responses: saved answers operators insert with `/shortcut`. */
import { html } from "lit";
import { customElement, state as litState } from "lit/decorators.js";
import type { CannedResponse } from "../../../worker/protocol";
import { api } from "../api";
import { state } from "../app-state";
import { t } from "../i18n";
import { fieldError, invalid } from "../ui/fields";
import { Screen, valuesOf } from "./screen";

@customElement("ec-settings-canned")
export class EcSettingsCanned extends Screen {
  /** The response being edited; "new" for the create form. */
  @litState() private editing: string | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void state.refreshCanned();
  }

  override render() {
    return html`<h2>${t("settings.canned.title")}</h2>
      <p class="muted">${t("settings.canned.intro")}</p>
      <div class="card"><table><tbody>
        ${state.canned.map((c) =>
          this.editing === c.id
            ? html`<tr><td colspan="3">${this.form(c)}</td></tr>`
            : html`<tr>
          <td><code>/${c.shortcut}</code><br><span class="muted">${c.title}</span></td>
          <td style="white-space:pre-wrap">${c.text}</td>
          <td class="row"><button @click=${() => this.edit(c.id)}>${t("settings.edit")}</button>
            <button class="danger" @click=${() => this.removeRow(c)}>${t("settings.delete")}</button></td></tr>`,
        )}
      </tbody></table>
      ${this.editing === "new" ? this.form(null) : html`<button @click=${() => this.edit("new")}>${t("settings.canned.add")}</button>`}</div>`;
  }

  private form(c: CannedResponse | null) {
    const a = invalid(this.errors, "text");
    return html`<form @submit=${(e: SubmitEvent) => this.save(e, c)} novalidate>
      <div class="two">
        <div>${this.input("shortcut", t("settings.canned.shortcut"), c?.shortcut ?? "", { max: 32, hint: t("settings.canned.shortcutHint") })}</div>
        <div>${this.input("title", t("settings.canned.titleLabel"), c?.title ?? "", { max: 80 })}</div>
      </div>
      <label for="text">${t("settings.canned.text")}</label>
      <textarea id="text" name="text" rows="4" .value=${c?.text ?? ""} aria-invalid=${a.invalid} aria-describedby=${a.describedBy}></textarea>
      ${fieldError(this.errors, "text")}
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

  private async save(e: SubmitEvent, c: CannedResponse | null): Promise<void> {
    e.preventDefault();
    const v = valuesOf(e.target as HTMLFormElement);
    const ok = await this.attempt(
      () => api(c ? "PUT" : "POST", c ? `/canned/${c.id}` : "/canned", v),
      (p) => p in v,
    );
    if (ok) {
      this.editing = null;
      await state.refreshCanned();
    }
  }

  private async removeRow(c: CannedResponse): Promise<void> {
    if (!confirm(t("settings.canned.confirmDelete", { shortcut: c.shortcut }))) return;
    await api("DELETE", `/canned/${c.id}`);
    await state.refreshCanned();
  }
}
