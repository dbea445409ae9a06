/**
 * Emails to operators about the site's chats (a new chat while nobody is online). At most
 * one email per operator per NOTICE_INTERVAL_MS: the first new chat is told at once, the
 * ones after it wait in `notice_queue` and go out as one digest when the interval is over,
 * so a flood of conversations cannot flood the team's mailboxes nor the site's email budget.
 */
import { escapeHtml, newChatEmail } from "../../email";
import type { InboxEntry } from "../../protocol";
import type { SiteHost } from "../host";
import { readSetting, siteSettingsOf, writeSetting } from "../settings";
import { readEmailSettings } from "./settings";

export const NOTICE_DIGEST_TIMER = "operator-notice-digest";
export const NOTICE_INTERVAL_MS = 10 * 60_000;
/** Conversations named in one digest; the rest are counted. */
const DIGEST_LIST = 20;
const LAST_SENT = "operator_notice_at";

type Queued = { visitor: string; text: string; id: string };

function adminUrl(host: SiteHost, id?: string): string {
  const base = (host.env.PUBLIC_URL ?? "http://localhost:8787").replace(/\/$/, "");
  return id ? `${base}/admin/c/${id}` : `${base}/admin/`;
}

function queued(entry: InboxEntry): Queued {
  return {
    id: entry.id,
    visitor: entry.visitorName ?? entry.email ?? "Visitor",
    text: (entry.lastMessage?.text ?? "").slice(0, 200),
  };
}

/** Tells operators that a conversation started while none of them was online. */
export async function notifyOperatorsOfNewChat(host: SiteHost, entry: InboxEntry, now = Date.now()): Promise<void> {
  if (!siteSettingsOf(host.sql) || !readEmailSettings(host.sql).notifyOperators) return;
  const last = readSetting<number>(host.sql, LAST_SENT) ?? 0;
  if (now - last >= NOTICE_INTERVAL_MS) return sendNotices(host, [queued(entry)], 1, now);
  host.sql.exec(
    "INSERT INTO notice_queue (conversation_id, item, at) VALUES (?, ?, ?) ON CONFLICT (conversation_id) DO NOTHING",
    entry.id,
    JSON.stringify(queued(entry)),
    now,
  );
  if (!host.timers.get(NOTICE_DIGEST_TIMER)) await host.timers.set(NOTICE_DIGEST_TIMER, last + NOTICE_INTERVAL_MS);
}

/** The digest timer: one email per operator with the conversations queued since the last notice. */
export async function sendDigest(host: SiteHost, now = Date.now()): Promise<void> {
  const rows = host.sql.exec<{ item: string }>("SELECT item FROM notice_queue ORDER BY at").toArray();
  host.sql.exec("DELETE FROM notice_queue");
  if (!rows.length || !readEmailSettings(host.sql).notifyOperators) return;
  await sendNotices(
    host,
    rows.slice(0, DIGEST_LIST).map((r) => JSON.parse(r.item) as Queued),
    rows.length,
    now,
  );
}

async function sendNotices(host: SiteHost, items: Queued[], total: number, now: number): Promise<void> {
  const site = siteSettingsOf(host.sql);
  if (!site) return;
  writeSetting(host.sql, LAST_SENT, now);
  const mail =
    total === 1
      ? newChatEmail({
          site: site.name,
          locale: site.locale === "ru" ? "ru" : "en",
          visitor: items[0]!.visitor,
          text: items[0]!.text,
          adminUrl: adminUrl(host, items[0]!.id),
        })
      : digestEmail(site.name, site.locale, items, total, adminUrl(host));
  const operators = host.sql.exec<{ email: string; name: string }>("SELECT email, name FROM operators").toArray();
  for (const op of operators) await host.mailer.send({ kind: "notify", to: op.email, toName: op.name, ...mail });
}

function digestEmail(siteName: string, locale: string, items: Queued[], total: number, url: string) {
  const ru = locale === "ru";
  const subject = ru ? `${total} новых чатов: ${siteName}` : `${total} new chats on ${siteName}`;
  const intro = ru
    ? `Пока никого из операторов не было в сети, начались ${total} чатов:`
    : `${total} chats started while no operator was online:`;
  const more =
    total > items.length ? (ru ? `…и ещё ${total - items.length}.` : `…and ${total - items.length} more.`) : "";
  const answer = ru ? "Ответить:" : "Answer them in the admin:";
  const lines = items.map((i) => `${i.visitor}: ${i.text}`);
  return {
    subject,
    text: `${intro}\n\n${lines.join("\n")}${more ? `\n${more}` : ""}\n\n${answer} ${url}\n`,
    html:
      `<p>${escapeHtml(intro)}</p><ul>${items.map((i) => `<li><b>${escapeHtml(i.visitor)}</b>: ${escapeHtml(i.text)}</li>`).join("")}</ul>` +
      `${more ? `<p>${escapeHtml(more)}</p>` : ""}<p><a href="${escapeHtml(url)}">${escapeHtml(answer)}</a></p>`,
  };
}
