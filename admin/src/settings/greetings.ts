/**
 * Settings → Greetings: proactive greetings the widget shows beside the launcher when a
 * rule matches the page view (page patterns, seconds on the page, new or returning visitor,
 * cart total, the auto-reply schedule's hours), once per visitor per period and never again
 * after a dismissal; with each rule's counts of the last 30 days (shown, replied, dismissed).
 */
import { html, nothing } from "lit";
import { customElement, state as litState } from "lit/decorators.js";
import type { EngageCount, GreetingRule } from "../../../worker/protocol";
import { api } from "../api";
import { state } from "../app-state";
import { t } from "../i18n";
import { fieldError, invalid } from "../ui/fields";
import { Screen } from "./screen";

const T = (key: string, params?: Record<string, string | number>) => t(`settings.greetings.${key}`, params);

function blankRule(n: number): GreetingRule {
  return {
    id: `greeting-${n}`,
    enabled: true,
    text: { en: "", ru: "" },
    pages: [],
    delaySeconds: 10,
    visitors: "all",
    minCart: 0,
    schedule: "any",
    periodHours: 24,
  };
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

@customElement("ec-settings-greetings")
export class EcSettingsGreetings extends Screen {
  @litState() private rules: GreetingRule[] | null = null;
  @litState() private counts = new Map<string, EngageCount>();

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    const [{ rules }, { counts }] = await Promise.all([
      api("GET", "/greetings"),
      api("GET", `/greetings/counts?from=${day(Date.now() - 30 * 86_400_000)}&to=${day(Date.now() + 86_400_000)}`),
    ]);
    this.rules = rules;
    this.counts = new Map((counts as EngageCount[]).map((c) => [c.id, c]));
  }

  override render() {
    const rules = this.rules;
    if (!rules) return html`<p class="muted">${t("app.loading")}</p>`;
    const readOnly = !state.canManage;
    return html`<h2>${T("title")}</h2>
      <p class="muted">${T("intro")}</p>
      <form @submit=${this.save} novalidate>
        <fieldset ?disabled=${readOnly} style="border:0;padding:0;margin:0">
        ${rules.length === 0 ? html`<p class="muted">${T("none")}</p>` : nothing}
        ${rules.map((r, i) => this.rule(r, i))}
        <button type="button" @click=${this.add}>${T("add")}</button>
        <div class="actions"><button class="primary" ?disabled=${this.busy}>${t("settings.save")}</button>${this.status()}</div>
        </fieldset>
      </form>`;
  }

  private rule(r: GreetingRule, i: number) {
    const p = (field: string) => `rules.${i}.${field}`;
    const c = this.counts.get(r.id);
    const set = (change: Partial<GreetingRule>) => {
      this.rules = this.rules!.map((x, j) => (j === i ? { ...x, ...change } : x));
    };
    return html`<section class="card" aria-labelledby=${`rule-${i}`}>
      <h3 id=${`rule-${i}`}>${T("rule", { n: i + 1 })}
        <span class="muted">${T("counts", { shown: c?.shown ?? 0, replied: c?.replied ?? 0, dismissed: c?.dismissed ?? 0 })}</span></h3>
      <label class="inline"><input type="checkbox" .checked=${r.enabled} @change=${(e: Event) => set({ enabled: (e.target as HTMLInputElement).checked })}>
        ${T("enabled")}</label>
      <div class="two">
        <div>${this.area(p("text.en"), T("textEn"), r.text.en, (v) => set({ text: { ...r.text, en: v } }))}</div>
        <div>${this.area(p("text.ru"), T("textRu"), r.text.ru, (v) => set({ text: { ...r.text, ru: v } }))}</div>
      </div>
      ${this.area(
        p("pages"),
        T("pages"),
        r.pages.join("\n"),
        (v) =>
          set({
            pages: v
              .split("\n")
              .map((x) => x.trim())
              .filter(Boolean),
          }),
        T("pagesHint"),
      )}
      <div class="two">
        <div>${this.number(p("delaySeconds"), T("delay"), r.delaySeconds, (n) => set({ delaySeconds: n }))}</div>
        <div>${this.number(p("periodHours"), T("period"), r.periodHours, (n) => set({ periodHours: n }))}</div>
        <div>${this.choice(p("visitors"), T("visitors"), r.visitors, ["all", "new", "returning"], (v) => set({ visitors: v as GreetingRule["visitors"] }))}</div>
        <div>${this.choice(p("schedule"), T("schedule"), r.schedule, ["any", "open", "closed"], (v) => set({ schedule: v as GreetingRule["schedule"] }))}</div>
        <div>${this.number(p("minCart"), T("minCart"), r.minCart, (n) => set({ minCart: n }), T("minCartHint"))}</div>
      </div>
      <button type="button" class="danger" @click=${() => (this.rules = this.rules!.filter((_, j) => j !== i))}>${t("settings.delete")}</button>
    </section>`;
  }

  private area(path: string, label: string, value: string, set: (v: string) => void, hint?: string) {
    const a = invalid(this.errors, path);
    return html`<label for=${path}>${label}</label>
      <textarea id=${path} rows="2" maxlength="6000" dir="auto" .value=${value} aria-invalid=${a.invalid} aria-describedby=${a.describedBy}
        @input=${(e: Event) => set((e.target as HTMLTextAreaElement).value)}></textarea>
      ${hint ? html`<p class="hint">${hint}</p>` : nothing}${fieldError(this.errors, path)}`;
  }

  private number(path: string, label: string, value: number, set: (n: number) => void, hint?: string) {
    const a = invalid(this.errors, path);
    return html`<label for=${path}>${label}</label>
      <input id=${path} type="number" .value=${String(value)} aria-invalid=${a.invalid} aria-describedby=${a.describedBy}
        @change=${(e: Event) => set(Number((e.target as HTMLInputElement).value))}>
      ${hint ? html`<p class="hint">${hint}</p>` : nothing}${fieldError(this.errors, path)}`;
  }

  private choice(path: string, label: string, value: string, options: string[], set: (v: string) => void) {
    return html`<label for=${path}>${label}</label>
      <select id=${path} @change=${(e: Event) => set((e.target as HTMLSelectElement).value)}>
        ${options.map((o) => html`<option value=${o} ?selected=${o === value}>${T(`${path.split(".").pop()}_${o}`)}</option>`)}
      </select>${fieldError(this.errors, path)}`;
  }

  private add(): void {
    const used = new Set(this.rules!.map((r) => r.id));
    let n = this.rules!.length + 1;
    while (used.has(`greeting-${n}`)) n++;
    this.rules = [...this.rules!, blankRule(n)];
  }

  private async save(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    await this.attempt(async () => {
      const { rules } = await api("PUT", "/greetings", { rules: this.rules });
      this.rules = rules;
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "ec-settings-greetings": EcSettingsGreetings;
  }
}
