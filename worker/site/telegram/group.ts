/**
 * The team's Telegram group: the owner or an admin makes a one-time code in the admin and
 * posts `/link CODE` (or `/start CODE`) in a group the bot was added to; from then on the
 * notifications go to that group, once per conversation, instead of each operator's private
 * chat. A reply there is posted as the operator whose Telegram account is linked; other
 * members are refused with a short note. Settings keys `telegram_group` and
 * `telegram_group_code` (the code only as its SHA-256).
 */
import { sha256Hex } from "../../lib/crypto";
import { readSetting, writeSetting } from "../settings";
import { LINK_CODE_TTL_MS } from "./links";

const GROUP = "telegram_group";
const GROUP_CODE = "telegram_group_code";
const CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

export interface TeamGroup {
  chatId: number;
  title: string;
  linkedAt: number;
}

/** The linked group, or null. */
export function teamGroup(sql: SqlStorage): TeamGroup | null {
  return readSetting<TeamGroup>(sql, GROUP);
}

/** A new group code (an older unused one stops working). Codes of groups start with G. */
export async function newGroupCode(sql: SqlStorage, now = Date.now()): Promise<{ code: string; expiresAt: number }> {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  const code = `G${Array.from(bytes, (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join("")}`;
  const expiresAt = now + LINK_CODE_TTL_MS;
  writeSetting(sql, GROUP_CODE, { hash: await sha256Hex(code), expiresAt });
  return { code, expiresAt };
}

/** True when `code` looks like a group code (so a private /start sends it here). */
export function isGroupCode(code: string): boolean {
  return /^G[A-Z2-9]{9}$/.test(code.trim().toUpperCase());
}

/** Spends a group code posted in `chat`: links the group, or says why not. */
export async function redeemGroupCode(
  sql: SqlStorage,
  code: string,
  chat: { id: number; title: string },
  now = Date.now(),
): Promise<TeamGroup | { refused: "unknown" | "expired" }> {
  const stored = readSetting<{ hash: string; expiresAt: number }>(sql, GROUP_CODE);
  if (!stored || stored.hash !== (await sha256Hex(code.trim().toUpperCase()))) return { refused: "unknown" };
  sql.exec("DELETE FROM settings WHERE key = ?", GROUP_CODE);
  if (stored.expiresAt < now) return { refused: "expired" };
  const group = { chatId: chat.id, title: chat.title.slice(0, 200), linkedAt: now };
  writeSetting(sql, GROUP, group);
  return group;
}

/**
 * Telegram upgraded the group to a supergroup, which has a new chat id (it says so when a
 * message to the old id is refused): the link follows it. True when the group is at `to` now
 * (followed here, or by an earlier message of the same batch).
 */
export function followUpgrade(sql: SqlStorage, from: number, to: number): boolean {
  const group = teamGroup(sql);
  if (group?.chatId === to) return true;
  if (group?.chatId !== from) return false;
  writeSetting(sql, GROUP, { ...group, chatId: to });
  return true;
}

/** Unlinks the group; notifications go to operators' private chats again. */
export function unlinkGroup(sql: SqlStorage): { unlinked: boolean } {
  const was = !!teamGroup(sql);
  sql.exec("DELETE FROM settings WHERE key IN (?, ?)", GROUP, GROUP_CODE);
  return { unlinked: was };
}
