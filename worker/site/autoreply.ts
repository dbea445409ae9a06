/** A site's auto-reply settings (`settings` key `autoreply`), and what a Conversation needs to choose a reply. */
import { defaultAutoReplySettings, validateAutoReplySettings, type AutoReplySettings } from "../autoreply";
import { failure, type Failure } from "../lib/errors";
import type { SiteSettings } from "../protocol";
import * as audit from "./audit";
import { contactOf, type Contact } from "./contacts";
import { conversationsOf } from "./inbox";
import { readSetting, siteSettingsOf, writeSetting } from "./settings";

/** Everything `runAutoReply` needs from the Site, in one round trip. */
export interface AutoReplyContext {
  settings: AutoReplySettings;
  siteLocale: string;
  teamName: string;
  contact: { locale: string | null; timezone: string | null; name: string | null };
  lastPage?: string;
  utmSource?: string;
  returning: boolean;
  /** An operator is signed in to the admin now (the widget's header says "We are online"). */
  operatorsOnline: boolean;
}

/** The stored settings, or the defaults for the site's language and time zone. */
export function effectiveSettings(stored: AutoReplySettings | null, site: SiteSettings): AutoReplySettings {
  return stored ?? defaultAutoReplySettings(site.locale, site.timezone);
}

/** Builds the context from the site, the contact and how many conversations they had. */
export function replyContext(
  settings: AutoReplySettings,
  site: SiteSettings,
  contact: Contact | null,
  conversations: number,
  operatorsOnline = false,
): AutoReplyContext {
  const trail = contact?.trail;
  const lastPage = trail?.pages?.at(-1)?.url ?? trail?.landing;
  return {
    settings,
    siteLocale: site.locale,
    teamName: site.look.teamName || site.name,
    contact: { locale: contact?.locale ?? null, timezone: contact?.timezone ?? null, name: contact?.name ?? null },
    ...(lastPage ? { lastPage } : {}),
    ...(trail?.utm?.source ? { utmSource: trail.utm.source } : {}),
    returning: conversations > 1,
    operatorsOnline,
  };
}

/** The auto-reply settings in force (the defaults until the owner saves some), or null without a site. */
export function settingsInForce(sql: SqlStorage): AutoReplySettings | null {
  const site = siteSettingsOf(sql);
  return site ? effectiveSettings(readSetting<AutoReplySettings>(sql, "autoreply"), site) : null;
}

/** Whether any auto-reply rule is in force: none means no wait of this site is answered. */
export function hasRules(sql: SqlStorage): boolean {
  return (settingsInForce(sql)?.rules.length ?? 0) > 0;
}

/** Validates and saves auto-reply settings; a 400 names the field. */
export function saveSettings(sql: SqlStorage, actor: audit.Actor, input: unknown): AutoReplySettings | Failure {
  const checked = validateAutoReplySettings(input);
  if (!checked.ok) {
    return failure(400, "invalid_settings", `${checked.field}: ${checked.message}`, {
      fields: { [checked.field]: checked.message },
    });
  }
  const before = settingsInForce(sql);
  writeSetting(sql, "autoreply", checked.value);
  audit.record(sql, actor, "autoreply.update", null, audit.diff(before ?? {}, checked.value));
  return checked.value;
}

/** What a Conversation needs to choose an auto-reply for this visitor, in one round trip. */
export function contextOf(sql: SqlStorage, visitorId: string, operatorsOnline: boolean): AutoReplyContext | null {
  const site = siteSettingsOf(sql);
  if (!site) return null;
  const settings = effectiveSettings(readSetting<AutoReplySettings>(sql, "autoreply"), site);
  return replyContext(settings, site, contactOf(sql, visitorId), conversationsOf(sql, visitorId), operatorsOnline);
}
