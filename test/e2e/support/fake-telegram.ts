/**
 * A local fake of the Telegram Bot API (`POST /bot<token>/<method>`, JSON bodies), enough
 * for the Worker's bot: getMe, setWebhook, deleteWebhook, sendMessage, answerCallbackQuery,
 * deleteMessages.
 * It records every call; `deliver` plays Telegram and POSTs an update to the webhook set;
 * `refuseSends` makes the next sendMessage calls fail as Telegram's flood control does;
 * `upgradeGroup` turns a group into a supergroup with a new id, as Telegram does;
 * `removeBot` refuses messages to a chat as after the bot was removed from it (or blocked).
 */
import http from "node:http";

export const BOT_TOKEN = "123456789:AAEfakeTokenForTestsOnly_0123456789ab";

export interface BotCall {
  method: string;
  body: any;
  at: number;
  /** When the fake's answer went out (the Site takes it a moment after). */
  answeredAt?: number;
  /** The id of the message a sendMessage call made (none when it was refused). */
  messageId?: number;
}

export interface FakeTelegram {
  url: string;
  calls: BotCall[];
  webhook: { url: string; secret: string } | null;
  waitFor(method: string, match?: (body: any) => boolean, ms?: number): Promise<BotCall>;
  /**
   * Resolves a moment after the answer to `call` went out: the Site stores which chat a
   * notification is about once Telegram's answer reaches it, so an update answering the
   * notification is sent after that, as a person reads a message before replying to it.
   */
  seen(call: BotCall): Promise<void>;
  deliver(update: unknown, secret?: string): Promise<Response>;
  /** The next `count` sendMessage calls are answered 429 "Too Many Requests: retry after N". */
  refuseSends(count: number, retryAfterS: number): void;
  /** Messages to `from` are refused from now on: the group became the supergroup `to`. */
  upgradeGroup(from: number, to: number): void;
  /** Messages to `chatId` are refused with 403 from now on. */
  removeBot(chatId: number): void;
  close(): Promise<void>;
}

/** Starts the fake on a free port. */
export async function startFakeTelegram(): Promise<FakeTelegram> {
  const calls: BotCall[] = [];
  let nextMessageId = 1000;
  const refusals: number[] = [];
  const upgraded = new Map<number, number>();
  const removedFrom = new Set<number>();
  const fake: Partial<FakeTelegram> & { webhook: FakeTelegram["webhook"] } = { webhook: null };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? "");
      const reply = (status: number, json: unknown) =>
        res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(json));
      if (!m || m[1] !== BOT_TOKEN) return reply(401, { ok: false, error_code: 401, description: "Unauthorized" });
      const method = m[2]!;
      const text = Buffer.concat(chunks).toString();
      const body = text ? JSON.parse(text) : {};
      const call: BotCall = { method, body, at: Date.now() };
      calls.push(call);
      res.on("finish", () => {
        call.answeredAt = Date.now();
      });
      switch (method) {
        case "getMe":
          return reply(200, {
            ok: true,
            result: {
              id: 123456789,
              is_bot: true,
              first_name: "Shop bot",
              username: "shop_test_bot",
              can_join_groups: true,
              can_read_all_group_messages: false,
              supports_inline_queries: false,
              can_connect_to_business: false,
              has_main_web_app: false,
            },
          });
        case "setWebhook":
          fake.webhook = { url: body.url, secret: body.secret_token };
          return reply(200, { ok: true, result: true });
        case "sendMessage":
          if (removedFrom.has(body.chat_id)) {
            return reply(403, {
              ok: false,
              error_code: 403,
              description: "Forbidden: bot was kicked from the supergroup chat",
            });
          }
          if (upgraded.has(body.chat_id)) {
            return reply(400, {
              ok: false,
              error_code: 400,
              description: "Bad Request: group chat was upgraded to a supergroup chat",
              parameters: { migrate_to_chat_id: upgraded.get(body.chat_id) },
            });
          }
          if (String(body.text).length > 4096) {
            return reply(400, { ok: false, error_code: 400, description: "Bad Request: message is too long" });
          }
          if (refusals.length) {
            const retryAfter = refusals.shift()!;
            return reply(429, {
              ok: false,
              error_code: 429,
              description: `Too Many Requests: retry after ${retryAfter}`,
              parameters: { retry_after: retryAfter },
            });
          }
          call.messageId = nextMessageId++;
          return reply(200, {
            ok: true,
            result: {
              message_id: call.messageId,
              date: Math.floor(Date.now() / 1000),
              chat: { id: body.chat_id, type: "private" },
              text: body.text,
            },
          });
        case "deleteWebhook":
        case "answerCallbackQuery":
        case "deleteMessages":
          return reply(200, { ok: true, result: true });
        default:
          return reply(404, { ok: false, error_code: 404, description: "Not Found: method not found" });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return Object.assign(fake, {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    calls,
    async waitFor(method: string, match: (body: any) => boolean = () => true, ms = 8000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const call = calls.find((c) => c.method === method && match(c.body));
        if (call) return call;
        if (Date.now() > deadline)
          throw new Error(`fake Telegram: no ${method} call; got ${JSON.stringify(calls.map((c) => c.method))}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async seen(call: BotCall) {
      while (call.answeredAt === undefined) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 200));
    },
    deliver(update: unknown, secret = fake.webhook!.secret) {
      return fetch(fake.webhook!.url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret },
        body: JSON.stringify(update),
      });
    },
    removeBot(chatId: number) {
      removedFrom.add(chatId);
    },
    upgradeGroup(from: number, to: number) {
      upgraded.set(from, to);
    },
    refuseSends(count: number, retryAfterS: number) {
      for (let i = 0; i < count; i++) refusals.push(retryAfterS);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as FakeTelegram;
}
