/**
 * Where the widget runs: the origins it was seen on (allowed, so working) and the origins
 * that were refused, kept in one small bounded table so the admin's Install screen can say
 * "we saw the widget on https://shop.example 2 minutes ago" and offer "allow" for a refused
 * one (most often `www.` against the bare domain, or http against https).
 */
import { failure, fieldFailure, type Failure } from "../lib/errors";
import { originPattern, type SiteSettings } from "../protocol";
import type * as audit from "./audit";
import { applySettingsPatch, originAllowed, readSetting, siteSettingsOf, writeSetting } from "./settings";

/** Rows kept: the newest origins win, so a flood of made-up Origin headers stays bounded. */
const MAX_ORIGINS = 40;
/** A page load refreshes its row at most this often (one write per origin per minute). */
const TOUCH_EVERY_MS = 60_000;

export interface OriginSeen {
  origin: string;
  /** Last time a page of this origin asked for a session. */
  lastAt: number;
  /** Page loads counted since the origin was first seen (at most one a minute). */
  count: number;
}

export interface InstallReport {
  /** Origins the widget worked on, newest first. */
  seen: OriginSeen[];
  /** Origins refused (not in the allowed list now), newest first. */
  refused: OriginSeen[];
  /** Pages that sent a customer's identity whose hash did not verify (the chat went on unverified). */
  identityRefused: { count: number; lastAt: number } | null;
}

/** Notes an identity that did not verify, for the admin's notice (settings key `identity_refused`). */
export function recordIdentityRefused(sql: SqlStorage, now = Date.now()): void {
  const before = readSetting<{ count: number; lastAt: number }>(sql, "identity_refused");
  writeSetting(sql, "identity_refused", { count: (before?.count ?? 0) + 1, lastAt: now });
}

/** The origin as a page sends it, when it is one an operator could allow; else null. */
export function cleanOrigin(origin: string | null): string | null {
  if (!origin || origin.length > 200) return null;
  const parsed = originPattern.safeParse(origin);
  return parsed.success && !parsed.data.endsWith(":*") ? parsed.data : null;
}

/** Notes that a page of `origin` asked for a session, allowed or not (cheap: throttled, bounded). */
export function recordOrigin(sql: SqlStorage, origin: string | null, allowed: boolean, now = Date.now()): void {
  const clean = cleanOrigin(origin);
  if (!clean) return;
  const row = sql
    .exec<{ last_at: number; allowed: number }>("SELECT last_at, allowed FROM widget_origins WHERE origin = ?", clean)
    .toArray()[0];
  if (row && row.allowed === Number(allowed) && now - row.last_at < TOUCH_EVERY_MS) return;
  sql.exec(
    `INSERT INTO widget_origins (origin, allowed, last_at, count) VALUES (?, ?, ?, 1)
     ON CONFLICT (origin) DO UPDATE SET allowed = excluded.allowed, last_at = excluded.last_at, count = count + 1`,
    clean,
    Number(allowed),
    now,
  );
  if (!row) {
    sql.exec(
      `DELETE FROM widget_origins WHERE origin NOT IN (SELECT origin FROM widget_origins ORDER BY last_at DESC LIMIT ?)`,
      MAX_ORIGINS,
    );
  }
}

/** What the Install screen shows; a refused origin allowed since then counts as seen. */
export function installReport(sql: SqlStorage): InstallReport {
  const allowed = siteSettingsOf(sql)?.allowedOrigins ?? [];
  const rows = sql
    .exec<{ origin: string; allowed: number; last_at: number; count: number }>(
      "SELECT origin, allowed, last_at, count FROM widget_origins ORDER BY last_at DESC",
    )
    .toArray();
  const report: InstallReport = { seen: [], refused: [], identityRefused: readSetting(sql, "identity_refused") };
  for (const r of rows) {
    const entry = { origin: r.origin, lastAt: r.last_at, count: r.count };
    if (r.allowed) report.seen.push(entry);
    else if (!originAllowed(r.origin, allowed)) report.refused.push(entry);
  }
  return report;
}

/** Adds a refused origin to the allowed list (one click in the admin); audited as a settings change. */
export function allowOrigin(sql: SqlStorage, actor: audit.Actor, origin: string): SiteSettings | Failure {
  const clean = cleanOrigin(origin);
  if (!clean)
    return fieldFailure(
      400,
      "invalid_origin",
      "origin",
      "an origin is scheme://host[:port] with no path, e.g. https://shop.example",
    );
  const current = siteSettingsOf(sql);
  if (!current) return failure(404, "unknown_site", "no such site");
  if (originAllowed(clean, current.allowedOrigins)) return current;
  return applySettingsPatch(sql, actor, { allowedOrigins: [...current.allowedOrigins, clean] });
}
