/**
 * The Worker's side of the archive: the download as a stream that pulls the Site's pages
 * one at a time (the next only when the client has read the last), and the upload read as
 * a stream of lines, checked as they come and handed to the Site in batches. The SHA-256 of
 * the lines is computed incrementally on both sides (the runtime's `crypto.DigestStream`:
 * Web Crypto's `digest` wants all the bytes at once), so no side ever holds the whole archive.
 */
import { toHex } from "../../lib/crypto";
import {
  ArchiveRefusal,
  line,
  MAX_ARCHIVE_BYTES,
  MAX_RECORD_BYTES,
  readHeader,
  readRecord,
  type ArchiveHeader,
  type ArchiveRecord,
} from "./format";
import type { ExportCursor, ExportPage } from "./export";

/** The archive as a byte stream, page by page from `nextPage`, ending with the trailer. */
export function archiveStream(
  nextPage: (cursor: ExportCursor | null) => Promise<ExportPage>,
): ReadableStream<Uint8Array> {
  const hash = new Sha256();
  const encoder = new TextEncoder();
  let cursor: ExportCursor | null = null;
  let records = 0;
  let finished = false;
  return new ReadableStream<Uint8Array>(
    {
      // Pages until one has something: a pull that enqueues nothing is not called again.
      async pull(controller) {
        if (finished) return controller.close();
        for (;;) {
          const page = await nextPage(cursor);
          cursor = page.next;
          if (page.text) {
            await hash.update(page.text);
            for (let i = page.text.indexOf("\n"); i !== -1; i = page.text.indexOf("\n", i + 1)) records++;
            controller.enqueue(encoder.encode(page.text));
          }
          if (!cursor) {
            finished = true;
            controller.enqueue(encoder.encode(line({ kind: "trailer", records, sha256: await hash.hex() })));
          }
          if (page.text || finished) return;
        }
      },
    },
    { highWaterMark: 0 },
  );
}

/** An incremental SHA-256 of text. */
class Sha256 {
  private readonly stream = new crypto.DigestStream("SHA-256");
  private readonly writer = this.stream.getWriter();
  private readonly encoder = new TextEncoder();

  update(text: string): Promise<void> {
    return this.writer.write(this.encoder.encode(text));
  }

  async hex(): Promise<string> {
    await this.writer.close();
    return toHex(await this.stream.digest);
  }
}

export interface ArchiveSink {
  header(header: ArchiveHeader): Promise<void>;
  batch(records: ArchiveRecord[]): Promise<void>;
}

/** Records handed to the Site at once, and the bytes after which a batch goes early. */
const BATCH_RECORDS = 1_000;
const BATCH_BYTES = 2 * 1024 * 1024;

/**
 * Reads an archive from `body`: the header first, then records in batches, then checks the
 * trailer (count and SHA-256). Throws ArchiveRefusal for anything that is not a whole,
 * unchanged archive of this format; the sink has then seen some batches, never a verdict.
 */
export async function readArchive(body: ReadableStream<Uint8Array>, sink: ArchiveSink): Promise<{ records: number }> {
  const hash = new Sha256();
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  let pending = "";
  let total = 0;
  let n = 0;
  let header: ArchiveHeader | null = null;
  let trailer: { records: number; sha256: string } | null = null;
  let batch: ArchiveRecord[] = [];
  let batchBytes = 0;

  const take = async (text: string) => {
    n++;
    if (trailer) throw new ArchiveRefusal("archive_damaged", "the archive goes on after its trailer");
    if (!header) {
      header = readHeader(text);
      await hash.update(`${text}\n`);
      return sink.header(header);
    }
    const record = readRecord(text, n);
    if (record.kind === "trailer") {
      trailer = record;
      return;
    }
    await hash.update(`${text}\n`);
    batch.push(record);
    batchBytes += text.length;
    if (batch.length >= BATCH_RECORDS || batchBytes >= BATCH_BYTES) {
      const full = batch;
      batch = [];
      batchBytes = 0;
      await sink.batch(full);
    }
  };

  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > MAX_ARCHIVE_BYTES)
        throw new ArchiveRefusal(
          "archive_too_large",
          `an archive is at most ${MAX_ARCHIVE_BYTES / 1024 / 1024} MB`,
          413,
        );
      let text: string;
      try {
        text = decoder.decode(value, { stream: true });
      } catch {
        throw new ArchiveRefusal("archive_damaged", "the archive is not UTF-8 text");
      }
      pending += text;
      let start = 0;
      for (let end = pending.indexOf("\n"); end !== -1; end = pending.indexOf("\n", start)) {
        const one = pending.slice(start, end);
        start = end + 1;
        if (one.length > MAX_RECORD_BYTES) throw tooLong(n + 1);
        await take(one);
      }
      pending = pending.slice(start);
      if (pending.length > MAX_RECORD_BYTES) throw tooLong(n + 1);
    }
    // The last bytes may be the start of a character the file never finishes.
    try {
      pending += decoder.decode();
    } catch {
      throw new ArchiveRefusal("archive_damaged", "the archive is not UTF-8 text");
    }
  } finally {
    reader.releaseLock();
  }
  if (pending.trim())
    throw new ArchiveRefusal("archive_truncated", "the archive ends in the middle of a record: it is truncated");
  if (!header) throw new ArchiveRefusal("foreign_archive", "the file is empty: it is not an Edgechat site archive");
  if (!trailer)
    throw new ArchiveRefusal(
      "archive_truncated",
      "the archive ends before its trailer: it is truncated; export it again",
    );
  const { records, sha256 } = trailer as { records: number; sha256: string };
  if (records !== n - 1 || sha256 !== (await hash.hex()))
    throw new ArchiveRefusal(
      "archive_tampered",
      "the archive's records do not match its checksum: it was changed after export",
    );
  if (batch.length) await sink.batch(batch);
  return { records: n - 1 };
}

function tooLong(n: number): ArchiveRefusal {
  return new ArchiveRefusal(
    "record_too_large",
    `line ${n} is over ${MAX_RECORD_BYTES / 1024} KB: not a record of this format`,
    413,
  );
}
