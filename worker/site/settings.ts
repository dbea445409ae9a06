/**
 * The site's settings: the one accessor of the key-value `settings` table (every module
 * reads and writes its values here), the site's settings record, the admin app's partial
 * update of it (checked against the full schema, audited), and the allowed-origin check.
 */
import { z } from "zod";
import { failure, type Failure } from "../lib/errors";
import {
  fileSettings,
  issueFields,
  look,
  siteSettings,
  videoSettings,
  ratingSettings,
  type FileSettings,
  type SiteSettings,
  type VideoSettings,
} from "../protocol";
import * as audit from "./audit";

/** The settings the admin app edits; each part optional, unknown keys refused. */
export const settingsPatch = z
  .strictObject({
    name: siteSettings.shape.name,
    allowedOrigins: siteSettings.shape.allowedOrigins,
    timezone: siteSettings.shape.timezone,
    locale: siteSettings.shape.locale,
    look: z.strictObject(look.shape).partial(),
    files: z.strictObject(fileSettings.shape).partial(),
    video: z.strictObject(videoSettings.shape).partial(),
    rating: z.strictObject(ratingSettings.shape).partial(),
  })
  .partial();
export type SettingsPatch = z.infer<typeof settingsPatch>;

/** A value of the Site's key-value `settings` table, or null. */
export function readSetting<T>(sql: SqlStorage, key: string): T | null {
  const row = sql.exec<{ value: string }>("SELECT value FROM settings WHERE key = ?", key).toArray()[0];
  return row ? (JSON.parse(row.value) as T) : null;
}

/** Writes a value of the `settings` table. */
export function writeSetting(sql: SqlStorage, key: string, value: unknown): void {
  sql.exec(
    "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    key,
    JSON.stringify(value),
  );
}

/** Applies a patch to the settings; returns the new settings or the fields that are wrong. */
export function applySettingsPatch(sql: SqlStorage, actor: audit.Actor, patch: SettingsPatch): SiteSettings | Failure {
  const current = siteSettingsOf(sql);
  if (!current) return failure(404, "unknown_site", "no such site");
  const merged = {
    ...current,
    ...patch,
    look: { ...current.look, ...patch.look },
    files: { ...current.files, ...patch.files },
    video: { ...current.video, ...patch.video },
    rating: { ...current.rating, ...patch.rating },
  };
  const parsed = siteSettings.safeParse(merged);
  if (!parsed.success) {
    const fields = issueFields(parsed.error);
    return failure(400, "invalid_settings", Object.values(fields)[0] ?? "invalid settings", { fields });
  }
  const next = { ...current, ...parsed.data };
  writeSetting(sql, "settings", next);
  const changes = audit.diff(current as Record<string, unknown>, next as Record<string, unknown>);
  if (Object.keys(changes).length) audit.record(sql, actor, "settings.update", null, changes);
  return next;
}

/** The site's settings record, or null when the site does not exist. */
export function siteSettingsOf(sql: SqlStorage): SiteSettings | null {
  return readSetting<SiteSettings>(sql, "settings");
}

/** The site's file limits (sites made before they existed get the defaults). */
export function fileSettingsOf(sql: SqlStorage): FileSettings {
  return fileSettings.parse(siteSettingsOf(sql)?.files ?? {});
}

/** Whether video calls are on (sites made before the setting have them off). */
export function videoSettingsOf(sql: SqlStorage): VideoSettings {
  return videoSettings.parse(siteSettingsOf(sql)?.video ?? {});
}

/** True when `origin` (from the request's Origin header) matches one of the patterns. */
export function originAllowed(origin: string | null, patterns: readonly string[]): boolean {
  if (!origin) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const actual = `${url.protocol}//${url.host}`.toLowerCase();
  return patterns.some((p) => {
    if (p.endsWith(":*")) return `${url.protocol}//${url.hostname}`.toLowerCase() === p.slice(0, -2);
    return p === actual;
  });
}
