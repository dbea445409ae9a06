/**
 * Charts of the Reports screen: an SVG of bars (or a line for a series over days) with a
 * spoken summary, and the same numbers as a table behind a toggle, for screen readers and
 * for anyone who prefers numbers. Values are drawn as text nodes only.
 */
import { LitElement, css, html, nothing, svg } from "lit";
import { customElement, property, state as litState } from "lit/decorators.js";
import { Localized, t } from "../i18n";
import { base } from "../ui/styles";

export interface ChartPoint {
  label: string;
  value: number;
}

const W = 600;
const H = 160;

/** A bar or line chart with a table view and a CSV link. */
@customElement("ec-report-chart")
export class EcReportChart extends LitElement {
  static override styles = [
    base,
    css`
    :host { display: block; }
    header { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
    h3 { margin: 0; font-size: 15px; flex: 1; }
    svg { width: 100%; height: auto; display: block; margin-top: 8px; }
    rect { fill: var(--ec-accent, #2563eb); }
    polyline { fill: none; stroke: var(--ec-accent, #2563eb); stroke-width: 2; }
    line.axis { stroke: var(--ec-border); }
    text { font-size: 11px; fill: var(--ec-muted, #666); }
    table { margin-top: 8px; }
  `,
  ];

  @property() heading = "";
  @property() kind: "bar" | "line" = "bar";
  @property({ attribute: false }) points: ChartPoint[] = [];
  @property() valueHeading = "";
  @property() labelHeading = "";
  @property() csv = "";
  @litState() private table = false;

  constructor() {
    super();
    new Localized(this);
  }

  private summary(): string {
    const total = this.points.reduce((s, p) => s + p.value, 0);
    const top = this.points.reduce<ChartPoint | null>((m, p) => (m === null || p.value > m.value ? p : m), null);
    return t("settings.reports.chartSummary", {
      title: this.heading,
      max: top?.value ?? 0,
      label: top?.label ?? "",
      total,
    });
  }

  private chart() {
    const n = Math.max(1, this.points.length);
    const max = Math.max(1, ...this.points.map((p) => p.value));
    const y = (v: number) => H - 16 - (v / max) * (H - 28);
    const step = W / n;
    const every = Math.ceil(n / 12);
    const shapes =
      this.kind === "line"
        ? svg`<polyline points=${this.points.map((p, i) => `${(i + 0.5) * step},${y(p.value)}`).join(" ")}></polyline>`
        : this.points.map(
            (p, i) =>
              svg`<rect x=${i * step + step * 0.15} y=${y(p.value)} width=${step * 0.7} height=${H - 16 - y(p.value)}><title>${p.label}: ${p.value}</title></rect>`,
          );
    return html`<svg viewBox="0 0 ${W} ${H}" role="img" aria-label=${this.summary()}>
      <line class="axis" x1="0" x2=${W} y1=${H - 16} y2=${H - 16}></line>
      ${shapes}
      ${this.points.map((p, i) => (i % every === 0 ? svg`<text x=${(i + 0.5) * step} y=${H - 2} text-anchor="middle">${p.label}</text>` : nothing))}
      <text x="2" y="10">${max}</text>
    </svg>`;
  }

  override render() {
    return html`<header>
        <h3>${this.heading}</h3>
        <button type="button" aria-pressed=${this.table ? "true" : "false"} @click=${() => (this.table = !this.table)}>
          ${this.table ? t("settings.reports.asChart") : t("settings.reports.asTable")}</button>
        ${this.csv ? html`<a href=${this.csv} download>${t("settings.reports.csv")}</a>` : nothing}
      </header>
      ${
        this.table
          ? html`<table><caption class="sr-only">${this.heading}</caption>
            <thead><tr><th scope="col">${this.labelHeading}</th><th scope="col">${this.valueHeading}</th></tr></thead>
            <tbody>${this.points.map((p) => html`<tr><th scope="row">${p.label}</th><td>${p.value}</td></tr>`)}</tbody></table>`
          : this.chart()
      }`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "ec-report-chart": EcReportChart;
  }
}
