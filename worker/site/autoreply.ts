/** A site's auto-reply settings, and what a Conversation needs to choose a reply. */
import { defaultAutoReplySettings, validateAutoReplySettings, type AutoReplySettings } from "../autoreply";
import type { Contact } from "./index";
import type { SiteSettings } from "./settings";

/** Everything `runAutoReply` needs from the Site, in one round trip. */
export interface AutoReplyContext {
  settings: AutoReplySettings;
  siteLocale: string;
  teamName: string;
  contact: { locale: string | null; timezone: string | null; name: string | null };
  lastPage?: string;
  utmSource?: string;
  returning: boolean;
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
  };
}

export { validateAutoReplySettings };
