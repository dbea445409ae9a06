/**
 * CSV for the knowledge base and leads (RFC 4180: comma, double quotes, CRLF or LF). Our
 * own ~80 lines rather than a library: an import must be refused whole with the row and the
 * column of the first fault, and the lenient parsers (papaparse and the like) recover from
 * faults instead of naming them. Pure.
 */
import { BOT_LANGS, kbEntryInput, type KbEntry, type KbEntryInput } from "../protocol/bot";

export class CsvError extends Error {
  constructor(
    readonly row: number,
    readonly column: string,
    message: string,
  ) {
    super(`row ${row}, column ${column}: ${message}`);
  }
}

/** Rows of cells; throws CsvError (row counted from 1, the header being row 1) on a quote fault. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  let afterQuote = false;
  const src = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c !== '"') cell += c;
      else if (src[i + 1] === '"') (cell += '"'), i++;
      else (quoted = false), (afterQuote = true);
      continue;
    }
    if (c === ",") row.push(cell), (cell = ""), (afterQuote = false);
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && src[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      (row = []), (cell = ""), (afterQuote = false);
    } else if (c === '"' && cell === "" && !afterQuote) quoted = true;
    else if (afterQuote || c === '"')
      throw new CsvError(
        rows.length + 1,
        columnName(row.length),
        "a quote inside a field must be doubled and the field quoted",
      );
    else cell += c;
  }
  if (quoted) throw new CsvError(rows.length + 1, columnName(row.length), "a quoted field is not closed");
  if (cell !== "" || row.length) row.push(cell), rows.push(row);
  return rows;
}

/** One CSV line, quoting what needs it; a leading = + - @ is quoted with a ' so spreadsheets show it as text. */
export function csvLine(cells: readonly (string | number | null | undefined)[]): string {
  return cells
    .map((v) => {
      let s = v === null || v === undefined ? "" : String(v);
      if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
      // `;` and tab too: spreadsheets in locales whose list separator is `;` (de, fr, ru…)
      // split an unquoted cell there, and a formula after it would run.
      return /[",;\t\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(",");
}

export const KB_COLUMNS = ["id", "lang", "questions", "answer", "tags"] as const;

/** The knowledge base as CSV: question variants and tags joined by " | ". */
export function kbToCsv(entries: readonly KbEntry[]): string {
  return (
    [
      csvLine(KB_COLUMNS),
      ...entries.map((e) => csvLine([e.id, e.lang, e.questions.join(" | "), e.answer, e.tags.join(" | ")])),
    ].join("\r\n") + "\r\n"
  );
}

/** Entries from CSV, all or nothing: the first faulty row and column throw a CsvError. */
export function kbFromCsv(text: string): (KbEntryInput & { id?: string })[] {
  const rows = parseCsv(text).filter((r) => r.some((c) => c.trim() !== ""));
  const header = rows[0]?.map((h) => h.trim().toLowerCase());
  if (!header) throw new CsvError(1, "-", "the file is empty; the first row names the columns");
  for (const need of ["questions", "answer", "lang"]) {
    if (!header.includes(need)) throw new CsvError(1, need, `the header has no "${need}" column`);
  }
  return rows.slice(1).map((cells, i) => {
    const rowNumber = i + 2;
    if (cells.length !== header.length) {
      throw new CsvError(
        rowNumber,
        columnName(Math.min(cells.length, header.length)),
        `has ${cells.length} cells; the header has ${header.length}`,
      );
    }
    // A leading ' is how csvLine keeps a spreadsheet from running a cell as a formula.
    const get = (name: string) => (cells[header.indexOf(name)]?.trim() ?? "").replace(/^'(?=[=+\-@])/, "");
    const split = (s: string) =>
      s
        .split("|")
        .map((p) => p.trim())
        .filter(Boolean);
    const lang = get("lang").toLowerCase();
    if (!(BOT_LANGS as readonly string[]).includes(lang))
      throw new CsvError(rowNumber, "lang", `"${get("lang")}" is not ru or en`);
    const parsed = kbEntryInput.safeParse({
      questions: split(get("questions")),
      answer: get("answer"),
      tags: header.includes("tags") ? split(get("tags")) : [],
      lang,
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new CsvError(rowNumber, String(issue.path[0] ?? "-"), issue.message);
    }
    const id = header.includes("id") ? get("id") : "";
    return { ...parsed.data, ...(id ? { id } : {}) };
  });
}

function columnName(index: number): string {
  return String(index + 1);
}
