/**
 * The site archive's format (docs/archive.md): newline-delimited JSON, one record a line, so
 * that it is written and read as a stream both ways. The first line is the header (format
 * name and version), the last the trailer (how many records came before it and the SHA-256
 * of their bytes): an archive without its trailer is truncated, one whose bytes do not hash
 * to it was changed. Every record is checked against its schema here before anything is
 * staged. Table rows travel as column → value objects (the Site's and the Conversation's
 * own column names), so a column a later version adds is carried along; the importer writes
 * only the columns its own tables have.
 */
import { z } from "zod";
import { fromBase64Url, hmacSha256, sameBytes, toBase64Url } from "../../lib/crypto";
import { SKETCH_SIZE } from "../../reports/visitor-sketch";

export const ARCHIVE_FORMAT = "edgechat-site-archive";
export const ARCHIVE_VERSION = 3;
/**
 * Versions this deployment reads: 2 is 3 without the files' seals (their bytes are not
 * copied), 1 is 2 without orders and visitor counts.
 */
const READS_VERSIONS = [1, 2, 3];
/** The longest line a reader accepts: a message is at most a few KB, a setting or KB entry less than this. */
export const MAX_RECORD_BYTES = 1024 * 1024;
/** The largest archive an import takes (Cloudflare's own request body limit is 100–500 MB by plan). */
export const MAX_ARCHIVE_BYTES = 512 * 1024 * 1024;

/** What the header tells a shop owner reading the file about files' bytes. */
export const FILES_NOTE =
  "Files' bytes are not in this archive: each `file` record names its path on the deployment it came from " +
  "(GET it with an owner's or admin's session; it redirects to a short-lived signed link). An import into " +
  "the same deployment copies the bytes (each record's seal proves this deployment wrote it); into another deployment " +
  "the files are listed but their bytes stay behind.";

const id = z.string().min(1).max(128);
const scalar = z.union([z.string().max(MAX_RECORD_BYTES), z.number(), z.null()]);
/** A table row: column → scalar, column names as SQL identifiers. */
const row = z.record(z.string().regex(/^[a-z][a-z0-9_]{0,62}$/), scalar);

/*
 * The columns a row must have, of the type its table stores, where a wrong value would stop
 * the import half-way (a NOT NULL or UNIQUE column, a number SQLite cannot store as an
 * integer) or be stored and break a screen later (the KB's JSON, an operator's role). Other
 * columns travel as scalars. Each refusal names the column.
 */
const time = z.number().int().min(0).max(8.64e15);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const text = (max = MAX_RECORD_BYTES) => z.string().max(max);
const jsonStrings = z.string().refine((v) => {
  try {
    const parsed = JSON.parse(v);
    return Array.isArray(parsed) && parsed.every((x) => typeof x === "string");
  } catch {
    return false;
  }
}, "is not a JSON list of texts");
/** A row with these columns checked, and any others carried as they are. */
const rowWith = (columns: z.ZodRawShape) => {
  const checked = z.looseObject(columns);
  return row.superRefine((value, ctx) => {
    const result = checked.safeParse(value);
    if (!result.success)
      for (const issue of result.error.issues)
        ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
  });
};

const authorKind = z.enum(["visitor", "operator", "bot", "system", "guest"]);
const channel = z.enum(["chat", "email"]);

const conversationRow = rowWith({
  visitor_id: text(128).min(1),
  status: z.enum(["open", "resolved"]).optional(),
  channel: channel.optional(),
  created_at: time,
  visitor_read_seq: count.optional(),
  operator_read_seq: count.optional(),
  rev: count.optional(),
});
const messageRow = rowWith({
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  client_id: text(128).nullable().optional(),
  author_kind: authorKind,
  text: text(),
  at: time,
  channel: channel.optional(),
});
const fileRow = rowWith({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "is not a file id"),
  seq: count,
  name: text(300),
  type: text(200),
  size: count,
  at: time,
  author_kind: authorKind,
});
const operatorRow = rowWith({
  id: text(128).min(1),
  email: z.email(),
  role: z.enum(["owner", "admin", "operator"]),
});
const kbRow = rowWith({
  id: text(128).min(1),
  lang: text(8),
  questions: jsonStrings,
  answer: text(),
  tags: jsonStrings,
  updated_at: time,
});

const header = z.strictObject({
  kind: z.literal("header"),
  format: z.literal(ARCHIVE_FORMAT),
  version: z.number().int(),
  site: z.strictObject({ key: z.string().max(128), name: z.string().max(200).nullable() }),
  exportedAt: z.number().int(),
  files: z.string().max(1000),
});

/** The records between header and trailer, by kind. */
export const recordSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("setting"), key: z.string().max(64), value: z.unknown() }),
  z.strictObject({ kind: z.literal("operator"), row: operatorRow }),
  z.strictObject({ kind: z.literal("department"), row, operatorIds: z.array(id).max(1000) }),
  z.strictObject({ kind: z.literal("canned"), row }),
  z.strictObject({ kind: z.literal("kb"), row: kbRow }),
  z.strictObject({ kind: z.literal("appointment"), row }),
  z.strictObject({ kind: z.literal("reportDay"), row }),
  z.strictObject({ kind: z.literal("contact"), row }),
  z.strictObject({ kind: z.literal("unsubscribed"), row: rowWith({ email: z.email(), at: time }) }),
  z.strictObject({ kind: z.literal("lead"), row }),
  z.strictObject({ kind: z.literal("order"), row }),
  z.strictObject({
    kind: z.literal("visitorDay"),
    day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "day is YYYY-MM-DD"),
    /** The day's visitor sketch (worker/reports/visitor-sketch.ts), base64url. */
    sketch: z.string().length(Math.ceil((SKETCH_SIZE * 4) / 3), "sketch is 4,096 bytes in base64url"),
  }),
  z.strictObject({
    kind: z.literal("conversation"),
    id,
    row: conversationRow,
    /** The bot's row and the ended calls, which the reports count (version 3 on). */
    botState: rowWith({
      greeted: z.number().int().min(0).max(1).optional(),
      step: text(64).nullable().optional(),
      handoff_at: time.nullable().optional(),
    })
      .nullable()
      .optional(),
    calls: z
      .array(
        rowWith({
          id: text(128).min(1),
          // Ended calls only: one ringing or under way would stay so, with nobody on it.
          state: z.literal("ended"),
          caller_role: text(20),
          caller_socket: text(200),
          requested_at: time,
        }),
      )
      .max(10_000)
      .optional(),
  }),
  z.strictObject({ kind: z.literal("message"), conversation: id, row: messageRow }),
  z.strictObject({
    kind: z.literal("file"),
    conversation: id,
    row: fileRow,
    path: z.string().max(400),
    /** See `fileSeal`; absent in archives before version 3. */
    seal: z.string().max(64).optional(),
  }),
]);
export type ArchiveRecord = z.infer<typeof recordSchema>;
export type RecordKind = ArchiveRecord["kind"];
export type Row = z.infer<typeof row>;
export type ArchiveHeader = z.infer<typeof header>;

const trailer = z.strictObject({
  kind: z.literal("trailer"),
  records: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ArchiveTrailer = z.infer<typeof trailer>;

/**
 * A file record's seal: an HMAC, under the deployment's TOKEN_SECRET, of where the file's
 * bytes are (site, conversation, file). An import copies bytes only for a record whose seal
 * checks: the archive's checksum anyone can recompute, so without it a hand-made archive
 * naming another site's file ids would get a copy of that file.
 */
export async function fileSeal(
  secret: string,
  siteKey: string,
  conversationId: string,
  fileId: string,
): Promise<string> {
  return toBase64Url(await sealBytes(secret, siteKey, conversationId, fileId));
}

function sealBytes(secret: string, siteKey: string, conversationId: string, fileId: string): Promise<Uint8Array> {
  return hmacSha256(secret, `edgechat-archive-file\n${siteKey}\n${conversationId}\n${fileId}`);
}

/** Whether `seal` is the seal of that file under `secret`. */
export async function sealHolds(
  secret: string,
  seal: string | undefined,
  siteKey: string,
  conversationId: string,
  fileId: string,
): Promise<boolean> {
  const given = seal ? fromBase64Url(seal) : null;
  if (!given) return false;
  return sameBytes(given, await sealBytes(secret, siteKey, conversationId, fileId));
}

/** Why an archive was refused: the code and message an import answers with. */
export class ArchiveRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: 400 | 413 = 400,
  ) {
    super(message);
  }
}

function parseLine(line: string, n: number): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new ArchiveRefusal("archive_damaged", `line ${n} is not JSON: the archive is damaged`);
  }
}

/** The header of an archive, or why the first line is not one this deployment reads. */
export function readHeader(line: string): ArchiveHeader {
  const value = parseLine(line, 1) as Record<string, unknown> | null;
  if (typeof value !== "object" || value === null || value.kind !== "header" || value.format !== ARCHIVE_FORMAT)
    throw new ArchiveRefusal("foreign_archive", "this is not an Edgechat site archive (its first line is no header)");
  if (!READS_VERSIONS.includes(value.version as number))
    throw new ArchiveRefusal(
      "archive_version",
      `this archive is format version ${String(value.version)}; this deployment reads versions ${READS_VERSIONS.slice(0, -1).join(", ")} and ${READS_VERSIONS.at(-1)} — export it again from a deployment of the same version`,
    );
  const parsed = header.safeParse(value);
  if (!parsed.success) throw new ArchiveRefusal("archive_damaged", "the archive's header is malformed");
  return parsed.data;
}

/** A record line, checked; `n` is its line number for the message. */
export function readRecord(line: string, n: number): ArchiveRecord | ArchiveTrailer {
  const value = parseLine(line, n) as { kind?: unknown } | null;
  if (value && typeof value === "object" && value.kind === "trailer") {
    const parsed = trailer.safeParse(value);
    if (!parsed.success) throw new ArchiveRefusal("archive_damaged", "the archive's trailer is malformed");
    return parsed.data;
  }
  const parsed = recordSchema.safeParse(value);
  if (!parsed.success) {
    // A known kind with a faulty column is named; anything else is simply not a record.
    const issue = parsed.error.issues[0];
    const fields = (issue?.path ?? []).filter((p) => typeof p === "string");
    const column = fields[0] === "row" ? (fields[1] ?? null) : fields.length > 1 ? fields.join(".") : null;
    const kind = (value as { kind?: unknown } | null)?.kind;
    throw new ArchiveRefusal(
      "archive_damaged",
      column
        ? `line ${n}: the ${String(kind)}'s ${column} ${issue!.message.startsWith("is ") ? issue!.message : `is not valid (${issue!.message})`}: the archive is damaged`
        : `line ${n} is not a record this format has: the archive is damaged`,
    );
  }
  return parsed.data;
}

/** One line of the archive, newline included. */
export function line(record: ArchiveHeader | ArchiveRecord | ArchiveTrailer): string {
  return `${JSON.stringify(record)}\n`;
}
