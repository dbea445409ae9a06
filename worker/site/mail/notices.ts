/** Emails to operators about the site's chats (a new chat while nobody is online). */
import { newChatEmail } from "../../email";
import type { InboxEntry } from "../../protocol";
import type { SiteHost } from "../host";
import { siteSettingsOf } from "../settings";
import { readEmailSettings } from "./settings";

/** Emails every operator that a conversation started while none of them was online. */
export async function notifyOperatorsOfNewChat(host: SiteHost, entry: InboxEntry): Promise<void> {
  const site = siteSettingsOf(host.sql);
  if (!site || !readEmailSettings(host.sql).notifyOperators) return;
  const operators = host.sql.exec<{ email: string; name: string }>("SELECT email, name FROM operators").toArray();
  const adminUrl = `${(host.env.PUBLIC_URL ?? "http://localhost:8787").replace(/\/$/, "")}/admin/c/${entry.id}`;
  const mail = newChatEmail({
    site: site.name, locale: site.locale, visitor: entry.visitorName ?? entry.email ?? "Visitor",
    text: entry.lastMessage?.text ?? "", adminUrl,
  });
  for (const op of operators) await host.mailer.send({ kind: "notify", to: op.email, toName: op.name, ...mail });
}
