/**
 * Settings changes from the admin app: a partial update of the site's settings (name,
 * allowed origins, timezone, language, widget look and texts), checked against the full
 * settings schema and recorded in the audit log; and the identity secret's rotation.
 */
import { z } from "zod";
import { randomHex } from "../lib/crypto";
import { issueFields } from "../protocol";
import * as audit from "./audit";
import type { FieldFailure } from "./field-failure";
import { failure } from "../lib/errors";
import { look, siteSettings, type SiteSettings } from "./settings";

/** The settings the admin app edits; each part optional, unknown keys refused. */
export const settingsPatch = z.strictObject({
  name: siteSettings.shape.name,
  allowedOrigins: siteSettings.shape.allowedOrigins,
  timezone: siteSettings.shape.timezone,
  locale: siteSettings.shape.locale,
  look: z.strictObject(look.shape).partial(),
}).partial();
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
    key, JSON.stringify(value),
  );
}

/** Applies a patch to the settings; returns the new settings or the fields that are wrong. */
export function applySettingsPatch(sql: SqlStorage, actor: audit.Actor, patch: SettingsPatch): SiteSettings | FieldFailure {
  const current = readSetting<SiteSettings>(sql, "settings");
  if (!current) return failure(404, "unknown_site", "no such site");
  const merged = { ...current, ...patch, look: { ...current.look, ...patch.look } };
  const parsed = siteSettings.safeParse(merged);
  if (!parsed.success) {
    const fields = issueFields(parsed.error);
    return { error: { status: 400, code: "invalid_settings", message: Object.values(fields)[0] ?? "invalid settings", fields } };
  }
  const next = { ...current, ...parsed.data };
  writeSetting(sql, "settings", next);
  const changes = audit.diff(current as Record<string, unknown>, next as Record<string, unknown>);
  if (Object.keys(changes).length) audit.record(sql, actor, "settings.update", null, changes);
  return next;
}

