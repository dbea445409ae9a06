/**
 * The Site's side of an import, in three phases so that nothing is half-imported:
 *
 * 1. **Stage**: the Worker streams the archive's records here in batches (`stage`); each is
 *    counted and checked against this site (conflicts) and, unless it is a dry run, kept in
 *    `archive_staged` with the ids it will take here (`archive_ids`). Nothing a user sees
 *    changes. The Worker checks the trailer; a bad one discards the staging.
 * 2. **Restore conversations** (`step`, a batch per call): each staged conversation is written
 *    into a new Conversation object. Those objects report to no one and no inbox row names
 *    them: until phase 3 they are unreachable. A failed step is simply run again (a restore
 *    replaces what an earlier attempt wrote).
 * 3. **Commit** (the last `step`): one transaction writes settings, operators, departments,
 *    canned answers, the knowledge base, contacts, leads, appointments and the inbox rows of
 *    the restored conversations, and drops the staging. Before it, `discard` undoes
 *    everything (it erases the restored objects).
 *
 * Conversation ids are always new here: an id is a Durable Object's, made by one deployment
 * and owned by one site. Visitor ids and the ids of KB entries, leads and appointments are
 * kept unless this site has them already; operators are matched by email and departments by
 * name, and keep this site's record when they match.
 */
import { fromBase64Url, randomHex, hashPassword, randomToken, sha256Hex } from "../../lib/crypto";
import { failure, type Failure } from "../../lib/errors";
import { conversationStub, newConversationId } from "../../lib/jurisdiction";
import { columnsOf, insertRow, type Row } from "../../lib/rows";
import type { InboxEntry } from "../../protocol";
import { isSketch } from "../../reports/visitor-sketch";
import * as appointments from "../appointments";
import * as audit from "../audit";
import { knowledgeChanged } from "../bot/knowledge";
import { cannedByShortcut } from "../canned";
import * as retention from "../data-rights/retention";
import { departmentByName } from "../departments";
import type { SiteHost } from "../host";
import { storeEntry } from "../inbox";
import { recordSummaries } from "../reports";
import { mergeVisitorDay } from "../reports/conversion";
import { readSetting } from "../settings";
import { sealHolds, type ArchiveHeader, type ArchiveRecord, type RecordKind } from "./format";
import { isArchivedSetting, saveArchivedSetting, settingFault, settingWarning } from "./settings";
import { TableFit } from "./table-fit";

/** Conversations restored per step: each is one or a few calls, well inside a request's limits. */
export const CONVERSATIONS_PER_STEP = 50;
const MESSAGES_PER_RESTORE = 500;
/** Conflicts listed in a report; the rest are only counted. */
const LISTED_CONFLICTS = 100;

export interface ImportReport {
  source: { key: string; name: string | null; exportedAt: number };
  dryRun: boolean;
  /** Records of each kind in the archive. */
  records: Partial<Record<RecordKind, number>>;
  /** Where the archive and this site disagree, and what the import does about it. */
  conflicts: { kind: RecordKind; key: string; resolution: string }[];
  moreConflicts: number;
  /** The team accounts the import creates (at most 100 listed): they can sign in once they set a password. */
  newAccounts: { email: string; role: string }[];
  /** "checked" ends a dry run. */
  state: "staging" | "checked" | "staged" | "committing" | "imported";
}

type ImportRow = { id: string; state: ImportReport["state"]; dry: number; report: string; actor: string };

function importRow(sql: SqlStorage, id: string): ImportRow | null {
  return sql.exec<ImportRow>("SELECT * FROM archive_imports WHERE id = ?", id).toArray()[0] ?? null;
}

/** Starts an import; refuses while another one is committing (it must be resumed or discarded first). */
export function begin(
  host: SiteHost,
  actor: audit.Actor,
  header: ArchiveHeader,
  dryRun: boolean,
): { id: string } | Failure {
  const { sql } = host;
  const busy = sql.exec<{ id: string }>("SELECT id FROM archive_imports WHERE state = 'committing'").toArray()[0];
  if (busy)
    return failure(
      409,
      "import_unfinished",
      `import ${busy.id} is half-way: resume it (POST …/import/${busy.id}/commit) or discard it first`,
    );
  const before = sql
    .exec<{ imported_at: number }>(
      "SELECT imported_at FROM archives_imported WHERE source_key = ? AND exported_at = ?",
      header.site.key,
      header.exportedAt,
    )
    .toArray()[0];
  if (before)
    return failure(
      409,
      "archive_imported",
      `this archive (exported ${new Date(header.exportedAt).toISOString()}) was imported into this site at ${new Date(before.imported_at).toISOString()}: importing it again would add its conversations, contacts and leads a second time`,
    );
  // Imports that never got past staging touched nothing but their staging: drop them.
  for (const { id } of sql.exec<{ id: string }>("SELECT id FROM archive_imports").toArray()) dropStaging(sql, id);
  const id = `imp_${randomHex(8)}`;
  const report: ImportReport = {
    source: { key: header.site.key, name: header.site.name, exportedAt: header.exportedAt },
    dryRun,
    records: {},
    conflicts: [],
    moreConflicts: 0,
    newAccounts: [],
    state: "staging",
  };
  sql.exec(
    "INSERT INTO archive_imports (id, state, dry, report, actor, created_at) VALUES (?, 'staging', ?, ?, ?, ?)",
    id,
    dryRun ? 1 : 0,
    JSON.stringify(report),
    JSON.stringify({ id: actor.id, name: actor.name, role: actor.role }),
    Date.now(),
  );
  return { id };
}

/** How long after it began a staging counts as under way: a request that died leaves one behind. */
const STAGING_ABANDONED_MS = 15 * 60_000;

/**
 * The import under way here, if any: one being staged (not a dry run, begun within
 * STAGING_ABANDONED_MS), or staged and not yet committed. Its commit writes the archive's contacts and conversations as they were when it
 * was staged, so an erasure meanwhile would be undone by it.
 */
export function importUnderWay(sql: SqlStorage, now = Date.now()): string | null {
  return (
    sql
      .exec<{ id: string }>(
        `SELECT id FROM archive_imports WHERE dry = 0
           AND (state IN ('staged', 'committing') OR (state = 'staging' AND created_at > ?)) LIMIT 1`,
        now - STAGING_ABANDONED_MS,
      )
      .toArray()[0]?.id ?? null
  );
}

function dropStaging(sql: SqlStorage, id: string): void {
  sql.exec("DELETE FROM archive_staged WHERE import_id = ?", id);
  sql.exec("DELETE FROM archive_ids WHERE import_id = ?", id);
  sql.exec("DELETE FROM archive_imports WHERE id = ?", id);
}

/** The id a source id of `kind` takes here, when the import gave it one. */
function mapped(
  sql: SqlStorage,
  importId: string,
  kind: string,
  source: string | number | null | undefined,
): string | null {
  if (source === null || source === undefined) return null;
  return (
    sql
      .exec<{ target_id: string }>(
        "SELECT target_id FROM archive_ids WHERE import_id = ? AND kind = ? AND source_id = ?",
        importId,
        kind,
        String(source),
      )
      .toArray()[0]?.target_id ?? null
  );
}

function exists(sql: SqlStorage, query: string, value: unknown): boolean {
  return sql.exec(query, value).toArray().length > 0;
}

/** Counts, checks and (unless a dry run) stages a batch of records. */
export function stage(host: SiteHost, importId: string, records: ArchiveRecord[]): { ok: true } | Failure {
  const { sql } = host;
  const row = importRow(sql, importId);
  if (row?.state !== "staging") return failure(404, "unknown_import", "no such import is being staged");
  const report = JSON.parse(row.report) as ImportReport;
  const dry = row.dry === 1;
  const conflict = (kind: RecordKind, key: string, resolution: string) => {
    if (report.conflicts.length < LISTED_CONFLICTS) report.conflicts.push({ kind, key, resolution });
    else report.moreConflicts++;
  };
  // A dry run notes ids too (dropped at its end): it finds what the import would find.
  const mapId = (kind: string, source: string, target: string) => {
    sql.exec(
      "INSERT OR IGNORE INTO archive_ids (import_id, kind, source_id, target_id) VALUES (?, ?, ?, ?)",
      importId,
      kind,
      source,
      target,
    );
  };
  const visitorTaken = (id: string) =>
    exists(sql, "SELECT 1 FROM contacts WHERE visitor_id = ?", id) ||
    exists(sql, "SELECT 1 FROM inbox WHERE visitor_id = ? LIMIT 1", id);
  const mapVisitor = (id: string) => {
    if (mapped(sql, importId, "visitor", id)) return;
    const taken = visitorTaken(id);
    if (taken) conflict("contact", id, "this site has this visitor id: imported under a new one");
    mapId("visitor", id, taken ? `v_${randomHex(12)}` : id);
  };
  let n =
    sql.exec<{ n: number | null }>("SELECT MAX(n) AS n FROM archive_staged WHERE import_id = ?", importId).one().n ?? 0;
  const fits = new TableFit(sql);
  const failed = host.ctx.storage.transactionSync((): Failure | null => {
    for (const record of records) {
      report.records[record.kind] = (report.records[record.kind] ?? 0) + 1;
      const r = "row" in record ? record.row : {};
      const fault = fits.faultOf(record.kind, r);
      if (fault) return failure(400, "archive_damaged", `a ${record.kind} record's ${fault}: the archive is damaged`);
      switch (record.kind) {
        case "setting": {
          if (!isArchivedSetting(record.key)) {
            conflict("setting", record.key, "not a setting this deployment takes: skipped");
            continue;
          }
          {
            const fault = settingFault(record.key, record.value);
            if (fault)
              return failure(400, "archive_setting", `the archive's ${record.key} setting is not valid here: ${fault}`);
          }
          if (
            JSON.stringify(readSetting(sql, record.key)) !== JSON.stringify(record.value) &&
            readSetting(sql, record.key) !== null
          )
            conflict("setting", record.key, "this site's value is replaced");
          const warning = settingWarning(sql, record.key, record.value);
          if (warning) conflict("setting", warning.key, warning.resolution);
          break;
        }
        case "operator": {
          const here = sql
            .exec<{ id: string }>("SELECT id FROM operators WHERE email = ?", String(r.email))
            .toArray()[0];
          if (here) conflict("operator", String(r.email), "this site has this operator: kept as they are");
          // Who will be able to sign in here after the import (by "Forgot password"), shown
          // to the owner before it: the archive's owner becomes an admin, this site has its own.
          else if ((report.newAccounts ??= []).length < LISTED_CONFLICTS)
            report.newAccounts.push({ email: String(r.email), role: r.role === "owner" ? "admin" : String(r.role) });
          mapId("operator", String(r.id), here?.id ?? `op_${randomHex(8)}`);
          break;
        }
        case "department": {
          const here = departmentByName(sql, String(r.name));
          if (here) conflict("department", String(r.name), "this site has a department of this name: kept as it is");
          mapId("department", String(r.id), here?.id ?? `dep_${randomHex(6)}`);
          break;
        }
        case "canned":
          if (cannedByShortcut(sql, String(r.shortcut)))
            conflict("canned", String(r.shortcut), "this site has this shortcut: its answer is kept");
          break;
        case "kb":
          if (exists(sql, "SELECT 1 FROM kb_entries WHERE id = ?", r.id))
            conflict("kb", String(r.id), "imported under a new id");
          break;
        case "lead":
          if (exists(sql, "SELECT 1 FROM leads WHERE id = ?", r.id))
            conflict("lead", String(r.id), "imported under a new id");
          mapVisitor(String(r.visitor_id));
          break;
        case "appointment":
          if (
            r.status === "booked" &&
            exists(sql, "SELECT 1 FROM appointments WHERE starts_at = ? AND status = 'booked'", r.starts_at)
          )
            conflict(
              "appointment",
              new Date(Number(r.starts_at)).toISOString(),
              "this slot is booked here: imported as cancelled",
            );
          mapVisitor(String(r.visitor_id));
          break;
        case "contact":
          mapVisitor(String(r.visitor_id));
          break;
        case "unsubscribed":
          break;
        case "order":
          if (exists(sql, "SELECT 1 FROM order_events WHERE order_id = ?", r.order_id))
            conflict("order", String(r.order_id), "this site has this order: kept as it is");
          if (r.visitor_id !== null && r.visitor_id !== undefined) mapVisitor(String(r.visitor_id));
          break;
        case "visitorDay":
          if (!isSketch(fromBase64Url(record.sketch)))
            return failure(400, "archive_damaged", `the visitor count of ${record.day} is damaged`);
          break;
        case "conversation":
          mapVisitor(String(r.visitor_id));
          mapId("conversation", record.id, dry ? record.id : newConversationId(host.env, host.siteKey() ?? ""));
          break;
        case "message":
        case "file": {
          if (!mapped(sql, importId, "conversation", record.conversation))
            return failure(
              400,
              "archive_damaged",
              `a ${record.kind} of conversation ${record.conversation} comes before the conversation`,
            );
          if (record.kind === "file") break;
          // Messages come in seq order, each once: a seq twice would stop the restore half-way.
          const last = Number(mapped(sql, importId, "last-seq", record.conversation) ?? 0);
          const seq = Number(r.seq);
          if (seq <= last)
            return failure(
              400,
              "archive_damaged",
              `conversation ${record.conversation}: message ${seq} comes after message ${last}; messages are in seq order, each once`,
            );
          sql.exec(
            "INSERT OR REPLACE INTO archive_ids (import_id, kind, source_id, target_id) VALUES (?, 'last-seq', ?, ?)",
            importId,
            record.conversation,
            String(seq),
          );
          break;
        }
        case "reportDay":
          continue; // counted again here from the conversations' own figures
      }
      if (!dry)
        sql.exec(
          "INSERT INTO archive_staged (import_id, n, kind, conversation, record) VALUES (?, ?, ?, ?, ?)",
          importId,
          ++n,
          record.kind,
          record.kind === "conversation" ? record.id : "conversation" in record ? record.conversation : null,
          JSON.stringify(record),
        );
    }
    sql.exec("UPDATE archive_imports SET report = ? WHERE id = ?", JSON.stringify(report), importId);
    return null;
  });
  return failed ?? { ok: true };
}

/** The archive was read to its verified trailer: a dry run answers its report and is dropped; an import is ready to commit. */
export function staged(host: SiteHost, importId: string): ImportReport | Failure {
  const { sql } = host;
  const row = importRow(sql, importId);
  if (row?.state !== "staging") return failure(404, "unknown_import", "no such import is being staged");
  const report = JSON.parse(row.report) as ImportReport;
  if (row.dry) {
    dropStaging(sql, importId);
    return { ...report, state: "checked" };
  }
  report.state = "staged";
  sql.exec("UPDATE archive_imports SET state = 'staged', report = ? WHERE id = ?", JSON.stringify(report), importId);
  return report;
}

type Staged<K extends RecordKind> = Extract<ArchiveRecord, { kind: K }>;

function stagedOf<K extends RecordKind>(
  sql: SqlStorage,
  importId: string,
  kind: K,
  conversation?: string,
): Staged<K>[] {
  const rows =
    conversation === undefined
      ? sql.exec<{ record: string }>(
          "SELECT record FROM archive_staged WHERE import_id = ? AND kind = ? ORDER BY n",
          importId,
          kind,
        )
      : sql.exec<{ record: string }>(
          "SELECT record FROM archive_staged WHERE import_id = ? AND conversation = ? AND kind = ? ORDER BY n",
          importId,
          conversation,
          kind,
        );
  return rows.toArray().map((r) => JSON.parse(r.record) as Staged<K>);
}

/**
 * One step of the commit: restores the next conversations, or — when all are — commits the
 * rest in one transaction. Call until `done`; a step that failed may be called again.
 */
export async function step(
  host: SiteHost,
  importId: string,
): Promise<{ done: false; restored: number; remaining: number } | { done: true; report: ImportReport } | Failure> {
  const { sql } = host;
  const row = importRow(sql, importId);
  if (!row || (row.state !== "staged" && row.state !== "committing"))
    return failure(404, "unknown_import", "no import of this id is ready to commit");
  if (row.state === "staged") sql.exec("UPDATE archive_imports SET state = 'committing' WHERE id = ?", importId);
  const next = sql
    .exec<{ source_id: string; target_id: string }>(
      "SELECT source_id, target_id FROM archive_ids WHERE import_id = ? AND kind = 'conversation' AND done < 2 LIMIT ?",
      importId,
      CONVERSATIONS_PER_STEP,
    )
    .toArray();
  if (next.length) {
    const report = JSON.parse(row.report) as ImportReport;
    await Promise.all(
      next.map((c) => restoreConversation(host, importId, report.source.key, c.source_id, c.target_id)),
    );
    const remaining = sql
      .exec<{ n: number }>(
        "SELECT COUNT(*) AS n FROM archive_ids WHERE import_id = ? AND kind = 'conversation' AND done < 2",
        importId,
      )
      .one().n;
    return { done: false, restored: next.length, remaining };
  }
  return commit(host, importId, row);
}

async function restoreConversation(
  host: SiteHost,
  importId: string,
  sourceSite: string,
  sourceId: string,
  targetId: string,
): Promise<void> {
  const { sql } = host;
  const siteKey = host.siteKey() ?? "";
  const stub = conversationStub(host.env, targetId)!;
  sql.exec(
    "UPDATE archive_ids SET done = 1 WHERE import_id = ? AND kind = 'conversation' AND source_id = ?",
    importId,
    sourceId,
  );
  const [conversation] = stagedOf(sql, importId, "conversation", sourceId);
  const operator = (id: unknown) => mapped(sql, importId, "operator", id as string) ?? id;
  const state: Row = {
    ...conversation!.row,
    visitor_id: mapped(sql, importId, "visitor", conversation!.row.visitor_id) ?? conversation!.row.visitor_id,
    assignee: conversation!.row.assignee === null ? null : (operator(conversation!.row.assignee) as string),
    department:
      mapped(sql, importId, "department", conversation!.row.department) ?? conversation!.row.department ?? null,
  };
  const messages = stagedOf(sql, importId, "message", sourceId).map((m) =>
    m.row.author_kind === "operator" && m.row.author_id
      ? { ...m.row, author_id: operator(m.row.author_id) as string }
      : m.row,
  );
  const fileRecords = stagedOf(sql, importId, "file", sourceId);
  const files = fileRecords.map((f) => f.row);
  // Bytes are copied only for files this deployment sealed when it exported them, or this
  // site's own (a backup restored here, sealed or from before seals).
  const secret = host.env.TOKEN_SECRET;
  const own = sourceSite === host.siteKey();
  const sealed: string[] = [];
  for (const f of fileRecords)
    if (own || (await sealHolds(secret, f.seal, sourceSite, sourceId, String(f.row.id)))) sealed.push(String(f.row.id));
  let summary: InboxEntry | null = null;
  for (let i = 0; i === 0 || i < messages.length; i += MESSAGES_PER_RESTORE) {
    const result = await stub.restore(siteKey, {
      ...(i === 0
        ? {
            state,
            files,
            filesFrom: { siteKey: sourceSite, conversationId: sourceId, fileIds: sealed },
            botState: conversation!.botState ?? null,
            calls: (conversation!.calls ?? []).map((c) =>
              c.callee_id ? { ...c, callee_id: operator(c.callee_id) as string } : c,
            ),
          }
        : { files: [] }),
      messages: messages.slice(i, i + MESSAGES_PER_RESTORE),
    });
    if ("error" in result) throw new Error(`restoring conversation ${sourceId}: ${result.error.message}`);
    summary = result;
  }
  // Every message's words are searchable, not only the last of each summary.
  for (const m of messages)
    if (m.text)
      sql.exec(
        "INSERT OR IGNORE INTO search_text (conversation_id, seq, text) VALUES (?, ?, ?)",
        targetId,
        m.seq,
        String(m.text).toLowerCase(),
      );
  sql.exec(
    "UPDATE archive_ids SET done = 2, summary = ? WHERE import_id = ? AND kind = 'conversation' AND source_id = ?",
    JSON.stringify(summary),
    importId,
    sourceId,
  );
}

class Rollback extends Error {
  constructor(readonly failure: Failure) {
    super(failure.error.message);
  }
}

async function commit(
  host: SiteHost,
  importId: string,
  row: ImportRow,
): Promise<{ done: true; report: ImportReport } | Failure> {
  const { sql } = host;
  const actor = JSON.parse(row.actor) as audit.Actor;
  const report = JSON.parse(row.report) as ImportReport;
  const bookings: string[] = [];
  const operators = stagedOf(sql, importId, "operator");
  // A new operator gets a password nobody knows: they choose theirs with "Forgot password".
  const passwords = new Map<string, Awaited<ReturnType<typeof hashPassword>>>();
  for (const o of operators) {
    const target = mapped(sql, importId, "operator", o.row.id)!;
    if (!exists(sql, "SELECT 1 FROM operators WHERE id = ?", target))
      passwords.set(target, await hashPassword(randomToken()));
  }
  const manageHashes = await Promise.all(stagedOf(sql, importId, "appointment").map(() => sha256Hex(randomToken())));
  try {
    host.ctx.storage.transactionSync(() => {
      const cols = (table: string) => columnsOf(sql, table);
      const operatorCols = cols("operators");
      for (const o of operators) {
        const id = mapped(sql, importId, "operator", o.row.id)!;
        const pw = passwords.get(id);
        if (!pw) continue;
        const role = o.row.role === "owner" ? "admin" : o.row.role; // this site has its owner
        insertRow(
          sql,
          "operators",
          operatorCols,
          o.row,
          { id, role, pw_hash: pw.hash, pw_salt: pw.salt, pw_iterations: pw.iterations },
          "OR IGNORE",
        );
      }
      const departmentCols = cols("departments");
      for (const d of stagedOf(sql, importId, "department")) {
        const id = mapped(sql, importId, "department", d.row.id)!;
        if (!insertRow(sql, "departments", departmentCols, d.row, { id }, "OR IGNORE")) continue;
        for (const op of d.operatorIds) {
          const member = mapped(sql, importId, "operator", op);
          if (member && exists(sql, "SELECT 1 FROM operators WHERE id = ?", member))
            sql.exec("INSERT OR IGNORE INTO department_members (department_id, operator_id) VALUES (?, ?)", id, member);
        }
      }
      // Settings after departments: the routing, the bot's lead emails and its scenario name them.
      const department = (id: unknown) => (typeof id === "string" ? mapped(sql, importId, "department", id) : null);
      for (const s of stagedOf(sql, importId, "setting")) {
        if (!isArchivedSetting(s.key)) continue;
        const refused = saveArchivedSetting(sql, actor, s.key, s.value, department);
        if (refused) throw new Rollback(refused);
      }
      const cannedCols = cols("canned");
      for (const c of stagedOf(sql, importId, "canned")) {
        // A shortcut this site has, in any case, keeps this site's answer.
        if (cannedByShortcut(sql, String(c.row.shortcut))) continue;
        const id = exists(sql, "SELECT 1 FROM canned WHERE id = ?", c.row.id) ? `cr_${randomHex(6)}` : c.row.id;
        insertRow(sql, "canned", cannedCols, c.row, { id }, "OR IGNORE");
      }
      const kbCols = cols("kb_entries");
      for (const k of stagedOf(sql, importId, "kb")) {
        const id = exists(sql, "SELECT 1 FROM kb_entries WHERE id = ?", k.row.id) ? `kb_${randomHex(6)}` : k.row.id;
        insertRow(sql, "kb_entries", kbCols, k.row, { id });
      }
      knowledgeChanged(sql);
      const visitor = (id: unknown) => mapped(sql, importId, "visitor", id as string) ?? (id as string);
      const conversation = (id: unknown) =>
        mapped(sql, importId, "conversation", id as string) ?? (id as string | null);
      const contactCols = cols("contacts");
      for (const c of stagedOf(sql, importId, "contact")) {
        const userTaken =
          c.row.user_id !== null && exists(sql, "SELECT 1 FROM contacts WHERE user_id = ?", c.row.user_id);
        const visitorId = visitor(c.row.visitor_id);
        const added = insertRow(
          sql,
          "contacts",
          contactCols,
          c.row,
          { visitor_id: visitorId, ...(userTaken ? { user_id: null } : {}) },
          "OR IGNORE",
        );
        // The visitor came back between staging and now (their rows here had gone): one
        // contact, what they left here first, the archive's details where it has none.
        if (!added)
          sql.exec(
            "UPDATE contacts SET email = COALESCE(email, ?), name = COALESCE(name, ?), phone = COALESCE(phone, ?) WHERE visitor_id = ?",
            c.row.email ?? null,
            c.row.name ?? null,
            c.row.phone ?? null,
            visitorId,
          );
      }
      for (const u of stagedOf(sql, importId, "unsubscribed"))
        sql.exec("INSERT OR IGNORE INTO unsubscribed (email, at) VALUES (?, ?)", u.row.email, u.row.at);
      const leadCols = cols("leads");
      for (const l of stagedOf(sql, importId, "lead")) {
        const id = exists(sql, "SELECT 1 FROM leads WHERE id = ?", l.row.id) ? `ld_${randomHex(6)}` : l.row.id;
        const department = mapped(sql, importId, "department", l.row.department) ?? l.row.department ?? null;
        insertRow(
          sql,
          "leads",
          leadCols,
          l.row,
          {
            id,
            visitor_id: visitor(l.row.visitor_id),
            conversation_id: conversation(l.row.conversation_id),
            department,
          },
          "OR IGNORE",
        );
      }
      const orderCols = cols("order_events");
      for (const o of stagedOf(sql, importId, "order"))
        insertRow(
          sql,
          "order_events",
          orderCols,
          o.row,
          { visitor_id: o.row.visitor_id === null ? null : visitor(o.row.visitor_id) },
          "OR IGNORE",
        );
      for (const d of stagedOf(sql, importId, "visitorDay"))
        mergeVisitorDay(sql, d.day, fromBase64Url(d.sketch) as Uint8Array);
      const appointmentCols = cols("appointments");
      for (const [i, a] of stagedOf(sql, importId, "appointment").entries()) {
        // Booked ones get their reminder and outcome check once committed.
        const id = exists(sql, "SELECT 1 FROM appointments WHERE id = ?", a.row.id) ? `apt_${randomHex(8)}` : a.row.id;
        const clash =
          a.row.status === "booked" &&
          exists(sql, "SELECT 1 FROM appointments WHERE starts_at = ? AND status = 'booked'", a.row.starts_at);
        if (a.row.status === "booked" && !clash) bookings.push(String(id));
        insertRow(sql, "appointments", appointmentCols, a.row, {
          id,
          visitor_id: visitor(a.row.visitor_id),
          conversation_id: a.row.conversation_id === null ? null : conversation(a.row.conversation_id),
          manage_hash: manageHashes[i]!,
          ...(clash ? { status: "cancelled", cancelled_at: Date.now() } : {}),
        });
      }
      const entries = sql
        .exec<{ summary: string }>(
          "SELECT summary FROM archive_ids WHERE import_id = ? AND kind = 'conversation' AND summary IS NOT NULL",
          importId,
        )
        .toArray()
        .map((r) => JSON.parse(r.summary) as InboxEntry);
      for (const entry of entries) storeEntry(sql, entry);
      recordSummaries(host, entries);
      report.state = "imported";
      sql.exec(
        "INSERT OR IGNORE INTO archives_imported (source_key, exported_at, imported_at) VALUES (?, ?, ?)",
        report.source.key,
        report.source.exportedAt,
        Date.now(),
      );
      audit.record(sql, actor, "archive.import", report.source.key, {
        records: report.records,
        conflicts: report.conflicts.length + report.moreConflicts,
      });
      dropStaging(sql, importId);
    });
  } catch (err) {
    if (err instanceof Rollback) return err.failure;
    throw err;
  }
  await appointments.armBookings(host, bookings);
  // The daily erasure runs for a retention the archive brought, as when the owner sets one.
  if (retention.retentionMonths(sql)) await host.timers.set(retention.RETENTION_TIMER, Date.now() + 60_000);
  return { done: true, report };
}

/** Undoes an import that has not committed: erases what it restored, a batch per call, then drops it. */
export async function discard(host: SiteHost, importId: string): Promise<{ done: boolean } | Failure> {
  const { sql } = host;
  const row = importRow(sql, importId);
  if (!row) return failure(404, "unknown_import", "no such import");
  if (row.state === "imported") return failure(409, "imported", "this import has committed");
  const touched = sql
    .exec<{ target_id: string }>(
      "SELECT target_id FROM archive_ids WHERE import_id = ? AND kind = 'conversation' AND done > 0 LIMIT ?",
      importId,
      CONVERSATIONS_PER_STEP,
    )
    .toArray();
  const siteKey = host.siteKey() ?? "";
  await Promise.all(touched.map((t) => conversationStub(host.env, t.target_id)?.erase(siteKey)));
  for (const t of touched) sql.exec("DELETE FROM search_text WHERE conversation_id = ?", t.target_id);
  for (const t of touched)
    sql.exec("UPDATE archive_ids SET done = 0 WHERE import_id = ? AND target_id = ?", importId, t.target_id);
  if (touched.length) return { done: false };
  dropStaging(sql, importId);
  return { done: true };
}
