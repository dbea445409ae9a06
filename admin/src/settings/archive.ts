/**
 * Settings → Data and secrets, for the owner: download the site archive (everything the
 * site owns, for a backup or a move) and the CSV tables, and import an archive — checked
 * first (a dry run lists what would be created and where this site differs), then imported
 * on a second click. The browser streams the file; nothing is read into the page.
 */
import { css, html, LitElement, nothing } from "lit";
import { customElement, state as litState } from "lit/decorators.js";
import { Localized, serverText, t } from "../i18n";
import { Screen } from "./screen";

const T = (key: string, params?: Record<string, string | number>) => t(`settings.archive.${key}`, params);

interface Report {
  dryRun: boolean;
  source: { key: string; name: string | null; exportedAt: number };
  records: Record<string, number>;
  conflicts: { kind: string; key: string; resolution: string }[];
  moreConflicts: number;
  /** Absent in answers of a server before this field. */
  newAccounts?: { email: string; role: string }[];
  state: string;
}

const KINDS = [
  "conversation",
  "message",
  "contact",
  "unsubscribed",
  "lead",
  "operator",
  "department",
  "canned",
  "kb",
  "appointment",
  "setting",
  "file",
  "reportDay",
];

/** The archive card of the data screen (shown to the owner only: the server refuses others). */
@customElement("ec-site-archive")
export class EcSiteArchive extends LitElement {
  static override styles = [
    ...Screen.styles,
    css`
    :host { display: block; }
    .links { display: flex; flex-wrap: wrap; gap: 8px 16px; }
    table { border-collapse: collapse; margin: 8px 0; }
    th, td { text-align: left; padding: 2px 12px 2px 0; }
    .row { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; margin-top: 8px; }
    .error { color: var(--ec-danger, #b91c1c); }
    ul { margin: 4px 0; padding-left: 20px; }
  `,
  ];

  @litState() private file: File | null = null;
  @litState() private busy: "check" | "import" | null = null;
  @litState() private report: Report | null = null;
  @litState() private error: string | null = null;
  /** Conversations an import still has to restore. */
  @litState() private left: number | null = null;

  constructor() {
    super();
    new Localized(this);
  }

  override render() {
    return html`<section class="card" aria-labelledby="archive-title">
      <h3 id="archive-title">${T("title")}</h3>
      <p class="muted">${T("hint")}</p>
      <p class="links">
        <a href="/api/v1/admin/data/export" download>${T("download")}</a>
        <a href="/api/v1/admin/data/conversations.csv" download>${T("conversationsCsv")}</a>
        <a href="/api/v1/admin/data/contacts.csv" download>${T("contactsCsv")}</a>
        <a href="/api/v1/admin/bot/leads.csv" download>${T("leadsCsv")}</a>
      </p>
      <p class="muted">${T("filesHint")}</p>
      <h4>${T("importTitle")}</h4>
      <p class="muted">${T("importHint")}</p>
      <label for="archive-file">${T("file")}</label>
      <input id="archive-file" type="file" accept=".jsonl,.ndjson,application/x-ndjson" @change=${this.picked}>
      <div class="row">
        <button ?disabled=${!this.file || this.busy !== null} @click=${() => this.send(true)}>
          ${this.busy === "check" ? T("checking") : T("check")}
        </button>
        <button class="primary" ?disabled=${!this.report?.dryRun || this.busy !== null} @click=${() => this.send(false)}>
          ${this.busy === "import" ? T("importing") : T("import")}
        </button>
      </div>
      ${this.left !== null ? html`<p role="status">${T("left", { n: this.left })}</p>` : nothing}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.report ? this.summary(this.report) : nothing}
    </section>`;
  }

  private summary(r: Report) {
    const kinds = KINDS.filter((k) => r.records[k]);
    return html`<div role="status">
      <p>${r.dryRun ? T("wouldImport", { site: r.source.name ?? r.source.key }) : T("imported", { site: r.source.name ?? r.source.key })}</p>
      <table>
        <tbody>${kinds.map((k) => html`<tr><th scope="row">${T(`kinds.${k}`)}</th><td>${r.records[k]}</td></tr>`)}</tbody>
      </table>
      ${
        r.newAccounts?.length
          ? html`<p>${T(r.dryRun ? "newAccounts" : "accountsMade")}</p>
            <ul class="accounts">${r.newAccounts.map((a) => html`<li>${a.email} — ${t(`roles.${a.role}`)}</li>`)}</ul>`
          : nothing
      }
      ${
        r.conflicts.length
          ? html`<p>${T("conflicts")}</p>
            <ul>${r.conflicts.map((c) => html`<li><strong>${c.key}</strong> (${T(`kinds.${c.kind}`)}): ${serverText(c.resolution)}</li>`)}</ul>
            ${r.moreConflicts ? html`<p class="muted">${T("more", { n: r.moreConflicts })}</p>` : nothing}`
          : html`<p class="muted">${T("noConflicts")}</p>`
      }
    </div>`;
  }

  private picked(e: Event): void {
    this.file = (e.target as HTMLInputElement).files?.[0] ?? null;
    this.report = null;
    this.error = null;
  }

  private async send(dryRun: boolean): Promise<void> {
    if (!this.file) return;
    if (!dryRun && !confirm(T("confirm"))) return;
    this.busy = dryRun ? "check" : "import";
    this.error = null;
    try {
      const res = await fetch(`/api/v1/admin/data/import${dryRun ? "?dryRun=1" : ""}`, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/x-ndjson" },
        body: this.file,
      });
      const json = await res.json().catch(() => null);
      if (!res.ok) {
        this.report = null;
        this.error = serverText(json?.error?.message ?? res.statusText);
        return;
      }
      let answer = json as { importId?: string; report: Report; done?: boolean; remaining?: number };
      // A large import answers after a while with what is left: ask for the next steps until done.
      while (!dryRun && answer.done === false) {
        this.left = answer.remaining ?? null;
        const next = await fetch(`/api/v1/admin/data/import/${answer.importId}/commit`, {
          method: "POST",
          credentials: "same-origin",
        });
        const more = await next.json().catch(() => null);
        if (!next.ok) {
          this.error = serverText(more?.error?.message ?? next.statusText);
          return;
        }
        answer = { ...answer, ...more };
      }
      this.report = answer.report;
    } catch {
      this.error = t("errors.network");
    } finally {
      this.busy = null;
      this.left = null;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "ec-site-archive": EcSiteArchive;
  }
}
