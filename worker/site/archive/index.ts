/**
 * The site archive: everything a site owns in one file that streams out (./export.ts,
 * ./stream.ts) and back in (./import.ts) — format in ./format.ts and docs/archive.md — and
 * the conversations' and contacts' CSV (./csv.ts).
 */
export { exportPage, type ExportCursor, type ExportPage } from "./export";
export {
  begin as beginImport,
  discard as discardImport,
  importUnderWay,
  stage as stageImport,
  staged as importStaged,
  step as importStep,
} from "./import";
export type { ImportReport } from "./import";
export { csvPage, CSV_TABLES, type CsvTable } from "./csv";
