/** A site's email settings (`settings` key `email`), and what a Conversation needs to write its emails. */
import type { Env } from "../../env";
import { failure, type Failure } from "../../lib/errors";
import { emailSettings, type EmailSettings, type SiteSettings } from "../../protocol";
import * as audit from "../audit";
import { contactOf, type Contact } from "../contacts";
import type { SiteHost } from "../host";
import { readSetting, siteSettingsOf, writeSetting } from "../settings";
import { senderOf } from "./outbox";

export interface EmailContext {
  siteName: string;
  siteLocale: string;
  timezone: string;
  /** What the visitor's widget said (language, IANA zone), when it said it. */
  visitorLocale: string | null;
  visitorTimezone: string | null;
  followupDelayMs: number;
  /** Where "open the chat" links: the visitor's last page, or the shop's origin. */
  chatUrl: string | null;
  /** This deployment's URL, for unsubscribe links. */
  publicUrl: string;
  senderDomain: string;
  /** How visitors rate a resolved conversation (the rating email's links). */
  ratingScale: "five" | "thumbs";
}

/** Builds the context from settings and what we know of the visitor. */
export function emailContext(
  env: Env,
  site: SiteSettings,
  settings: EmailSettings,
  contact: Contact | null,
): EmailContext {
  const trail = contact?.trail;
  const page = trail?.pages?.at(-1)?.url ?? trail?.landing;
  const shop = site.allowedOrigins.find((o) => !o.endsWith(":*"));
  const chatUrl = page ?? shop ?? null;
  return {
    siteName: site.name,
    siteLocale: site.locale,
    timezone: site.timezone,
    visitorLocale: contact?.locale ?? null,
    visitorTimezone: contact?.timezone ?? null,
    followupDelayMs: settings.followupDelayMinutes * 60_000,
    chatUrl: chatUrl ? withOpenFlag(chatUrl) : null,
    publicUrl: (env.PUBLIC_URL ?? "http://localhost:8787").replace(/\/$/, ""),
    senderDomain: senderOf(env, site.name).address.split("@")[1] ?? "edgechat.localhost",
    ratingScale: site.rating?.scale ?? "five",
  };
}

/** Adds `edgechat=open`, which makes the widget open the chat on arrival. */
function withOpenFlag(url: string): string {
  try {
    const u = new URL(url);
    u.searchParams.set("edgechat", "open");
    return u.toString();
  } catch {
    return url;
  }
}

/** The site's email settings (follow-up delay, operator notifications), defaults filled in. */
export function readEmailSettings(sql: SqlStorage): EmailSettings {
  return emailSettings.parse(readSetting(sql, "email") ?? {});
}

/** Validates and saves email settings; a 400 names the field. */
export function saveEmailSettings(sql: SqlStorage, actor: audit.Actor, input: unknown): EmailSettings | Failure {
  const parsed = emailSettings.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".") || "_";
    return failure(400, "invalid_settings", `${field}: ${issue.message}`, {
      fields: { [field]: `${field}: ${issue.message}` },
    });
  }
  const before = readEmailSettings(sql);
  writeSetting(sql, "email", parsed.data);
  audit.record(sql, actor, "email.update", null, audit.diff(before, parsed.data));
  return parsed.data;
}

/** What a Conversation needs to write a follow-up or transcript for this visitor. */
export function emailContextOf(host: SiteHost, visitorId: string): EmailContext | null {
  const site = siteSettingsOf(host.sql);
  if (!site) return null;
  return emailContext(host.env, site, readEmailSettings(host.sql), contactOf(host.sql, visitorId));
}
