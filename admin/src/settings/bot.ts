/**
 * Settings → Bot: the bot's settings and scenario (JSON, checked by the server, which names
 * the step or field at fault), the knowledge base (entries, CSV/JSON import and export)
 * and a "try it" box that shows the top matches with their scores against the threshold.
 */
import { html } from "lit";
import { customElement, state as litState } from "lit/decorators.js";
import type { FaqMatchView, KbEntry } from "../../../worker/protocol";
import { api, ApiFailure } from "../api";
import { t } from "../i18n";
import { Screen, valuesOf } from "./screen";

@customElement("ec-settings-bot")
export class EcSettingsBot extends Screen {
  @litState() private entries: KbEntry[] = [];
  @litState() private settingsText = "";
  @litState() private scenarioText = "";
  @litState() private tried: { matches: FaqMatchView[]; threshold: number } | null = null;
  @litState() private importNote = "";

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    const [kb, settings, scenario] = await Promise.all([
      api("GET", "/bot/kb"),
      api("GET", "/bot/settings"),
      api("GET", "/bot/scenario"),
    ]);
    this.entries = kb.entries;
    this.settingsText = JSON.stringify(settings.settings, null, 2);
    this.scenarioText = scenario.scenario ? JSON.stringify(scenario.scenario, null, 2) : "";
  }

  override render() {
    return html`<h2>${t("settings.bot.title")}</h2>
      <p class="muted">${t("settings.bot.intro")}</p>
      ${this.tryBox()}
      <div class="card"><h3>${t("settings.bot.kb")} (${this.entries.length})</h3>
        <table><tbody>${this.entries.map(
          (e) => html`<tr>
          <td><span class="muted">${e.lang}</span> ${e.questions.join(" · ")}</td>
          <td style="white-space:pre-wrap">${e.answer}</td>
          <td><button class="danger" @click=${() => this.removeEntry(e)}>${t("settings.delete")}</button></td></tr>`,
        )}</tbody></table>
        ${this.entryForm()}
        <p class="row"><a href="/api/v1/admin/bot/kb/export?format=csv" download>${t("settings.bot.exportCsv")}</a>
          <a href="/api/v1/admin/bot/kb/export?format=json" download>${t("settings.bot.exportJson")}</a></p>
        <label for="import">${t("settings.bot.import")}</label>
        <input id="import" type="file" accept=".csv,.json,text/csv,application/json" @change=${this.importFile}>
        <p role="status">${this.importNote}</p></div>
      ${this.jsonForm("settings", this.settingsText, "/bot/settings")}
      ${this.jsonForm("scenario", this.scenarioText, "/bot/scenario")}`;
  }

  private tryBox() {
    const tried = this.tried;
    return html`<form @submit=${this.tryIt}><label for="question">${t("settings.bot.try")}</label>
      <div class="row"><input id="question" name="question" maxlength="1000"><button class="primary">${t("settings.bot.tryButton")}</button></div>
      ${
        tried
          ? html`<ol class="matches">${tried.matches.map(
              (m) => html`<li>
        <strong>${m.confidence >= tried.threshold ? t("settings.bot.answers") : t("settings.bot.silent")}</strong>
        ${m.question} — <span class="muted">${t("settings.bot.score", { confidence: m.confidence.toFixed(2), score: m.score.toFixed(2) })}</span></li>`,
            )}
        ${tried.matches.length ? "" : html`<li>${t("settings.bot.noMatch")}</li>`}</ol>`
          : ""
      }</form>`;
  }

  private entryForm() {
    return html`<form @submit=${this.addEntry} novalidate>
      <label for="questions">${t("settings.bot.questions")}</label><textarea id="questions" name="questions" rows="3"></textarea>
      <label for="answer">${t("settings.bot.answer")}</label><textarea id="answer" name="answer" rows="3"></textarea>
      <div class="two"><div>${this.input("tags", t("settings.bot.tags"), "")}</div>
        <div><label for="lang">${t("settings.bot.lang")}</label><select id="lang" name="lang"><option>ru</option><option>en</option></select></div></div>
      <div class="actions"><button class="primary" ?disabled=${this.busy}>${t("settings.bot.add")}</button>${this.status()}</div></form>`;
  }

  private jsonForm(what: "settings" | "scenario", text: string, path: string) {
    return html`<form @submit=${(e: SubmitEvent) => this.saveJson(e, path)}>
      <label for=${what}>${t(`settings.bot.${what}`)}</label>
      <textarea id=${what} name="json" rows="12" .value=${text} spellcheck="false"></textarea>
      <div class="actions"><button class="primary" ?disabled=${this.busy}>${t("settings.save")}</button>${this.status()}</div></form>`;
  }

  private async tryIt(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const { question = "" } = valuesOf(e.target as HTMLFormElement);
    if (question.trim()) this.tried = await api("POST", "/bot/kb/try", { question });
  }

  private async addEntry(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const v = valuesOf(e.target as HTMLFormElement);
    const body = {
      questions: lines(v.questions),
      answer: v.answer ?? "",
      tags: (v.tags ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
      lang: v.lang,
    };
    if (
      await this.attempt(
        () => api("POST", "/bot/kb", body),
        (p) => ["answer", "tags"].includes(p),
      )
    ) {
      (e.target as HTMLFormElement).reset();
      await this.load();
    }
  }

  private async removeEntry(entry: KbEntry): Promise<void> {
    if (!confirm(t("settings.bot.confirmDelete"))) return;
    await api("DELETE", `/bot/kb/${entry.id}`);
    await this.load();
  }

  private async importFile(e: Event): Promise<void> {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    const csv = /\.csv$/i.test(file.name) || file.type === "text/csv";
    const res = await fetch(`/api/v1/admin/bot/kb/import?format=${csv ? "csv" : "json"}`, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": csv ? "text/csv" : "application/json" },
      body: await file.text(),
    });
    const json = await res.json().catch(() => null);
    this.importNote = res.ok
      ? t("settings.bot.imported", { count: String(json.imported) })
      : (json?.error?.message ?? res.statusText);
    if (res.ok) await this.load();
  }

  private async saveJson(e: SubmitEvent, path: string): Promise<void> {
    e.preventDefault();
    const { json = "" } = valuesOf(e.target as HTMLFormElement);
    await this.attempt(
      async () => {
        let body: unknown;
        try {
          body = JSON.parse(json);
        } catch {
          throw new ApiFailure(400, "bad_json", t("settings.bot.badJson"));
        }
        await api("PUT", path, body);
      },
      () => false,
    );
  }
}

function lines(text: string | undefined): string[] {
  return (text ?? "")
    .split("\n")
    .map((s) => s.trim())
    .filter(Boolean);
}

declare global {
  interface HTMLElementTagNameMap {
    "ec-settings-bot": EcSettingsBot;
  }
}
