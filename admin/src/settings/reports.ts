/**
 * Reports (owner and admin): a period in the site's time zone, its headline figures against
 * the period just before (each with its definition on hover and focus), charts with a table
 * view and CSV downloads. Figures without a source yet say "no data yet". Definitions of
 * every figure: docs/metrics.md.
 */
import { css, html, nothing } from "lit";
import { customElement, state as litState } from "lit/decorators.js";
import { state } from "../app-state";
import { api } from "../api";
import { duration } from "../format";
import { locale, t } from "../i18n";
import type { ChartPoint } from "./reports-chart";
import "./reports-chart";
import { Screen } from "./screen";
import type { ConversionFigures } from "../../../worker/reports/conversion";
import type { BotFigures, Figures, GroupFigures, VideoFigures } from "../../../worker/reports/figures";

interface Report {
  period: { from: string; to: string; timeZone: string; previous: { from: string; to: string } };
  missedAfterMin: number;
  figures: Figures;
  previous: Figures;
  names: Record<string, string>;
}
/** A headline: its key, how to read it from figures, how to show it, and whether lower is better. */
type Headline = [
  key: string,
  read: (f: Figures) => number | null,
  show: (v: number, f: Figures) => string,
  lowerIsBetter: boolean,
];

const percent = (v: number) => `${Math.round(v * 100)} %`;
/** An amount in the report's currency (none before the shop reported an order). */
function money(v: number, currency: string | null | undefined): string {
  return currency
    ? new Intl.NumberFormat(locale(), { style: "currency", currency, maximumFractionDigits: 2 }).format(v)
    : v.toLocaleString(locale());
}
const HEADLINES: Headline[] = [
  ["conversations", (f) => f.conversations, String, false],
  ["firstResponse", (f) => f.firstResponse.median, duration, true],
  ["firstResponseP90", (f) => f.firstResponse.p90, duration, true],
  ["firstResponseBusiness", (f) => f.firstResponseBusiness.median, duration, true],
  ["resolution", (f) => f.resolution.median, duration, true],
  ["missed", (f) => f.missed, String, true],
  ["emailCapture", (f) => f.emailCapture.rate, percent, false],
  ["continuedByEmail", (f) => f.continuedByEmail.share, percent, false],
  ["csat", (f) => f.csat.mean, (v) => v.toFixed(1), false],
  ["chattingOrderRate", (f) => f.conversion?.chattingOrderRate ?? null, percent, false],
  ["orderRate", (f) => f.conversion?.orderRate ?? null, percent, false],
  [
    "attributedRevenue",
    (f) => f.conversion?.attributedRevenue ?? null,
    (v, f) => money(v, f.conversion?.currency),
    false,
  ],
];

/** A row of a figure table: its key, how to read it, how to show it. */
type Row<T> = [key: string, read: (f: T) => number | null, show: (v: number) => string];
const BOT_ROWS: Row<BotFigures>[] = [
  ["dialogs", (b) => b.dialogs, String],
  ["depth", (b) => b.depth, (v) => v.toFixed(1)],
  ["helpfulRate", (b) => b.helpfulRate, percent],
  ["goalRate", (b) => b.goalRate, percent],
  ["leads", (b) => b.leads, String],
  ["bookings", (b) => b.bookings, String],
  ["dropOffRate", (b) => b.dropOffRate, percent],
  ["handoffRate", (b) => b.handoffRate, percent],
];
/** Conversion rows; money in the period's currency. */
function conversionRows(currency: string | null | undefined): Row<ConversionFigures>[] {
  const cash = (v: number) => money(v, currency);
  return [
    ["visitors", (c) => c.visitors, (v) => v.toLocaleString(locale())],
    ["buyers", (c) => c.buyers, String],
    ["orderRate", (c) => c.orderRate, percent],
    ["chattingVisitors", (c) => c.chattingVisitors, String],
    ["chattingBuyers", (c) => c.chattingBuyers, String],
    ["chattingOrderRate", (c) => c.chattingOrderRate, percent],
    ["orders", (c) => c.orders, String],
    ["attributedOrders", (c) => c.attributedOrders, String],
    ["revenue", (c) => c.revenue, cash],
    ["attributedRevenue", (c) => c.attributedRevenue, cash],
  ];
}
const VIDEO_ROWS: Row<VideoFigures>[] = [
  ["requested", (v) => v.requested, String],
  ["answered", (v) => v.answered, String],
  ["missed", (v) => v.missed, String],
  ["declined", (v) => v.declined, String],
  ["durationMean", (v) => v.duration.mean, duration],
  ["durationMedian", (v) => v.duration.median, duration],
  ["screenShared", (v) => v.screenShared, String],
  ["booked", (v) => v.appointments.booked, String],
  ["attended", (v) => v.appointments.attended, String],
  ["noShow", (v) => v.appointments.noShow, String],
];

/** A local date "YYYY-MM-DD" in a zone, `back` calendar days before today there. */
function dateIn(timeZone: string | undefined, back = 0): string {
  const today = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(Date.now());
  // Counted on the date, not in 24-hour steps: across a clock change those land a day off.
  const [y, m, d] = today.split("-").map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! - back)).toISOString().slice(0, 10);
}

@customElement("ec-settings-reports")
export class EcSettingsReports extends Screen {
  static override styles = [
    ...Screen.styles,
    css`
    .figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 12px; margin-bottom: 16px; }
    .figure { background: var(--ec-surface); border: 1px solid var(--ec-border); border-radius: 12px; padding: 12px; }
    .figure .value { font-size: 22px; font-weight: 600; margin: 4px 0; }
    .figure .label, .figure .change { font-size: 13px; color: var(--ec-muted, #555); }
    .figure .change.better { color: var(--ec-ok, #15803d); }
    form.period { display: flex; flex-wrap: wrap; gap: 8px; align-items: end; }
    h3 { font-size: 15px; margin: 0 0 8px; display: flex; gap: 8px; align-items: baseline; }
    h3 a { font-size: 13px; font-weight: normal; }
    .digest { display: block; margin: 8px 0; }
    .pages .page { font-weight: normal; text-align: start; overflow-wrap: anywhere; }
  `,
  ];

  @litState() private from = "";
  @litState() private to = "";
  @litState() private report: Report | null = null;
  /** Whether this owner gets the weekly digest email (null until known, or not an owner). */
  @litState() private digest: boolean | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.pick(30);
    if (state.operator?.role === "owner")
      void api<{ subscribed: boolean }>("GET", "/reports/digest").then(
        (r) => (this.digest = r.subscribed),
        () => (this.digest = null),
      );
  }

  private async toggleDigest(e: Event): Promise<void> {
    const box = e.target as HTMLInputElement;
    try {
      this.digest = (
        await api<{ subscribed: boolean }>("PUT", "/reports/digest", { subscribed: box.checked })
      ).subscribed;
    } catch {
      box.checked = !box.checked;
    }
  }

  private zone(): string | undefined {
    return state.settings?.timezone;
  }

  private pick(days: number): void {
    this.from = dateIn(this.zone(), days - 1);
    this.to = dateIn(this.zone());
    void this.load();
  }

  private query(): string {
    return new URLSearchParams({ from: this.from, to: this.to }).toString();
  }

  private async load(): Promise<void> {
    this.report = null;
    // A refused period has one message, shown above the figures rather than beside an input.
    await this.attempt(
      async () => {
        this.report = await api<Report>("GET", `/reports?${this.query()}`);
      },
      () => false,
    );
    this.saved = false;
  }

  private submit(e: Event): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    this.from = (form.elements.namedItem("from") as HTMLInputElement).value;
    this.to = (form.elements.namedItem("to") as HTMLInputElement).value;
    void this.load();
  }

  private headline([key, read, show, lowerIsBetter]: Headline, r: Report) {
    const now = read(r.figures);
    const before = read(r.previous);
    const def = t(`settings.reports.defs.${key}`, { minutes: r.missedAfterMin });
    let change: string | null = null;
    if (now !== null && before !== null) {
      const diff = now - before;
      change =
        diff === 0
          ? t("settings.reports.same")
          : t(diff > 0 ? "settings.reports.up" : "settings.reports.down", { value: show(Math.abs(diff), r.figures) });
    }
    const better = now !== null && before !== null && now !== before && now < before === lowerIsBetter;
    return html`<div class="figure" tabindex="0" title=${def} aria-describedby="def-${key}">
      <div class="label">${t(`settings.reports.figures.${key}`)}</div>
      <div class="value">${now === null ? t("settings.reports.noData") : show(now, r.figures)}</div>
      ${change ? html`<div class="change ${better ? "better" : ""}">${change}</div>` : nothing}
      <div class="sr-only" id="def-${key}">${def}</div>
    </div>`;
  }

  private csv(table: string): string {
    return `/api/v1/admin/reports/${table}.csv?${this.query()}`;
  }

  private groupTable(title: string, table: string, groups: GroupFigures[], names: Record<string, string>) {
    const c = (k: string) => t(`settings.reports.cols.${k}`);
    return html`<div class="card"><h3>${title} <a href=${this.csv(table)} download>${t("settings.reports.csv")}</a></h3>
      ${
        groups.length === 0
          ? html`<p class="muted">${t("settings.reports.noData")}</p>`
          : html`<table>
        <thead><tr><th scope="col">${c("name")}</th><th scope="col">${c("conversations")}</th><th scope="col">${c("answered")}</th><th scope="col">${c("frtMean")}</th></tr></thead>
        <tbody>${groups.map(
          (g) => html`<tr><th scope="row">${g.id ? (names[g.id] ?? g.id) : t("settings.reports.none")}</th>
          <td>${g.conversations}</td><td>${g.answered}</td><td>${g.firstResponseMean === null ? "—" : duration(g.firstResponseMean)}</td></tr>`,
        )}</tbody>
      </table>`
      }</div>`;
  }

  /**
   * A figure table (bot, calls): each figure this period and the previous one, its definition
   * on hover and focus of its name; "no data yet" when the source recorded nothing.
   */
  private figureTable<T>(table: "bot" | "video" | "conversion", rows: Row<T>[], now: T | null, before: T | null) {
    const p = (k: string) => t(`settings.reports.period.${k}`);
    const cell = (f: T | null, [, read, show]: Row<T>) => {
      const v = f === null ? null : read(f);
      return html`<td>${v === null ? "—" : show(v)}</td>`;
    };
    return html`<div class="card figure-table" data-table=${table}><h3>${t(`settings.reports.${table}.title`)}
        <a href=${this.csv(table)} download>${t("settings.reports.csv")}</a></h3>
      ${
        now === null
          ? html`<p class="muted">${t(table === "conversion" ? "settings.reports.conversion.noOrders" : "settings.reports.noData")}</p>`
          : html`<table>
        <thead><tr><th scope="col">${p("figure")}</th><th scope="col">${p("now")}</th><th scope="col">${p("before")}</th></tr></thead>
        <tbody>${rows.map((row) => {
          const def = t(`settings.reports.${table}.defs.${row[0]}`);
          return html`<tr><th scope="row" class="page" tabindex="0" title=${def} aria-describedby="def-${table}-${row[0]}">
            ${t(`settings.reports.${table}.rows.${row[0]}`)}<span class="sr-only" id="def-${table}-${row[0]}">${def}</span></th>
            ${cell(now, row)}${cell(before, row)}</tr>`;
        })}</tbody>
      </table>`
      }</div>`;
  }

  private charts(r: Report) {
    const f = r.figures;
    const weekdays = t("settings.reports.weekdays").split(",");
    const day = (d: string) =>
      new Date(`${d}T12:00:00Z`).toLocaleDateString(locale(), { day: "numeric", month: "short", timeZone: "UTC" });
    const chart = (key: string, kind: "bar" | "line", points: ChartPoint[], labelCol: string) => html`<div class="card">
      <ec-report-chart heading=${t(`settings.reports.charts.${key}`)} kind=${kind} .points=${points} csv=${this.csv(key)}
        labelHeading=${t(`settings.reports.cols.${labelCol}`)} valueHeading=${t("settings.reports.cols.conversations")}></ec-report-chart></div>`;
    return html`
      ${chart(
        "daily",
        "line",
        f.daily.map((d) => ({ label: day(d.day), value: d.conversations })),
        "day",
      )}
      ${chart(
        "hours",
        "bar",
        f.byHour.map((value, h) => ({ label: String(h), value })),
        "hour",
      )}
      ${chart(
        "weekdays",
        "bar",
        f.byWeekday.map((value, i) => ({ label: weekdays[i] ?? String(i), value })),
        "weekday",
      )}
      ${this.groupTable(t("settings.reports.charts.departments"), "departments", f.byDepartment, r.names)}
      ${this.groupTable(t("settings.reports.charts.operators"), "operators", f.byOperator, r.names)}
      ${this.pagesTable(f.byStartPage)}
      ${this.figureTable("bot", BOT_ROWS, f.bot, r.previous.bot)}
      ${this.figureTable("video", VIDEO_ROWS, f.video, r.previous.video)}
      ${this.figureTable("conversion", conversionRows(f.conversion?.currency), f.conversion, r.previous.conversion)}
      ${f.conversion ? this.channelTable(f.conversion) : nothing}`;
  }

  /** Orders after a chat by channel: orders and revenue of each. */
  private channelTable(c: ConversionFigures) {
    const k = (key: string) => t(`settings.reports.conversion.channels.${key}`);
    return html`<div class="card channels"><h3 title=${k("def")}>${k("title")}
        <a href=${this.csv("conversion")} download>${t("settings.reports.csv")}</a></h3>
      <p class="sr-only">${k("def")}</p>
      <table>
        <thead><tr><th scope="col">${k("channel")}</th><th scope="col">${k("orders")}</th><th scope="col">${k("revenue")}</th></tr></thead>
        <tbody>${c.byChannel.map(
          (ch) =>
            html`<tr><th scope="row" class="page">${k(ch.channel)}</th><td>${ch.orders}</td><td>${money(ch.revenue, c.currency)}</td></tr>`,
        )}</tbody>
      </table>
      ${
        c.otherCurrencyOrders
          ? html`<p class="muted">${t("settings.reports.conversion.otherCurrencies", { count: c.otherCurrencyOrders })}</p>`
          : nothing
      }</div>`;
  }

  /** Conversations by starting page: a table (pages are long text, a chart would not read). */
  private pagesTable(pages: Figures["byStartPage"]) {
    const name = (p: string) =>
      p === "" ? t("settings.reports.unknownPage") : p === "*" ? t("settings.reports.otherPages") : p;
    return html`<div class="card pages"><h3 title=${t("settings.reports.pagesDef")}>${t("settings.reports.charts.pages")}
        <a href=${this.csv("pages")} download>${t("settings.reports.csv")}</a></h3>
      <p class="sr-only">${t("settings.reports.pagesDef")}</p>
      ${
        pages.length === 0
          ? html`<p class="muted">${t("settings.reports.noData")}</p>`
          : html`<table>
        <thead><tr><th scope="col">${t("settings.reports.cols.page")}</th><th scope="col">${t("settings.reports.cols.conversations")}</th></tr></thead>
        <tbody>${pages.map((p) => html`<tr><th scope="row" class="page">${name(p.page)}</th><td>${p.conversations}</td></tr>`)}</tbody>
      </table>`
      }</div>`;
  }

  override render() {
    const r = this.report;
    return html`<h2>${t("settings.reports.title")}</h2>
      <p class="muted">${t("settings.reports.intro", { zone: r?.period.timeZone ?? this.zone() ?? "" })}</p>
      <form class="period" @submit=${this.submit}>
        <label>${t("settings.reports.from")}<br><input type="date" name="from" .value=${this.from} required></label>
        <label>${t("settings.reports.to")}<br><input type="date" name="to" .value=${this.to} required></label>
        <button type="submit" ?disabled=${this.busy}>${t("settings.reports.show")}</button>
        ${([7, 30, 90] as const).map((n) => html`<button type="button" @click=${() => this.pick(n)}>${t(`settings.reports.last${n}`)}</button>`)}
      </form>
      ${
        this.digest === null
          ? nothing
          : html`<label class="digest"><input type="checkbox" .checked=${this.digest} @change=${this.toggleDigest}>
        ${t("settings.reports.digest")}</label>`
      }
      <div role="status" aria-live="polite">${this.message ? html`<p class="form-error">${this.message}</p>` : this.busy ? html`<p class="muted">${t("settings.reports.loading")}</p>` : nothing}</div>
      ${
        r
          ? html`<p class="muted">${t("settings.reports.previous", r.period.previous)}</p>
        <div class="figures">${HEADLINES.map((h) => this.headline(h, r))}</div>
        ${this.charts(r)}`
          : nothing
      }`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "ec-settings-reports": EcSettingsReports;
  }
}
