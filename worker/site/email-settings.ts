/** A site's email settings, and what a Conversation needs to write its emails. */
import { z } from "zod";
import type { Env } from "../env";
import type { Contact } from "./index";
import { senderOf } from "./outbox";
import type { SiteSettings } from "./settings";

export const emailSettings = z.object({
  /** Minutes an operator's answer may stay unseen in the widget before it is emailed (0: at once). */
  followupDelayMinutes: z.number().int().min(0, "between 0 and 1440 minutes").max(1440, "between 0 and 1440 minutes").default(2),
  /** Email operators when a conversation starts and none of them is online. */
  notifyOperators: z.boolean().default(true),
});
export type EmailSettings = z.infer<typeof emailSettings>;

export interface EmailContext {
  siteName: string;
  siteLocale: string;
  timezone: string;
  followupDelayMs: number;
  /** Where "open the chat" links: the visitor's last page, or the shop's origin. */
  chatUrl: string | null;
  /** This deployment's URL, for unsubscribe links. */
  publicUrl: string;
  senderDomain: string;
}

/** Builds the context from settings and what we know of the visitor. */
export function emailContext(env: Env, site: SiteSettings, settings: EmailSettings, contact: Contact | null): EmailContext {
  const trail = contact?.trail;
  const page = trail?.pages?.at(-1)?.url ?? trail?.landing;
  const shop = site.allowedOrigins.find((o) => !o.endsWith(":*"));
  const chatUrl = page ?? shop ?? null;
  return {
    siteName: site.name,
    siteLocale: site.locale,
    timezone: site.timezone,
    followupDelayMs: settings.followupDelayMinutes * 60_000,
    chatUrl: chatUrl ? withOpenFlag(chatUrl) : null,
    publicUrl: (env.PUBLIC_URL ?? "http://localhost:8787").replace(/\/$/, ""),
    senderDomain: senderOf(env, site.name).address.split("@")[1] ?? "edgechat.localhost",
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
