/**
 * Which Telegram account is which operator: one-time link codes (stored as their SHA-256,
 * valid LINK_CODE_TTL_MS, spent on first use) and the links they make (`telegram_links`).
 */
import { sha256Hex } from "../../lib/crypto";

export const LINK_CODE_TTL_MS = 15 * 60_000;
const CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

export type TelegramLink = {
  operator_id: string;
  user_id: number;
  chat_id: number;
  username: string | null;
};

/** A new code for `operatorId` (an older unused one of theirs stops working). */
export async function newLinkCode(
  sql: SqlStorage,
  operatorId: string,
  now = Date.now(),
): Promise<{ code: string; expiresAt: number }> {
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  const code = Array.from(bytes, (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join("");
  const expiresAt = now + LINK_CODE_TTL_MS;
  sql.exec("DELETE FROM telegram_codes WHERE operator_id = ? OR expires_at < ?", operatorId, now);
  sql.exec(
    "INSERT INTO telegram_codes (code_hash, operator_id, expires_at) VALUES (?, ?, ?)",
    await sha256Hex(code),
    operatorId,
    expiresAt,
  );
  return { code, expiresAt };
}

/**
 * Spends a code sent from Telegram user `from` and links them to the code's operator.
 * Returns the operator's id, or why not (unknown/used, expired).
 */
export async function redeemLinkCode(
  sql: SqlStorage,
  code: string,
  from: { userId: number; chatId: number; username: string | null },
  now = Date.now(),
): Promise<{ operatorId: string } | { refused: "unknown" | "expired" }> {
  const hash = await sha256Hex(code.trim().toUpperCase());
  const row = sql
    .exec<{ operator_id: string; expires_at: number }>(
      "SELECT o.id AS operator_id, c.expires_at FROM telegram_codes c JOIN operators o ON o.id = c.operator_id WHERE c.code_hash = ?",
      hash,
    )
    .toArray()[0];
  sql.exec("DELETE FROM telegram_codes WHERE code_hash = ?", hash);
  if (!row) return { refused: "unknown" };
  if (row.expires_at < now) return { refused: "expired" };
  sql.exec("DELETE FROM telegram_links WHERE user_id = ? OR operator_id = ?", from.userId, row.operator_id);
  sql.exec(
    "INSERT INTO telegram_links (operator_id, user_id, chat_id, username, linked_at) VALUES (?, ?, ?, ?, ?)",
    row.operator_id,
    from.userId,
    from.chatId,
    from.username,
    now,
  );
  return { operatorId: row.operator_id };
}

/** The link of a Telegram user whose operator is still on the team, or null. */
export function linkOfUser(sql: SqlStorage, userId: number): (TelegramLink & { name: string }) | null {
  return (
    sql
      .exec<TelegramLink & { name: string }>(
        "SELECT l.*, o.name FROM telegram_links l JOIN operators o ON o.id = l.operator_id WHERE l.user_id = ?",
        userId,
      )
      .toArray()[0] ?? null
  );
}

/** The link of an operator, or null. */
export function linkOfOperator(sql: SqlStorage, operatorId: string): TelegramLink | null {
  return sql.exec<TelegramLink>("SELECT * FROM telegram_links WHERE operator_id = ?", operatorId).toArray()[0] ?? null;
}

/** Unlinks an operator's Telegram account. */
export function unlink(sql: SqlStorage, operatorId: string): { unlinked: boolean } {
  return { unlinked: sql.exec("DELETE FROM telegram_links WHERE operator_id = ?", operatorId).rowsWritten > 0 };
}
