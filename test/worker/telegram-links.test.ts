/** Telegram link codes: one use each, and only within their time; the webhook refuses malformed updates. */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { siteStub } from "../../worker/lib/jurisdiction";
import { LINK_CODE_TTL_MS, linkOfUser, newLinkCode, redeemLinkCode } from "../../worker/site/telegram/links";
import { createSite, post } from "./helpers";

const OLGA = { userId: 555, chatId: 555, username: "olga" };

async function inSite<T>(siteKey: string, fn: (sql: SqlStorage, ownerId: string) => Promise<T>): Promise<T> {
  return runInDurableObject(siteStub(env, siteKey) as unknown as DurableObjectStub, async (_i, state) => {
    const sql = state.storage.sql;
    return fn(sql, sql.exec<{ id: string }>("SELECT id FROM operators WHERE role = 'owner'").one().id);
  });
}

describe("Telegram link codes", () => {
  it("link once; the same code again is refused", async () => {
    await createSite("tg-once");
    await inSite("tg-once", async (sql, ownerId) => {
      const { code } = await newLinkCode(sql, ownerId);
      expect(await redeemLinkCode(sql, code.toLowerCase(), OLGA)).toEqual({ operatorId: ownerId });
      expect(linkOfUser(sql, 555)).toMatchObject({ operator_id: ownerId, chat_id: 555, username: "olga" });
      expect(await redeemLinkCode(sql, code, { ...OLGA, userId: 556 })).toEqual({ refused: "unknown" });
      expect(linkOfUser(sql, 556)).toBeNull();
    });
  });

  it("refuses an expired code, and a code made before a newer one", async () => {
    await createSite("tg-expired");
    await inSite("tg-expired", async (sql, ownerId) => {
      const made = Date.now();
      const { code } = await newLinkCode(sql, ownerId, made);
      expect(await redeemLinkCode(sql, code, OLGA, made + LINK_CODE_TTL_MS + 1)).toEqual({ refused: "expired" });
      const first = await newLinkCode(sql, ownerId);
      await newLinkCode(sql, ownerId);
      expect(await redeemLinkCode(sql, first.code, OLGA)).toEqual({ refused: "unknown" });
    });
  });
});

describe("Telegram webhook", () => {
  it("refuses an update without a secret or with a malformed update_id", async () => {
    await createSite("tg-hook");
    expect((await post("/api/v1/telegram/tg-hook/webhook", { update_id: 1 })).status).toBe(401);
    const bad = await post(
      "/api/v1/telegram/tg-hook/webhook",
      { update_id: -1 },
      { "X-Telegram-Bot-Api-Secret-Token": "x" },
    );
    expect(bad.status).toBe(400);
    expect((await bad.json<any>()).error.message).toContain("update_id");
    const noBot = await post(
      "/api/v1/telegram/tg-hook/webhook",
      { update_id: 1 },
      { "X-Telegram-Bot-Api-Secret-Token": "x" },
    );
    expect(noBot.status).toBe(401);
  });
});
