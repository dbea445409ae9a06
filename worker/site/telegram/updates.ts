/**
 * Updates Telegram delivers to the webhook: checked against the bot's secret, each
 * `update_id` handled once (Telegram delivers at least once), then handed to grammY:
 * `/start CODE` links an account, a reply to a notification is posted to its conversation
 * as the linked operator, and the Take / Resolve buttons act on it.
 */
import type { Bot, Context } from "grammy";
import { failure, type Failure } from "../../lib/errors";
import { conversationStub } from "../../lib/jurisdiction";
import { sameBytes } from "../../lib/crypto";
import type { SiteHost } from "../host";
import { newBot, botSettings } from "./bot";
import { isGroupCode, redeemGroupCode, teamGroup } from "./group";
import { linkOfUser, redeemLinkCode } from "./links";
import { conversationOfMessage } from "./notify";

/** update_ids are remembered this long; Telegram gives up redelivering within a day. */
const UPDATE_MEMORY_MS = 2 * 86_400_000;

/** Handles one webhook delivery; a wrong or missing secret is refused with 401. */
export async function handleUpdate(
  host: SiteHost,
  secret: string,
  update: { update_id: number },
): Promise<{ ok: true; duplicate: boolean } | Failure> {
  const bot = botSettings(host.sql);
  const enc = new TextEncoder();
  if (!bot || !sameBytes(enc.encode(secret), enc.encode(bot.secret))) {
    return failure(401, "forbidden", "this update does not carry the bot's secret token");
  }
  const now = Date.now();
  const claimed = host.sql.exec(
    "INSERT OR IGNORE INTO telegram_updates (update_id, at) VALUES (?, ?)",
    update.update_id,
    now,
  ).rowsWritten;
  if (claimed === 0) return { ok: true, duplicate: true };
  host.sql.exec("DELETE FROM telegram_updates WHERE at < ?", now - UPDATE_MEMORY_MS);
  try {
    const grammy = newBot(host.env, bot);
    install(host, grammy);
    await grammy.handleUpdate(update as Parameters<Bot["handleUpdate"]>[0]);
  } catch (err) {
    // Let Telegram deliver it again: the update is not spent.
    host.sql.exec("DELETE FROM telegram_updates WHERE update_id = ?", update.update_id);
    throw err;
  }
  return { ok: true, duplicate: false };
}

function install(host: SiteHost, bot: Bot): void {
  bot.chatType("private").command("start", (ctx) => link(host, ctx, ctx.match));
  bot.chatType("private").command("link", (ctx) => link(host, ctx, ctx.match));
  bot.chatType("private").on("message:text", (ctx) => reply(host, ctx));
  bot.chatType("private").on("message", (ctx) => notText(host, ctx));
  const groups = bot.chatType(["group", "supergroup"]);
  groups.command(["start", "link"], (ctx) => linkGroup(host, ctx, ctx.match));
  // In a group only a reply to one of our notifications is meant for a visitor.
  groups.on("message:text", (ctx) => (ctx.message.reply_to_message ? reply(host, ctx) : undefined));
  groups.on("message", (ctx) => (ctx.message.reply_to_message ? notText(host, ctx) : undefined));
  bot.on("callback_query:data", (ctx) => button(host, ctx));
}

async function linkGroup(host: SiteHost, ctx: Context, code: string): Promise<void> {
  if (!isGroupCode(code)) {
    await ctx.reply("Post the team group code from the admin (Settings → Notifications), e.g. /link GABCD2345E.");
    return;
  }
  const chat = ctx.chat as { id: number; title?: string };
  const result = await redeemGroupCode(host.sql, code, { id: chat.id, title: chat.title ?? "" });
  if ("refused" in result) {
    await ctx.reply(
      result.refused === "expired"
        ? "This group code has expired. Make a new one in the admin."
        : "This group code is unknown or was used already. Make a new one in the admin.",
    );
    return;
  }
  await ctx.reply(
    "This group now gets the team's chat notifications. Operators who linked their Telegram in the admin answer a visitor by replying to a notification.",
  );
}

async function link(host: SiteHost, ctx: Context, code: string): Promise<void> {
  if (!code.trim()) {
    await ctx.reply("Send the link code from the admin (Settings → Notifications), e.g. /start ABCD2345EF.");
    return;
  }
  const from = ctx.from!;
  const result = await redeemLinkCode(host.sql, code, {
    userId: from.id,
    chatId: ctx.chat!.id,
    username: from.username ?? null,
  });
  if ("refused" in result) {
    // A link code may start with G too, so the group's code is recognised only once no link code matched.
    const groupCode = result.refused === "unknown" && isGroupCode(code);
    await ctx.reply(
      groupCode
        ? `This is the team group's code: post /link ${code.trim().toUpperCase()} in the group the bot was added to.`
        : result.refused === "expired"
          ? "This link code has expired. Make a new one in the admin."
          : "This link code is unknown or was used already. Make a new one in the admin.",
    );
    return;
  }
  const group = teamGroup(host.sql);
  await ctx.reply(
    group
      ? `Linked. Notifications go to the team's group “${group.title}”; reply to one there to answer the visitor.`
      : "Linked. New chats and visitor messages will arrive here; reply to one to answer the visitor.",
  );
}

async function reply(host: SiteHost, ctx: Context): Promise<void> {
  const message = ctx.message!;
  const operator = linkOfUser(host.sql, ctx.from!.id);
  const inGroup = ctx.chat!.type !== "private";
  if (!operator) {
    await ctx.reply(
      inGroup
        ? "Not sent: only operators who linked their Telegram in the admin answer visitors from here."
        : "This Telegram account is not linked to an operator of this site. Make a link code in the admin (Settings → Notifications) and send it here.",
      inGroup ? { reply_parameters: { message_id: message.message_id } } : {},
    );
    return;
  }
  const target =
    message.reply_to_message && conversationOfMessage(host.sql, ctx.chat!.id, message.reply_to_message.message_id);
  if (!target) {
    await ctx.reply("Reply to a chat notification to answer that visitor.");
    return;
  }
  const stub = conversationStub(host.env, target);
  const result =
    stub &&
    (await stub.postOperatorReply(host.siteKey()!, {
      operator: { id: operator.operator_id, name: operator.name },
      text: message.text ?? "",
      clientId: `tg-${ctx.update.update_id}`,
    }));
  if (!result || "error" in result)
    await ctx.reply(`Not sent: ${result ? result.error.message : "no such conversation"}`);
}

/**
 * A photo, sticker, voice or file sent as an answer: only text is posted from Telegram, so
 * the operator is told it did not reach the visitor rather than left believing it did. In
 * a group, only a reply to one of our notifications is answered.
 */
async function notText(host: SiteHost, ctx: Context): Promise<void> {
  const message = ctx.message!;
  const inGroup = ctx.chat!.type !== "private";
  const target =
    message.reply_to_message && conversationOfMessage(host.sql, ctx.chat!.id, message.reply_to_message.message_id);
  if (inGroup && !target) return;
  await ctx.reply("Not sent: only text reaches the visitor from Telegram. Send files from the admin.", {
    reply_parameters: { message_id: message.message_id },
  });
}

async function button(host: SiteHost, ctx: Context): Promise<void> {
  const query = ctx.callbackQuery!;
  const operator = linkOfUser(host.sql, query.from.id);
  const target = query.message && conversationOfMessage(host.sql, query.message.chat.id, query.message.message_id);
  if (!operator || !target) {
    await ctx.answerCallbackQuery({
      text: operator ? "That chat is no longer known here." : "Link this Telegram account in the admin first.",
    });
    return;
  }
  const holder = query.data === "take" ? colleagueHolding(host.sql, target, operator.operator_id) : null;
  if (holder) {
    // A Take tapped on an older notification must not pull the chat away from a colleague on it.
    await ctx.answerCallbackQuery({ text: `${holder} has this chat already; take it over in the admin if you must.` });
    return;
  }
  const stub = conversationStub(host.env, target)!;
  const siteKey = host.siteKey()!;
  const result =
    query.data === "resolve"
      ? await stub.operatorAction(siteKey, { type: "resolve" })
      : await stub.operatorAction(siteKey, {
          type: "assign",
          assignee: operator.operator_id,
          department: departmentOf(host.sql, target),
        });
  await ctx.answerCallbackQuery({
    text:
      "error" in result
        ? `Not done: ${result.error.message}`
        : query.data === "resolve"
          ? "Resolved."
          : "The chat is yours.",
  });
}

/** The name of the teammate other than `operatorId` the conversation is assigned to, or null. */
function colleagueHolding(sql: SqlStorage, conversationId: string, operatorId: string): string | null {
  return (
    sql
      .exec<{ name: string }>(
        `SELECT o.name FROM inbox i JOIN operators o ON o.id = json_extract(i.entry, '$.assignee')
         WHERE i.id = ? AND o.id != ?`,
        conversationId,
        operatorId,
      )
      .toArray()[0]?.name ?? null
  );
}

/** The department the inbox lists a conversation under (taking it keeps it there). */
function departmentOf(sql: SqlStorage, conversationId: string): string | null {
  return (
    sql
      .exec<{ d: string | null }>(
        "SELECT json_extract(entry, '$.department') AS d FROM inbox WHERE id = ?",
        conversationId,
      )
      .toArray()[0]?.d ?? null
  );
}
