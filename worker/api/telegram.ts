/**
 * The Telegram webhook: `POST /api/v1/telegram/:siteKey/webhook`. Telegram sends the secret
 * token set with the webhook in `X-Telegram-Bot-Api-Secret-Token`; the Site checks it, so a
 * forged update (another bot, or anyone who guessed the URL) is refused with 401.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { Env } from "../env";
import { ApiError, unwrap } from "../lib/errors";
import { siteStub } from "../lib/jurisdiction";
import { siteKey as siteKeySchema } from "../protocol";
import { readJson } from "./http";

export const SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";

/** The part of an Update we read before grammY does; the rest is Telegram's to shape. */
const update = z.looseObject({ update_id: z.number().int().nonnegative("update_id must be a non-negative integer") });

export const telegramWebhook = new Hono<{ Bindings: Env }>();

telegramWebhook.post("/:siteKey/webhook", async (c) => {
  const key = c.req.param("siteKey");
  const secret = c.req.header(SECRET_HEADER);
  if (!siteKeySchema.safeParse(key).success || !secret)
    throw new ApiError(401, "forbidden", `missing ${SECRET_HEADER}`);
  const body = await readJson(c, update);
  return c.json(unwrap(await siteStub(c.env, key).telegramUpdate(secret, body)));
});
