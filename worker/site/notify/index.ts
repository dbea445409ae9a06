/**
 * Operator notifications away from the admin tab. The inbox feed hands over every stored
 * batch of summaries (`inboxChanged`); visitor messages that are news are queued per
 * operator who should hear of them (`notify_pending`, newest summary per conversation) and
 * sent together when the batch timer fires — one push per operator device, one Telegram
 * message per conversation — unless the operator has the admin open or is in quiet hours.
 * Nothing here runs on a conversation's message path.
 */
import { conversationStub } from "../../lib/jurisdiction";
import type { InboxEntry } from "../../protocol";
import { defer, type SiteHost } from "../host";
import { operatorsAtAdmin } from "../presence";
import { type PushRetry, retryPush as resendPush, sendPush } from "../push/deliver";
import { subscriptionsOf } from "../push/subscriptions";
import * as telegram from "../telegram/notify";
import { listTeam } from "../team/members";
import { quietHoursOf, wants } from "./prefs";
import {
  awaitsAnswer,
  audienceOf,
  callPayloadOf,
  eventOf,
  inQuietHours,
  isVisitorNews,
  pushPayloadOf,
  stillNews,
  stillWaiting,
  type News,
} from "./rules";

export { alertPrefsOf, quietHoursOf, savePrefs } from "./prefs";

export const NOTIFY_TIMER = "notify-batch";
/**
 * How long news gathers before it goes out: a visitor typing three lines makes one push. It
 * spans the gap between a conversation's summaries (1 s), so that the lines after the first
 * arrive with the next summary before the batch leaves.
 */
export const NOTIFY_BATCH_MS = 1_500;

/** Queues the news in a stored batch of summaries and arms the batch timer. */
export function inboxChanged(host: SiteHost, entries: InboxEntry[]): void {
  const { sql } = host;
  const news = entries.filter((e) => e.lastMessage?.author === "visitor" && e.status === "open");
  if (!news.length || !anyoneReachable(sql)) return;
  const team = listTeam(sql, new Set());
  const now = Date.now();
  let queued = false;
  for (const entry of news) {
    const seen =
      sql.exec<{ seq: number }>("SELECT seq FROM notify_seen WHERE conversation_id = ?", entry.id).toArray()[0]?.seq ??
      null;
    if (!isVisitorNews(entry, seen)) continue;
    sql.exec(
      "INSERT INTO notify_seen (conversation_id, seq) VALUES (?, ?) ON CONFLICT (conversation_id) DO UPDATE SET seq = excluded.seq",
      entry.id,
      entry.lastMessage!.seq,
    );
    for (const operatorId of audienceOf(entry, team)) {
      if (!wants(sql, operatorId, eventOf(entry, seen === null))) continue;
      sql.exec(
        `INSERT INTO notify_pending (operator_id, conversation_id, is_new, entry, at, after_seq) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (operator_id, conversation_id) DO UPDATE SET entry = excluded.entry, is_new = MAX(is_new, excluded.is_new)`,
        operatorId,
        entry.id,
        seen === null ? 1 : 0,
        JSON.stringify(entry),
        now,
        seen ?? 0,
      );
      queued = true;
    }
  }
  // The first news of a batch sets the timer; later news joins it (the wait never grows).
  if (queued && !host.timers.get(NOTIFY_TIMER))
    defer(host, "notify timer", host.timers.set(NOTIFY_TIMER, now + NOTIFY_BATCH_MS));
}

/** The batch timer's handler: sends each operator's queued news. */
export async function sendBatch(host: SiteHost, now = Date.now()): Promise<void> {
  const rows = host.sql
    .exec<{ operator_id: string; is_new: number; entry: string; after_seq: number }>(
      "SELECT operator_id, is_new, entry, after_seq FROM notify_pending ORDER BY at",
    )
    .toArray();
  host.sql.exec("DELETE FROM notify_pending");
  const team = listTeam(host.sql, new Set());
  const current = new Map<string, InboxEntry | null>();
  const byOperator = new Map<string, News[]>();
  for (const row of rows) {
    const entry = JSON.parse(row.entry) as InboxEntry;
    if (!current.has(entry.id)) current.set(entry.id, inboxEntry(host.sql, entry.id));
    if (!stillNews(entry, current.get(entry.id)!, row.operator_id, team)) continue;
    const list = byOperator.get(row.operator_id) ?? [];
    list.push({ entry, isNew: row.is_new === 1, afterSeq: row.after_seq });
    byOperator.set(row.operator_id, list);
  }
  const online = operatorsAtAdmin(host);
  const away = [...byOperator].filter(
    ([operatorId]) => !online.has(operatorId) && !inQuietHours(quietHoursOf(host.sql, operatorId), now),
  );
  if (telegram.reachesAnyone(host.sql))
    await addLines(
      host,
      away.flatMap(([, news]) => news),
    );
  const sends: Promise<unknown>[] = [];
  // The team's group hears each conversation once, if anyone it concerns is away.
  const forGroup = new Map<string, News>();
  for (const [operatorId, news] of away) {
    const payload = pushPayloadOf(news);
    for (const sub of subscriptionsOf(host.sql, operatorId)) sends.push(sendPush(host, sub, payload));
    for (const n of news) forGroup.set(n.entry.id, n);
  }
  // The group first: one that refuses the bot is unlinked, and operators' private chats hear it instead.
  const toTelegram = async () => {
    await telegram.notifyGroup(host, [...forGroup.values()]);
    await Promise.all(away.map(([operatorId, news]) => telegram.notifyOperator(host, operatorId, news)));
  };
  sends.push(toTelegram());
  await Promise.all(sends);
}

/**
 * A visitor calls: each operator who may take it (as for a message in that conversation),
 * away from the admin, out of quiet hours and wanting calls, gets a push on every device at
 * once — a call rings for less than a minute, so it does not wait for a batch. The push has
 * the conversation's tag, so the conversation's next push replaces it.
 */
export async function pushCall(host: SiteHost, conversationId: string, audioOnly: boolean, now = Date.now()) {
  const { sql } = host;
  const entry = inboxEntry(sql, conversationId);
  if (!entry || !anyoneReachable(sql)) return;
  const online = operatorsAtAdmin(host);
  const payload = callPayloadOf(entry, audioOnly);
  const sends: Promise<unknown>[] = [];
  for (const operatorId of audienceOf(entry, listTeam(sql, new Set()))) {
    if (online.has(operatorId) || !wants(sql, operatorId, "calls")) continue;
    if (inQuietHours(quietHoursOf(sql, operatorId), now)) continue;
    for (const sub of subscriptionsOf(sql, operatorId)) sends.push(sendPush(host, sub, payload));
  }
  await Promise.all(sends);
}

/**
 * The push retry timer's handler: a push the service refused for now goes again only while
 * one of its conversations still awaits an answer (a Retry-After may be long).
 */
export async function retryPush(host: SiteHost, job: PushRetry): Promise<void> {
  if (job.payload.conversationIds.some((id) => awaitsAnswer(inboxEntry(host.sql, id)))) await resendPush(host, job);
}

/** The Telegram retry timer's handler: the notification goes again only while the visitor still waits. */
export async function retryTelegram(host: SiteHost, job: telegram.TelegramRetry): Promise<void> {
  if (stillWaiting(job.news.entry, inboxEntry(host.sql, job.news.entry.id))) await telegram.resend(host, job);
}

/**
 * Forgets every way of reaching an operator away from the admin: their push devices, their
 * Telegram link and codes, and news queued for them. Called when they leave the team, their
 * role changes or their password is reset: a device or chat they no longer answer for must
 * stop receiving visitors' words, and they enable notifications again after signing in.
 */
export function forgetOperatorDevices(sql: SqlStorage, operatorId: string): { devices: number; telegram: boolean } {
  const devices = sql.exec("DELETE FROM push_subscriptions WHERE operator_id = ?", operatorId).rowsWritten;
  const telegram = sql.exec("DELETE FROM telegram_links WHERE operator_id = ?", operatorId).rowsWritten > 0;
  sql.exec("DELETE FROM telegram_codes WHERE operator_id = ?", operatorId);
  sql.exec("DELETE FROM notify_pending WHERE operator_id = ?", operatorId);
  return { devices, telegram };
}

/**
 * Gives each piece of news every visitor line it stands for (one question per conversation):
 * a burst's earlier lines reach the Site in no summary, and a Telegram reader answers from
 * what the message tells. News whose conversation does not answer keeps its newest line.
 */
async function addLines(host: SiteHost, news: News[]): Promise<void> {
  const siteKey = host.siteKey();
  // Operators told of the same lines share one read of them.
  const asked = new Map<string, Promise<string[] | undefined>>();
  const linesOf = (n: News) => {
    const upTo = n.entry.lastMessage?.seq ?? 0;
    const key = `${n.entry.id}:${n.afterSeq}:${upTo}`;
    let lines = asked.get(key);
    if (!lines) {
      const stub = siteKey ? conversationStub(host.env, n.entry.id) : null;
      lines = stub
        ? stub.visitorLinesBetween(siteKey!, n.afterSeq, upTo).catch((err: unknown) => {
            console.warn(`notify: lines of ${n.entry.id} not read`, err);
            return undefined;
          })
        : Promise.resolve(undefined);
      asked.set(key, lines);
    }
    return lines;
  };
  await Promise.all(
    news.map(async (n) => {
      const lines = await linesOf(n);
      if (lines?.length) n.lines = lines;
    }),
  );
}

/** The conversation as the inbox has it now, or null (erased). */
function inboxEntry(sql: SqlStorage, conversationId: string): InboxEntry | null {
  const raw = sql.exec<{ entry: string }>("SELECT entry FROM inbox WHERE id = ?", conversationId).toArray()[0];
  return raw ? (JSON.parse(raw.entry) as InboxEntry) : null;
}

/** True when some operator has a device or a Telegram chat to reach: otherwise nothing is queued. */
function anyoneReachable(sql: SqlStorage): boolean {
  return (
    sql
      .exec<{ n: number }>(
        `SELECT (EXISTS (SELECT 1 FROM push_subscriptions) OR EXISTS (SELECT 1 FROM telegram_links)
           OR EXISTS (SELECT 1 FROM settings WHERE key = 'telegram_group')) AS n`,
      )
      .one().n === 1
  );
}
