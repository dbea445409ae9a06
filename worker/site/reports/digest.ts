/**
 * The owners' weekly digest: a timer in the site's zone (Monday 08:00) sends each owner who
 * did not opt out the headline figures of last week against the week before. The timer is
 * armed by the first conversation the reports record, and re-armed only after a week that
 * had conversations, so a quiet site sends nothing and keeps no alarm.
 */
import { formatDate, parseDate } from "../../autoreply/calendar";
import { hmacSha256, sameBytes, fromBase64Url, toBase64Url } from "../../lib/crypto";
import { digestEmail, digestWeeks, figuresOf, nextDigestAt } from "../../reports";
import { conversionOf } from "./conversion";
import type { SiteHost } from "../host";
import { readSetting, siteSettingsOf, writeSetting } from "../settings";
import { dayRows, reportZone, rollUp } from "./record";

export const REPORTS_DIGEST_TIMER = "reports.digest";
/** Settings key: ids of owners who turned the digest off. */
const OPTED_OUT = "report_digest_off";
/** Settings key: by owner id, the first day of the last week whose digest went to them. */
const SENT_WEEK = "report_digest_sent";

/** Arms the digest for the next Monday morning unless it is armed. */
export async function armDigest(host: SiteHost, now = Date.now()): Promise<void> {
  if (host.timers.get(REPORTS_DIGEST_TIMER)) return;
  await host.timers.set(REPORTS_DIGEST_TIMER, nextDigestAt(reportZone(host.sql).timeZone, now));
}

/** The timer's handler: sends last week's digest to each subscribed owner if the week had conversations. */
export async function sendDigest(host: SiteHost, now = Date.now()): Promise<void> {
  const site = siteSettingsOf(host.sql);
  if (!site) return;
  await rollUp(host, true);
  const { timeZone } = reportZone(host.sql);
  const weeks = digestWeeks(timeZone, now);
  const opts = { missedAfterMs: 5 * 60_000, now };
  const week = ({ from, to }: { from: string; to: string }) => ({
    ...figuresOf(dayRows(host.sql, from, to), opts),
    conversion: conversionOf(host.sql, timeZone, from, to),
  });
  const last = week(weeks.last);
  if (last.conversations === 0) {
    // The next conversation arms the timer again; but this week's so far (a Monday before the
    // digest's hour) found this timer armed and armed none: the next Monday reports them.
    const to = parseDate(weeks.last.to)!;
    if (figuresOf(dayRows(host.sql, formatDate(to + 1), formatDate(to + 7)), opts).conversations > 0)
      await host.timers.set(REPORTS_DIGEST_TIMER, nextDigestAt(timeZone, now));
    return;
  }
  const before = week(weeks.before);
  const base = (host.env.PUBLIC_URL ?? "http://localhost:8787").replace(/\/$/, "");
  const off = new Set(readSetting<string[]>(host.sql, OPTED_OUT) ?? []);
  const owners = host.sql
    .exec<{ id: string; email: string; name: string }>("SELECT id, email, name FROM operators WHERE role = 'owner'")
    .toArray()
    .filter((o) => !off.has(o.id));
  for (const owner of owners) {
    const token = await digestToken(host.env.TOKEN_SECRET, host.siteKey() ?? "", owner.id);
    // Alarms are at-least-once (a restart while an email is on its way runs this again): the
    // week is marked as the owner's with the email queued, read after the await, so each goes once.
    const sent = readSetting<Record<string, string>>(host.sql, SENT_WEEK) ?? {};
    if (sent[owner.id] === weeks.last.from) continue;
    writeSetting(host.sql, SENT_WEEK, { ...sent, [owner.id]: weeks.last.from });
    const unsubscribeUrl = `${base}/api/v1/digest/unsubscribe?t=${token}`;
    const mail = digestEmail({
      site: site.name,
      locale: site.locale,
      weeks,
      last,
      before,
      reportsUrl: `${base}/admin/settings/reports`,
      unsubscribeUrl,
    });
    await host.mailer.send({
      kind: "digest",
      to: owner.email,
      toName: owner.name,
      ...mail,
      ...(unsubscribeUrl.startsWith("https://") ? { listUnsubscribe: { url: unsubscribeUrl } } : {}),
      headers: { "Auto-Submitted": "auto-generated" },
      secrets: [token],
    });
  }
  await host.timers.set(REPORTS_DIGEST_TIMER, nextDigestAt(timeZone, now));
}

/** Whether an owner gets the digest (the admin's checkbox). */
export function digestSubscribed(sql: SqlStorage, operatorId: string): boolean {
  return !(readSetting<string[]>(sql, OPTED_OUT) ?? []).includes(operatorId);
}

/** Turns an owner's digest on or off. */
export function setDigestSubscribed(sql: SqlStorage, operatorId: string, on: boolean): void {
  const off = new Set(readSetting<string[]>(sql, OPTED_OUT) ?? []);
  if (on) off.delete(operatorId);
  else off.add(operatorId);
  writeSetting(sql, OPTED_OUT, [...off]);
}

/** The unsubscribe link's token: the site and the owner, signed; it does not expire. */
export async function digestToken(secret: string, siteKey: string, operatorId: string): Promise<string> {
  const payload = `${siteKey}\n${operatorId}`;
  return `${toBase64Url(new TextEncoder().encode(payload))}.${toBase64Url(await hmacSha256(secret, `digest:${payload}`))}`;
}

/** The site and owner of a digest unsubscribe token, or null when it is not one of ours. */
export async function readDigestToken(
  secret: string,
  token: string,
): Promise<{ siteKey: string; operatorId: string } | null> {
  const match = /^([A-Za-z0-9_-]{4,400})\.([A-Za-z0-9_-]{43})$/.exec(token);
  const bytes = match ? fromBase64Url(match[1]!) : null;
  const sig = match ? fromBase64Url(match[2]!) : null;
  if (!bytes || !sig) return null;
  const payload = new TextDecoder().decode(bytes);
  if (!sameBytes(sig, await hmacSha256(secret, `digest:${payload}`))) return null;
  const [siteKey, operatorId] = payload.split("\n");
  return siteKey && operatorId ? { siteKey, operatorId } : null;
}
