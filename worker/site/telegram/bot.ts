/**
 * The site's Telegram bot: its token and webhook secret (settings key `telegram_bot`),
 * connecting (getMe, then setWebhook with a secret token Telegram echoes in
 * `X-Telegram-Bot-Api-Secret-Token`) and disconnecting. Bot API calls go through grammY,
 * which runs on Workers; its `apiRoot` is `TELEGRAM_API_URL`, so tests use a local fake.
 */
import { Api, Bot } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { Env } from "../../env";
import { randomToken } from "../../lib/crypto";
import { failure, fieldFailure, type Failure } from "../../lib/errors";
import * as audit from "../audit";
import type { SiteHost } from "../host";
import { readSetting, writeSetting } from "../settings";

const SETTING = "telegram_bot";
export const DEFAULT_TELEGRAM_API = "https://api.telegram.org";

export interface BotSettings {
  token: string;
  /** What Telegram sends back in X-Telegram-Bot-Api-Secret-Token; new on every connect. */
  secret: string;
  me: UserFromGetMe;
  connectedAt: number;
}

/** The connected bot, or null. */
export function botSettings(sql: SqlStorage): BotSettings | null {
  return readSetting<BotSettings>(sql, SETTING);
}

/** The Bot API's base URL of this deployment. */
export function apiRoot(env: Env): string {
  return (env.TELEGRAM_API_URL || DEFAULT_TELEGRAM_API).replace(/\/+$/, "");
}

/** A grammY client for the bot's API calls. */
export function botApi(env: Env, bot: BotSettings): Api {
  return new Api(bot.token, { apiRoot: apiRoot(env) });
}

/** A grammY bot that handles updates without asking Telegram who it is again. */
export function newBot(env: Env, bot: BotSettings): Bot {
  return new Bot(bot.token, { botInfo: bot.me, client: { apiRoot: apiRoot(env) } });
}

/** Where Telegram delivers this site's updates. */
export function webhookUrl(publicUrl: string, siteKey: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/api/v1/telegram/${siteKey}/webhook`;
}

/** Connects a bot by its BotFather token: checks it, sets the webhook with a fresh secret. */
export async function connectBot(
  host: SiteHost,
  actor: audit.Actor,
  token: string,
  publicUrl: string,
): Promise<{ botUsername: string } | Failure> {
  const siteKey = host.siteKey();
  if (!siteKey) return failure(404, "unknown_site", "no such site");
  const api = new Api(token, { apiRoot: apiRoot(host.env) });
  let me: UserFromGetMe;
  try {
    me = await api.getMe();
  } catch (err) {
    console.warn("telegram: getMe failed", err);
    return fieldFailure(
      400,
      "invalid_token",
      "token",
      "Telegram did not accept this token; copy it again from @BotFather",
    );
  }
  const secret = randomToken(32).replace(/[^A-Za-z0-9_-]/g, "");
  try {
    await api.setWebhook(webhookUrl(publicUrl, siteKey), {
      secret_token: secret,
      allowed_updates: ["message", "callback_query"],
      drop_pending_updates: true,
    });
  } catch (err) {
    console.warn("telegram: setWebhook failed", err);
    return failure(
      503,
      "telegram_unavailable",
      "Telegram refused the webhook; check that PUBLIC_URL is reachable over https and try again",
    );
  }
  writeSetting(host.sql, SETTING, { token, secret, me, connectedAt: Date.now() } satisfies BotSettings);
  audit.record(host.sql, actor, "telegram.connect", `@${me.username}`);
  return { botUsername: me.username };
}

/** Disconnects the bot: deletes the webhook (best effort) and forgets the token and links. */
export async function disconnectBot(host: SiteHost, actor: audit.Actor): Promise<{ disconnected: boolean }> {
  const bot = botSettings(host.sql);
  if (!bot) return { disconnected: false };
  await botApi(host.env, bot)
    .deleteWebhook()
    .catch((err) => console.warn("telegram: deleteWebhook failed", err));
  host.sql.exec("DELETE FROM settings WHERE key IN (?, 'telegram_group', 'telegram_group_code')", SETTING);
  host.sql.exec("DELETE FROM telegram_links");
  host.sql.exec("DELETE FROM telegram_codes");
  audit.record(host.sql, actor, "telegram.disconnect", `@${bot.me.username}`);
  return { disconnected: true };
}
