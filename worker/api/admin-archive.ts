/**
 * The site archive and CSV downloads in the admin API (the owner only: the archive holds
 * every conversation and contact of the site). Format: docs/archive.md.
 *
 * - `GET /data/export`: the archive, streamed (newline-delimited JSON, header to trailer).
 * - `GET /data/conversations.csv`, `GET /data/contacts.csv`: streamed CSV (leads: `/bot/leads.csv`).
 * - `POST /data/import?dryRun=1`: the archive as the body; a dry run answers what would be
 *   created and the conflicts; without it the import stages the archive, then restores and
 *   commits in steps for up to COMMIT_BUDGET_MS, answering `done` or how many are left.
 * - `POST /data/import/:id/commit`: runs the next steps the same way (the admin calls it
 *   until `done`); also resumes an import a failure stopped half-way.
 * - `DELETE /data/import/:id`: discards it (nothing of it stays).
 */
import { ApiError, unwrap } from "../lib/errors";
import { CSV_TABLES, type CsvTable, type ImportReport } from "../site/archive";
import { ArchiveRefusal, MAX_ARCHIVE_BYTES } from "../site/archive/format";
import { archiveStream, readArchive } from "../site/archive/stream";
import { adminRoutes, requireRole, siteOf, type AdminContext } from "./admin-http";

export const adminArchive = adminRoutes();

function download(body: ReadableStream<Uint8Array>, type: string, filename: string): Response {
  return new Response(body, {
    headers: {
      "Content-Type": type,
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "no-store",
    },
  });
}

const today = () => new Date().toISOString().slice(0, 10);

adminArchive.get("/data/export", (c) => {
  requireRole(c, "owner");
  const site = siteOf(c);
  return download(
    archiveStream((cursor) => site.exportPage(cursor)),
    "application/x-ndjson; charset=utf-8",
    `edgechat-${c.var.siteKey}-${today()}.jsonl`,
  );
});

for (const table of CSV_TABLES) {
  adminArchive.get(`/data/${table}.csv`, (c) => {
    requireRole(c, "owner");
    return download(csvStream(c, table), "text/csv; charset=utf-8", `${table}-${c.var.siteKey}-${today()}.csv`);
  });
}

function csvStream(c: AdminContext, table: CsvTable): ReadableStream<Uint8Array> {
  const site = siteOf(c);
  const encoder = new TextEncoder();
  let after: string | null = null;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          const page = await site.csvPage(table, after);
          after = page.next;
          if (page.text) controller.enqueue(encoder.encode(page.text));
          if (after === null) return controller.close();
          if (page.text) return;
        }
      },
    },
    { highWaterMark: 0 },
  );
}

adminArchive.post("/data/import", async (c) => {
  requireRole(c, "owner");
  const dryRun = c.req.query("dryRun") === "1" || c.req.query("dryRun") === "true";
  const length = Number(c.req.header("Content-Length") ?? 0);
  if (length > MAX_ARCHIVE_BYTES)
    throw new ApiError(413, "archive_too_large", `an archive is at most ${MAX_ARCHIVE_BYTES / 1024 / 1024} MB`);
  const body = c.req.raw.body;
  if (!body) throw new ApiError(400, "archive_missing", "send the archive as the request body");
  const site = siteOf(c);
  let importId: string | null = null;
  try {
    await readArchive(body, {
      header: async (header) => {
        importId = unwrap(await site.beginImport(c.var.operator, header, dryRun)).id;
      },
      batch: async (records) => {
        unwrap(await site.stageImport(importId!, records));
      },
    });
  } catch (err) {
    if (importId) await discard(c, importId);
    if (err instanceof ArchiveRefusal) throw new ApiError(err.status, err.code, err.message);
    throw err;
  }
  const report = unwrap(await site.importStaged(importId!));
  if (dryRun) return c.json({ report });
  const progress = await commit(c, importId!);
  return c.json({ importId, report, ...progress });
});

adminArchive.post("/data/import/:id/commit", async (c) => {
  requireRole(c, "owner");
  const importId = c.req.param("id");
  return c.json({ importId, ...(await commit(c, importId)) });
});

adminArchive.delete("/data/import/:id", async (c) => {
  requireRole(c, "owner");
  await discard(c, c.req.param("id"));
  return c.json({ discarded: true });
});

/**
 * How long one request runs the import's steps: a large site takes minutes, longer than a
 * client or proxy waits for an answer's headers, so the admin calls again until `done`.
 */
const COMMIT_BUDGET_MS = 20_000;

/** Runs the import's steps (each one call: a batch of conversations) until done or out of budget. */
async function commit(
  c: AdminContext,
  importId: string,
): Promise<{ done: true; report: ImportReport } | { done: false; remaining: number }> {
  const site = siteOf(c);
  const started = Date.now();
  for (;;) {
    const step = unwrap(await site.importStep(importId));
    if (step.done) return { done: true, report: step.report };
    if (Date.now() - started >= COMMIT_BUDGET_MS) return { done: false, remaining: step.remaining };
  }
}

async function discard(c: AdminContext, importId: string): Promise<void> {
  const site = siteOf(c);
  for (;;) {
    const result = await site.discardImport(importId);
    if ("error" in result) {
      if (result.error.code === "unknown_import") return;
      unwrap(result);
    }
    if (!("error" in result) && result.done) return;
  }
}
