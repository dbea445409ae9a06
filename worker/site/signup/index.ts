/**
 * A new site inside its Site object: written in one transaction (owner, settings, secrets,
 * status, the owner's first token) so a failure leaves nothing behind; then one email to the
 * owner. A site from the open signup is `pending_confirmation` until the owner follows the
 * link in that email (the widget is refused meanwhile) and is wiped if nobody confirms it
 * within a week. Other sites are `active` at once and the email lets the owner set a password
 * (through the admin app's reset-password page, so there is one way to set a password).
 */
import { hashPassword, randomHex, randomToken, sha256Hex, type PasswordHash } from "../../lib/crypto";
import { failure, type Failure } from "../../lib/errors";
import { readSetting, writeSetting } from "../settings";
import type { SiteHost } from "../host";
import type { Jurisdiction } from "../../lib/jurisdiction";
import { newSecret } from "../secrets";
import { siteSettings } from "../../protocol";
import { confirmMail, welcomeMail } from "./mail";

export type SiteStatus = "active" | "pending_confirmation";
/** Who let the site in: the deployment's admin token, a signup code, or the open signup. */
export type SignupVia = "admin" | "invite" | "open";

export const CONFIRM_TTL_MS = 7 * 24 * 3600_000;
export const SET_PASSWORD_TTL_MS = 7 * 24 * 3600_000;
export const SIGNUP_EXPIRY_TIMER = "signup-expiry";
/** Outbox kinds of the emails sent here (the deployment owner may read these, nothing else). */
export const SIGNUP_MAIL_KINDS = ["signup_confirm", "site_welcome"] as const;

export interface NewSite {
  siteKey: string;
  settings: { name: string; allowedOrigins: string[]; timezone: string; locale: "en" | "ru" };
  /** The shop's address (the plugin's REST routes live under it), or null. */
  url: string | null;
  jurisdiction: Jurisdiction | null;
  owner: { email: string; name: string; password?: string };
  via: SignupVia;
  /** Origin of links in the owner's email (PUBLIC_URL, else the request's origin). */
  linkBase: string;
}

export interface CreatedSite {
  siteKey: string;
  name: string;
  status: SiteStatus;
  identitySecret: string;
  pluginSecret: string;
  ownerId: string;
  jurisdiction: Jurisdiction | null;
  /** Only for the deployment owner (admin token) when no password was given. */
  setPasswordUrl?: string;
}

/** What the Site keeps about itself beyond its settings; sites older than this module are active. */
export interface SiteMeta {
  status: SiteStatus;
  url: string | null;
  jurisdiction: Jurisdiction | null;
  via: SignupVia | null;
  createdAt: number | null;
  confirm?: { hash: string; expiresAt: number };
}

/** The site's meta record (defaults for a site made before it existed). */
export function siteMeta(sql: SqlStorage): SiteMeta {
  return (
    readSetting<SiteMeta>(sql, "site_meta") ?? {
      status: "active",
      url: null,
      jurisdiction: null,
      via: null,
      createdAt: null,
    }
  );
}

/** `{status, name}` for the plugin's status check, or null when there is no such site. */
export function siteStatus(sql: SqlStorage): { status: SiteStatus; name: string } | null {
  const settings = readSetting<{ name: string }>(sql, "settings");
  return settings ? { status: siteMeta(sql).status, name: settings.name } : null;
}

/** The refusal a widget gets while the site waits for its owner's confirmation, else null. */
export function notLive(sql: SqlStorage): Failure | null {
  return siteMeta(sql).status === "pending_confirmation"
    ? failure(403, "site_not_confirmed", "this site goes live once its owner confirms the email Edgechat sent")
    : null;
}

/** Creates the site and emails its owner. 409 `site_exists` when the key is taken. */
export async function createSite(host: SiteHost, input: NewSite, now = Date.now()): Promise<CreatedSite | Failure> {
  const parsed = siteSettings.safeParse(input.settings);
  if (!parsed.success) return failure(400, "invalid_settings", parsed.error.issues[0]!.message);
  const pw = await hashPassword(input.owner.password ?? randomToken(32));
  const token = input.owner.password ? null : randomToken();
  const tokenHash = token ? await sha256Hex(token) : null;
  const status: SiteStatus = input.via === "open" ? "pending_confirmation" : "active";
  const sql = host.sql;
  const made = host.ctx.storage.transactionSync((): CreatedSite | Failure => {
    if (readSetting(sql, "settings")) return failure(409, "site_exists", `site ${input.siteKey} already exists`);
    const ownerId = `op_${randomHex(8)}`;
    insertOwner(sql, ownerId, input.owner, pw, now);
    const identitySecret = newSecret();
    const pluginSecret = newSecret();
    writeSetting(sql, "site_key", input.siteKey);
    writeSetting(sql, "identity_secret", identitySecret);
    writeSetting(sql, "plugin_secret", pluginSecret);
    writeSetting(sql, "settings", parsed.data);
    const meta: SiteMeta = { status, url: input.url, jurisdiction: input.jurisdiction, via: input.via, createdAt: now };
    if (status === "pending_confirmation" && tokenHash)
      meta.confirm = { hash: tokenHash, expiresAt: now + CONFIRM_TTL_MS };
    else if (tokenHash) insertSetPasswordToken(sql, ownerId, tokenHash, now);
    writeSetting(sql, "site_meta", meta);
    return {
      siteKey: input.siteKey,
      name: parsed.data.name,
      status,
      identitySecret,
      pluginSecret,
      ownerId,
      jurisdiction: input.jurisdiction,
    };
  });
  if ("error" in made) return made;
  if (status === "pending_confirmation") await host.timers.set(SIGNUP_EXPIRY_TIMER, now + CONFIRM_TTL_MS);
  if (!token) return made;
  const base = input.linkBase.replace(/\/$/, "");
  const days = CONFIRM_TTL_MS / 86_400_000;
  const locale = parsed.data.locale;
  if (status === "pending_confirmation") {
    const link = `${base}/api/v1/sites/${encodeURIComponent(input.siteKey)}/confirm?token=${token}`;
    const m = confirmMail(locale, { siteName: made.name, url: input.url, link, days });
    await host.mailer.send({
      kind: "signup_confirm",
      to: input.owner.email,
      toName: input.owner.name,
      ...m,
      secrets: [token],
    });
    return made;
  }
  const link = setPasswordLink(base, input.siteKey, token);
  const m = welcomeMail(locale, { siteName: made.name, siteKey: input.siteKey, link, days });
  await host.mailer.send({
    kind: "site_welcome",
    to: input.owner.email,
    toName: input.owner.name,
    ...m,
    secrets: [token],
  });
  return input.via === "admin" ? { ...made, setPasswordUrl: link } : made;
}

/**
 * The owner followed the confirmation link: the site goes live, and the answer carries a
 * fresh link to set the owner's password. 404 for a wrong or expired token, 409 when live.
 */
export async function confirmSite(
  host: SiteHost,
  token: string,
  linkBase: string,
  now = Date.now(),
): Promise<{ status: SiteStatus; setPasswordUrl: string } | Failure> {
  const sql = host.sql;
  const settings = readSetting(sql, "settings");
  const meta = siteMeta(sql);
  if (settings && meta.status === "active")
    return failure(409, "already_confirmed", "this site is live already; sign in to the admin");
  const hash = await sha256Hex(token);
  if (!settings || !meta.confirm || meta.confirm.expiresAt <= now || meta.confirm.hash !== hash) {
    return failure(404, "invalid_confirmation", "this confirmation link is not valid or has expired; sign up again");
  }
  const owner = sql
    .exec<{ id: string }>("SELECT id FROM operators WHERE role = 'owner' ORDER BY created_at LIMIT 1")
    .one();
  const setPassword = randomToken();
  const setPasswordHash = await sha256Hex(setPassword);
  host.ctx.storage.transactionSync(() => {
    const { confirm: _used, ...rest } = meta;
    writeSetting(sql, "site_meta", { ...rest, status: "active" } satisfies SiteMeta);
    insertSetPasswordToken(sql, owner.id, setPasswordHash, now);
  });
  await host.timers.cancel(SIGNUP_EXPIRY_TIMER);
  const key = readSetting<string>(sql, "site_key") ?? "";
  return { status: "active", setPasswordUrl: setPasswordLink(linkBase.replace(/\/$/, ""), key, setPassword) };
}

/** The expiry timer: a site still waiting for confirmation is wiped (its key is free again); true when it was. */
export function expireUnconfirmed(sql: SqlStorage): boolean {
  if (!readSetting(sql, "settings") || siteMeta(sql).status !== "pending_confirmation") return false;
  wipeTables(sql);
  return true;
}

/** Deletes every row of every table but the schema version (the alarm code still runs after). */
export function wipeTables(sql: SqlStorage): void {
  const tables = sql
    .exec<{ name: string; sql: string | null }>(
      "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'schema_version'",
    )
    .toArray();
  const virtual = tables.filter((t) => /^CREATE VIRTUAL/i.test(t.sql ?? "")).map((t) => `${t.name}_`);
  for (const t of tables) {
    if (virtual.some((prefix) => t.name.startsWith(prefix))) continue; // shadow tables of a virtual table
    sql.exec(`DELETE FROM "${t.name.replace(/"/g, '""')}"`);
  }
}

function insertOwner(sql: SqlStorage, id: string, owner: NewSite["owner"], pw: PasswordHash, now: number): void {
  sql.exec(
    `INSERT INTO operators (id, email, name, role, pw_hash, pw_salt, pw_iterations, created_at)
     VALUES (?, ?, ?, 'owner', ?, ?, ?, ?)`,
    id,
    owner.email,
    owner.name,
    pw.hash,
    pw.salt,
    pw.iterations,
    now,
  );
}

/** A password-reset row that lives a week (the admin app's reset page completes it). */
function insertSetPasswordToken(sql: SqlStorage, operatorId: string, hash: string, now: number): void {
  sql.exec(
    "INSERT INTO password_resets (token_hash, operator_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
    hash,
    operatorId,
    now,
    now + SET_PASSWORD_TTL_MS,
  );
}

function setPasswordLink(base: string, siteKey: string, token: string): string {
  return `${base}/admin/reset-password?site=${encodeURIComponent(siteKey)}&token=${token}`;
}

/** The confirmation and welcome emails in the outbox (for the deployment owner). */
export function signupEmails(host: SiteHost) {
  const kinds = new Set<string>(SIGNUP_MAIL_KINDS);
  return host.mailer.list(500).filter((m) => kinds.has(m.kind));
}
