/**
 * The site's two secrets and their rotation without downtime. The identity secret signs
 * logged-in visitors' identities (the shop's server computes HMAC-SHA256(secret, userId));
 * the plugin secret signs server-to-server calls with the CMS plugin. A rotation makes a new
 * secret, shown once, and keeps the old one valid for a grace period (24 h unless asked
 * otherwise; 0 refuses it at once, for a leaked secret) so the shop can switch meanwhile.
 * A second rotation within the grace period drops the older secret at once.
 */
import { randomHex } from "../lib/crypto";
import { readSetting, writeSetting } from "./settings";
import * as audit from "./audit";

export const SECRET_NAMES = ["identity", "plugin"] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

export const DEFAULT_GRACE_HOURS = 24;
export const MAX_GRACE_HOURS = 7 * 24;

/** Keys of the Site's settings table; `identity_secret` predates this module. */
const KEY: Record<SecretName, string> = { identity: "identity_secret", plugin: "plugin_secret" };

interface Previous {
  secret: string;
  until: number;
}

/** A new random secret (64 hex characters). */
export function newSecret(): string {
  return randomHex(32);
}

/** The previous secret while its grace period lasts, else null. */
export function previousSecret(sql: SqlStorage, name: SecretName, now = Date.now()): string | null {
  const prev = readSetting<Previous>(sql, `${KEY[name]}_previous`);
  return prev && prev.until > now ? prev.secret : null;
}

/** Secrets a request may be signed with: the current one, then the previous one in its grace. */
export function acceptedSecrets(sql: SqlStorage, name: SecretName, now = Date.now()): string[] {
  const current = readSetting<string>(sql, KEY[name]);
  const prev = previousSecret(sql, name, now);
  return [current, prev].filter((s): s is string => !!s);
}

/** Makes a new secret, keeps the old one for `graceHours`, and audits it. Returns the new secret once. */
export function rotateSecret(
  sql: SqlStorage,
  actor: audit.Actor,
  name: SecretName,
  graceHours = DEFAULT_GRACE_HOURS,
  now = Date.now(),
): { name: SecretName; secret: string; previousValidUntil: number | null } {
  const current = readSetting<string>(sql, KEY[name]);
  const secret = newSecret();
  const until = current && graceHours > 0 ? now + graceHours * 3600_000 : null;
  writeSetting(sql, KEY[name], secret);
  if (current && until) writeSetting(sql, `${KEY[name]}_previous`, { secret: current, until } satisfies Previous);
  else sql.exec("DELETE FROM settings WHERE key = ?", `${KEY[name]}_previous`);
  audit.record(sql, actor, "secret.rotate", name, { graceHours, previousValidUntil: until }, now);
  return { name, secret, previousValidUntil: until };
}

/** Which secrets are set and until when a previous one is still accepted (never the values). */
export function secretsInfo(
  sql: SqlStorage,
  now = Date.now(),
): Record<SecretName, { set: boolean; previousValidUntil: number | null }> {
  const info = {} as Record<SecretName, { set: boolean; previousValidUntil: number | null }>;
  for (const name of SECRET_NAMES) {
    const prev = readSetting<Previous>(sql, `${KEY[name]}_previous`);
    info[name] = {
      set: !!readSetting<string>(sql, KEY[name]),
      previousValidUntil: prev && prev.until > now ? prev.until : null,
    };
  }
  return info;
}
