/**
 * Telegram notifications: one message per conversation to the operator's linked chat, with
 * the visitor's name, page and message, and Take / Resolve buttons. Each sent message is
 * remembered (`telegram_messages`) so a reply to it or a button on it finds its conversation.
 */
import { GrammyError, HttpError } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import { cutText } from "../../lib/cut";
import type { SiteHost } from "../host";
import type { News } from "../notify/rules";
import { visitorLabel } from "../notify/rules";
import { botApi, botSettings, type BotSettings } from "./bot";
import { followUpgrade, teamGroup, unlinkGroup } from "./group";
import { linkOfOperator } from "./links";

export const TELEGRAM_RETRY_TIMER = "telegram-retry";
/** Tries in all of one notification (the first and the retries). */
const MAX_TELEGRAM_ATTEMPTS = 5;

/** Messages older than this no longer map a reply to a conversation. */
export const MESSAGE_MEMORY_MS = 30 * 86_400_000;

export const BUTTONS: InlineKeyboardMarkup = {
  inline_keyboard: [
    [
      { text: "Take", callback_data: "take" },
      { text: "Resolve", callback_data: "resolve" },
    ],
  ],
};

/**
 * Sends an operator's news to their linked chat; does nothing without a bot or a link, or
 * when the team's group is linked (the group hears it instead: `notifyGroup`).
 */
export async function notifyOperator(host: SiteHost, operatorId: string, news: News[]): Promise<void> {
  const bot = botSettings(host.sql);
  const link = bot && !teamGroup(host.sql) && linkOfOperator(host.sql, operatorId);
  if (!bot || !link) return;
  await sendNews(host, bot, link.chat_id, news);
}

/** Sends a batch's news to the team's group, once per conversation; nothing without a group. */
export async function notifyGroup(host: SiteHost, news: News[]): Promise<void> {
  const bot = botSettings(host.sql);
  const group = bot && teamGroup(host.sql);
  if (!bot || !group || !news.length) return;
  await sendNews(host, bot, group.chatId, news);
}

async function sendNews(host: SiteHost, bot: BotSettings, chatId: number, news: News[]): Promise<void> {
  for (const item of news) await sendOne(host, bot, chatId, item);
  host.sql.exec("DELETE FROM telegram_messages WHERE at < ?", Date.now() - MESSAGE_MEMORY_MS);
}

/** A notification Telegram refused for now, sent again by the `telegram-retry` timer. */
export interface TelegramRetry {
  chatId: number;
  news: News;
  attempt: number;
}

/** Sends one notification; one refused for now (flood control, Telegram down) is tried again later. */
async function sendOne(host: SiteHost, bot: BotSettings, chatId: number, item: News, attempt = 1): Promise<void> {
  try {
    // Plain text, no parse_mode: whatever the visitor wrote is shown as text, never markup.
    const sent = await botApi(host.env, bot).sendMessage(chatId, textOf(host.sql, item), { reply_markup: BUTTONS });
    host.sql.exec(
      "INSERT OR REPLACE INTO telegram_messages (chat_id, message_id, conversation_id, at) VALUES (?, ?, ?, ?)",
      chatId,
      sent.message_id,
      item.entry.id,
      Date.now(),
    );
  } catch (err) {
    if (err instanceof GrammyError && err.error_code === 403) {
      console.warn(`telegram: chat ${chatId} refuses the bot (${err.description}); its link is dropped`);
      forgetChat(host.sql, chatId);
      return;
    }
    const upgradedTo = err instanceof GrammyError ? err.parameters.migrate_to_chat_id : undefined;
    if (upgradedTo !== undefined && attempt < MAX_TELEGRAM_ATTEMPTS && followUpgrade(host.sql, chatId, upgradedTo))
      return sendOne(host, bot, upgradedTo, item, attempt + 1);
    const wait = attempt < MAX_TELEGRAM_ATTEMPTS ? retryDelayMs(err, attempt) : null;
    if (wait === null) {
      console.error(`telegram: notifying chat ${chatId} failed`, err);
      return;
    }
    const job: TelegramRetry = { chatId, news: item, attempt: attempt + 1 };
    await host.timers.set(TELEGRAM_RETRY_TIMER, Date.now() + wait, job, `${chatId}:${item.entry.id}`);
  }
}

/**
 * A chat that refuses the bot for good (403: removed from the group, blocked by the operator)
 * is no longer linked: news goes to private chats again instead of a group nobody reads from,
 * and the admin shows the operator's Telegram as not linked, as it is.
 */
function forgetChat(sql: SqlStorage, chatId: number): void {
  if (teamGroup(sql)?.chatId === chatId) unlinkGroup(sql);
  else sql.exec("DELETE FROM telegram_links WHERE chat_id = ?", chatId);
}

/**
 * The retry timer's handler: sends the notification again if the bot is still connected and
 * the chat still hears of news (a link or the team's group). Whether the visitor still waits
 * is the caller's to decide (`notify/`).
 */
export async function resend(host: SiteHost, job: TelegramRetry): Promise<void> {
  const bot = botSettings(host.sql);
  if (!bot) return;
  const group = teamGroup(host.sql);
  const listening = group
    ? group.chatId === job.chatId
    : host.sql.exec("SELECT 1 FROM telegram_links WHERE chat_id = ?", job.chatId).toArray().length > 0;
  if (listening) await sendOne(host, bot, job.chatId, job.news, job.attempt);
}

/**
 * How long to wait before sending again, or null when waiting cannot help (the bot was
 * blocked, the chat is gone). A 429 says how long (`retry_after`); Telegram's groups take
 * 20 messages a minute, so a busy batch meets it.
 */
function retryDelayMs(err: unknown, attempt: number): number | null {
  const backoff = 2_000 * 2 ** (attempt - 1);
  if (err instanceof HttpError) return backoff;
  if (!(err instanceof GrammyError)) return null;
  if (err.error_code === 429) return Math.max(backoff, (err.parameters.retry_after ?? 0) * 1000);
  return err.error_code >= 500 ? backoff : null;
}

/** Telegram lets a bot delete a message it sent for 48 hours. */
const DELETABLE_MS = 48 * 3_600_000;

/** The notifications about `conversationIds` the bot may still delete, by chat (read before an erasure removes them). */
export function notificationsAbout(
  sql: SqlStorage,
  conversationIds: string[],
  now = Date.now(),
): Map<number, number[]> {
  const rows = sql
    .exec<{ chat_id: number; message_id: number }>(
      "SELECT chat_id, message_id FROM telegram_messages WHERE conversation_id IN (SELECT value FROM json_each(?)) AND at > ?",
      JSON.stringify(conversationIds),
      now - DELETABLE_MS,
    )
    .toArray();
  const byChat = new Map<number, number[]>();
  for (const r of rows) byChat.set(r.chat_id, [...(byChat.get(r.chat_id) ?? []), r.message_id]);
  return byChat;
}

/**
 * Deletes notifications from the chats they were sent to: an erased visitor's words do not
 * stay in operators' Telegram. Best effort: a chat may have deleted them or blocked the bot.
 */
export async function withdraw(host: SiteHost, sent: Map<number, number[]>): Promise<void> {
  const bot = botSettings(host.sql);
  if (!bot || !sent.size) return;
  const api = botApi(host.env, bot);
  for (const [chatId, ids] of sent) {
    for (let i = 0; i < ids.length; i += 100) {
      await api
        .deleteMessages(chatId, ids.slice(i, i + 100))
        .catch((err) => console.warn(`telegram: deleting notifications in chat ${chatId} failed`, err));
    }
  }
}

/** True when a connected bot has a linked chat or the team's group to tell news to. */
export function reachesAnyone(sql: SqlStorage): boolean {
  if (!botSettings(sql)) return false;
  return !!teamGroup(sql) || sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM telegram_links").one().n > 0;
}

/** The conversation a bot message of `chatId` was about, or null. */
export function conversationOfMessage(sql: SqlStorage, chatId: number, messageId: number): string | null {
  return (
    sql
      .exec<{ conversation_id: string }>(
        "SELECT conversation_id FROM telegram_messages WHERE chat_id = ? AND message_id = ?",
        chatId,
        messageId,
      )
      .toArray()[0]?.conversation_id ?? null
  );
}

/** Telegram takes at most 4,096 characters in a message. */
const TEXT_MAX = 4_096;
/** A page address longer than this is cut: the visitor's words matter more. */
const PAGE_MAX = 300;

function textOf(sql: SqlStorage, { entry, isNew, lines }: News): string {
  const page = lastPageOf(sql, entry.visitorId);
  const head = [
    `${isNew ? "New chat" : "Message"} from ${cutText(visitorLabel(entry), 300)}`,
    ...(page ? [`Page: ${cutText(page, PAGE_MAX)}`] : []),
    "",
  ].join("\n");
  const foot = "\n\nReply to this message to answer.";
  const words = lines?.length ? lines.join("\n") : (entry.lastMessage?.text ?? "");
  return `${head}\n${cutText(words, TEXT_MAX - head.length - foot.length - 1)}${foot}`;
}

/** The last page the visitor was on (their uploaded trail), if known. */
function lastPageOf(sql: SqlStorage, visitorId: string): string | null {
  const raw = sql
    .exec<{ trail: string | null }>("SELECT trail FROM contacts WHERE visitor_id = ?", visitorId)
    .toArray()[0]?.trail;
  if (!raw) return null;
  try {
    const trail = JSON.parse(raw) as { pages?: { url: string }[]; landing?: string };
    return trail.pages?.at(-1)?.url ?? trail.landing ?? null;
  } catch {
    return null;
  }
}
