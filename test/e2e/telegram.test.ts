/**
 * Telegram end to end against the real Worker and a local fake Bot API: the owner connects
 * a bot (the webhook is set with a secret), links their account with a one-time code, hears
 * of a visitor's message, and answers by replying in Telegram — the answer reaches the
 * visitor's socket. Redelivered updates, forged secrets, unlinked users and spent codes
 * change nothing; the team's group, linked with a code, gets the notifications and only linked
 * operators answer from it. A notification tells a burst whole within Telegram's 4,096
 * characters, is sent again after flood control, follows a group's upgrade to a supergroup and
 * goes to private chats once the group has removed the bot; an erasure deletes it from the chat.
 * In the admin (Chromium), an operator unlinks their Telegram and the owner disconnects the bot.
 * Prints the time from the visitor's message to the sendMessage call.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "./support/browser";
import { BOT_TOKEN, startFakeTelegram, type FakeTelegram } from "./support/fake-telegram";
import { newVisitor, OwnerClient, startServerWith, visitorSays, type LocalServer } from "./support/node-clients";

let server: LocalServer;
let telegram: FakeTelegram;
let owner: OwnerClient;
let updateId = 5000;

const OLGA = { id: 555, is_bot: false, first_name: "Olga", username: "olga_owner" };
const STRANGER = { id: 777, is_bot: false, first_name: "Eve" };

function message(from: typeof OLGA | typeof STRANGER, text: string, extra: Record<string, unknown> = {}) {
  const command = text.startsWith("/")
    ? [{ type: "bot_command", offset: 0, length: text.split(" ")[0]!.length }]
    : undefined;
  return {
    update_id: ++updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: from.id, type: "private" },
      from,
      text,
      ...(command ? { entities: command } : {}),
      ...extra,
    },
  };
}

function sentTo(chatId: number, contains: string) {
  return (body: any) => body.chat_id === chatId && String(body.text).includes(contains);
}

beforeAll(async () => {
  telegram = await startFakeTelegram();
  server = await startServerWith({ TELEGRAM_API_URL: telegram.url });
  owner = await OwnerClient.login(server);
});

afterAll(async () => {
  await server?.stop();
  await telegram?.close();
});

describe("Telegram", () => {
  it("refuses a malformed or rejected token, then connects the bot with a secret webhook", async () => {
    expect((await owner.api("PUT", "/telegram", { token: "nope" })).body.error.fields).toHaveProperty("token");
    const wrong = await owner.api("PUT", "/telegram", { token: "987654321:AAEsomeOtherTokenThatTelegramRefuses_x" });
    expect(wrong.status).toBe(400);
    const res = await owner.api("PUT", "/telegram", { token: BOT_TOKEN });
    expect(res.body).toEqual({ botUsername: "shop_test_bot" });
    expect(telegram.webhook!.url).toBe(`${server.url}/api/v1/telegram/demo/webhook`);
    expect(telegram.webhook!.secret.length).toBeGreaterThanOrEqual(32);
  });

  it("refuses an update without the bot's secret", async () => {
    expect((await telegram.deliver(message(OLGA, "/start X"), "forged")).status).toBe(401);
    const noHeader = await fetch(telegram.webhook!.url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    expect(noHeader.status).toBe(401);
  });

  it("links an operator with a one-time code; a spent code is refused", async () => {
    const { body } = await owner.api("POST", "/telegram/link-code");
    expect(body.code).toMatch(/^[A-Z2-9]{10}$/);
    expect((await telegram.deliver(message(OLGA, `/start ${body.code}`))).status).toBe(200);
    await telegram.waitFor("sendMessage", sentTo(OLGA.id, "Linked"));
    expect((await telegram.deliver(message(STRANGER, `/start ${body.code}`))).status).toBe(200);
    await telegram.waitFor("sendMessage", sentTo(STRANGER.id, "unknown or was used"));
    expect((await owner.api("GET", "/notifications")).body.telegram).toEqual({
      connected: true,
      botUsername: "shop_test_bot",
      linked: true,
      linkedAs: "@olga_owner",
      group: null,
    });
  });

  it("notifies the linked operator; a reply lands in the conversation once, as the operator", async () => {
    const visitor = await newVisitor(server, { pages: [{ url: "https://shop.example/boots", at: Date.now() }] });
    const sentAt = await visitorSays(visitor.socket, "Are the boots waterproof?");
    const note = await telegram.waitFor("sendMessage", sentTo(OLGA.id, "Are the boots waterproof?"));
    console.log(`telegram: visitor message → sendMessage call: ${note.at - sentAt} ms`);
    expect(note.body.text).toContain("New chat from A visitor");
    expect(note.body.text).toContain("Page: https://shop.example/boots");
    expect(note.body.parse_mode).toBeUndefined();
    expect(note.body.reply_markup.inline_keyboard[0].map((b: any) => b.callback_data)).toEqual(["take", "resolve"]);

    const notification = note.messageId!;
    await telegram.seen(note);
    const answer = message(OLGA, "Yes, fully waterproof.", {
      reply_to_message: { message_id: notification, date: 0, chat: { id: OLGA.id, type: "private" } },
    });
    expect((await telegram.deliver(answer)).status).toBe(200);
    const frame = await visitor.socket.next("message", (f) => f.message.text === "Yes, fully waterproof.");
    expect(frame.message.author).toMatchObject({ kind: "operator", name: "Owner" });

    // Telegram delivers at least once: the same update again posts nothing.
    const again = await telegram.deliver(answer);
    expect(await again.json()).toEqual({ ok: true, duplicate: true });
    await new Promise((r) => setTimeout(r, 500));
    expect(visitor.socket.frames.filter((f) => f.type === "message")).toEqual([]);

    const entryOf = async () =>
      (await owner.api("GET", "/conversations")).body.conversations.find((c: any) => c.id === visitor.conversationId);
    await expect.poll(entryOf).toMatchObject({ waitingSince: null, lastMessage: { author: "operator" } });
    const entry = await entryOf();
    expect(entry.assignee).toBeTruthy();
    visitor.socket.close();
  });

  it("refuses replies from a Telegram user who is not linked", async () => {
    const visitor = await newVisitor(server);
    await visitorSays(visitor.socket, "hello?");
    const note = await telegram.waitFor("sendMessage", sentTo(OLGA.id, "hello?"));
    const forged = message(STRANGER, "I am the operator", {
      reply_to_message: {
        message_id: note.messageId!,
        date: 0,
        chat: { id: OLGA.id, type: "private" },
      },
    });
    expect((await telegram.deliver(forged)).status).toBe(200);
    await telegram.waitFor("sendMessage", sentTo(STRANGER.id, "not linked"));
    await new Promise((r) => setTimeout(r, 300));
    expect(visitor.socket.frames.filter((f) => f.type === "message")).toEqual([]);
    visitor.socket.close();
  });

  it("sends a notification again after Telegram's flood control refused it", async () => {
    telegram.refuseSends(1, 1);
    const visitor = await newVisitor(server);
    await visitorSays(visitor.socket, "is the shop open on Sunday?");
    // The refused call is recorded too: the notification is the one Telegram accepted after it.
    await expect.poll(() => telegram.calls.filter((c) => sentTo(OLGA.id, "open on Sunday")(c.body)).length).toBe(2);
    visitor.socket.close();
  });

  it("says a photo or sticker sent as an answer did not reach the visitor", async () => {
    const visitor = await newVisitor(server);
    await visitorSays(visitor.socket, "what colour is it?");
    const note = await telegram.waitFor("sendMessage", sentTo(OLGA.id, "what colour is it?"));
    await telegram.seen(note);
    const replyTo = {
      message_id: note.messageId!,
      date: 0,
      chat: { id: OLGA.id, type: "private" },
    };
    const photo = message(OLGA, "", {
      text: undefined,
      photo: [{ file_id: "p1", file_unique_id: "u1", width: 90, height: 90 }],
      caption: "this one",
      reply_to_message: replyTo,
    });
    expect((await telegram.deliver(photo)).status).toBe(200);
    await telegram.waitFor("sendMessage", sentTo(OLGA.id, "Not sent: only text"));
    const sticker = message(OLGA, "", {
      text: undefined,
      sticker: {
        file_id: "s1",
        file_unique_id: "u2",
        type: "regular",
        width: 512,
        height: 512,
        is_animated: false,
        is_video: false,
      },
      reply_to_message: replyTo,
    });
    expect((await telegram.deliver(sticker)).status).toBe(200);
    await expect
      .poll(() => telegram.calls.filter((c) => sentTo(OLGA.id, "Not sent: only text")(c.body)).length)
      .toBe(2);
    expect(visitor.socket.frames.filter((f) => f.type === "message")).toEqual([]);
    visitor.socket.close();
  });

  it("resolves a conversation with the Resolve button", async () => {
    const visitor = await newVisitor(server);
    await visitorSays(visitor.socket, "please close this");
    const note = await telegram.waitFor("sendMessage", sentTo(OLGA.id, "please close this"));
    const messageId = note.messageId!;
    await telegram.seen(note);
    const press = {
      update_id: ++updateId,
      callback_query: {
        id: "cb1",
        from: OLGA,
        chat_instance: "x",
        data: "resolve",
        message: { message_id: messageId, date: 0, chat: { id: OLGA.id, type: "private" } },
      },
    };
    expect((await telegram.deliver(press)).status).toBe(200);
    await telegram.waitFor("answerCallbackQuery", (b) => b.callback_query_id === "cb1" && b.text === "Resolved.");
    // The inbox learns of it from the conversation's next summary to the Site, a moment later.
    const resolvedIds = async () =>
      (await owner.api("GET", "/conversations?status=resolved")).body.conversations.map((c: any) => c.id);
    await expect.poll(resolvedIds).toContain(visitor.conversationId);
    visitor.socket.close();
  });

  it("does not take a conversation a colleague has taken meanwhile with a notification's Take button", async () => {
    // A colleague, Ben, joins through the invite's link.
    expect(
      (await owner.api("POST", "/team/invites", { email: "ben@example.com", name: "Ben", role: "operator" })).status,
    ).toBe(201);
    // The invite goes out through the outbox; a local run prints its link on the console.
    const inviteLink = () =>
      (server as unknown as { consoleLinks(): string[] }).consoleLinks().findLast((l) => l.includes("token="));
    await expect.poll(inviteLink).toBeTruthy();
    const invite = new URL(inviteLink()!);
    const accepted = await fetch(`${server.url}/api/v1/admin/invites/accept`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: server.url },
      body: JSON.stringify({
        siteKey: "demo",
        token: invite.searchParams.get("token"),
        name: "Ben",
        password: "ben's long password",
      }),
    });
    expect(accepted.status).toBe(200);
    const ben = ((await accepted.json()) as { operator: { id: string } }).operator.id;

    const visitor = await newVisitor(server);
    await visitorSays(visitor.socket, "who can help with a refund?");
    const note = await telegram.waitFor("sendMessage", sentTo(OLGA.id, "help with a refund"));
    await telegram.seen(note);
    expect(
      (await owner.api("POST", `/conversations/${visitor.conversationId}/assign`, { operatorId: ben })).status,
    ).toBe(200);
    const assigneeOf = async () =>
      (await owner.api("GET", "/conversations")).body.conversations.find((c: any) => c.id === visitor.conversationId)
        .assignee;
    await expect.poll(assigneeOf).toBe(ben);
    const press = {
      update_id: ++updateId,
      callback_query: {
        id: "cb-take",
        from: OLGA,
        chat_instance: "x",
        data: "take",
        message: { message_id: note.messageId!, date: 0, chat: { id: OLGA.id, type: "private" } },
      },
    };
    expect((await telegram.deliver(press)).status).toBe(200);
    const answer = await telegram.waitFor("answerCallbackQuery", (b) => b.callback_query_id === "cb-take");
    expect(answer.body.text).toContain("Ben");
    expect(await assigneeOf()).toBe(ben);
    visitor.socket.close();
  });

  it("tells every line of a burst, not only the newest", async () => {
    const visitor = await newVisitor(server);
    // The middle line is longer than an inbox preview (200 characters): it is told whole.
    const paid = `it was paid on Monday, ${"with the card ending 0042, ".repeat(8)}and the shop said it was sent`;
    const lines = ["Hi, order 4417 never arrived", paid, "can you check the tracking?"];
    for (const line of lines) await visitorSays(visitor.socket, line);
    await telegram.waitFor("sendMessage", sentTo(OLGA.id, lines[2]!));
    const told = telegram.calls
      .filter((c) => c.method === "sendMessage" && c.body.chat_id === OLGA.id)
      .map((c) => String(c.body.text))
      .join("\n");
    for (const line of lines) expect(told).toContain(line);
    visitor.socket.close();
  });

  it("fits a long message from a long page address into one Telegram message", async () => {
    const page = `https://shop.example/catalog?${"filter=blue&".repeat(165)}`;
    const visitor = await newVisitor(server, { pages: [{ url: page, at: Date.now() }] });
    const story = `Order 5521: ${"the parcel came open and two cups are broken. ".repeat(84)}`;
    await visitorSays(visitor.socket, story);
    const note = await telegram.waitFor("sendMessage", sentTo(OLGA.id, "Order 5521"));
    expect(String(note.body.text).length).toBeLessThanOrEqual(4096);
    expect(note.messageId).toBeDefined();
    visitor.socket.close();
  });

  it("takes an erased visitor's words back from the Telegram chats they were told in", async () => {
    const visitor = await newVisitor(server);
    await visitorSays(visitor.socket, "my address is 12 Elm Street, flat 3");
    const note = await telegram.waitFor("sendMessage", sentTo(OLGA.id, "12 Elm Street"));
    await telegram.seen(note);
    const entry = (await owner.api("GET", "/conversations")).body.conversations.find(
      (c: any) => c.id === visitor.conversationId,
    );
    const erased = await owner.api("POST", `/contacts/${entry.visitorId}/erase`, { confirm: entry.visitorId });
    expect(erased.status).toBe(200);
    const withdrawn = await telegram.waitFor("deleteMessages", (b) => b.chat_id === OLGA.id);
    expect(withdrawn.body.message_ids).toEqual([note.messageId]);
    visitor.socket.close();
  });

  it("links the team's group with a one-time code; notifications go there, and only linked operators answer from it", async () => {
    const GROUP = { id: -1001234567, type: "supergroup", title: "Shop team" };
    const inGroup = (from: typeof OLGA | typeof STRANGER, text: string, extra: Record<string, unknown> = {}) => {
      const update = message(from, text, extra);
      return { ...update, message: { ...update.message, chat: GROUP } };
    };
    const { body } = await owner.api("POST", "/telegram/group-code");
    expect(body.code).toMatch(/^G[A-Z2-9]{9}$/);
    expect((await telegram.deliver(inGroup(STRANGER, "/link NOTACODE0"))).status).toBe(200);
    await telegram.waitFor("sendMessage", sentTo(GROUP.id, "Post the team group code"));
    // Sent to the bot in private by mistake, the group's code is explained, and not spent.
    expect((await telegram.deliver(message(OLGA, `/start ${body.code}`))).status).toBe(200);
    await telegram.waitFor("sendMessage", sentTo(OLGA.id, "post /link"));
    expect((await telegram.deliver(inGroup(STRANGER, `/link@shop_test_bot ${body.code}`))).status).toBe(200);
    await telegram.waitFor("sendMessage", sentTo(GROUP.id, "now gets the team's chat notifications"));
    expect((await owner.api("GET", "/notifications")).body.telegram.group).toEqual({ title: "Shop team" });
    // The code was spent.
    expect((await telegram.deliver(inGroup(STRANGER, `/link ${body.code}`))).status).toBe(200);
    await telegram.waitFor("sendMessage", sentTo(GROUP.id, "unknown or was used"));
    // An operator who links while the group is linked is told where notifications will come.
    const linkCode = (await owner.api("POST", "/telegram/link-code")).body.code;
    expect((await telegram.deliver(message(OLGA, `/start ${linkCode}`))).status).toBe(200);
    await telegram.waitFor("sendMessage", sentTo(OLGA.id, "go to the team's group “Shop team”"));

    const visitor = await newVisitor(server);
    await visitorSays(visitor.socket, "a question for the team");
    const note = await telegram.waitFor("sendMessage", sentTo(GROUP.id, "a question for the team"));
    await new Promise((r) => setTimeout(r, 500));
    expect(
      telegram.calls.some((c) => c.method === "sendMessage" && sentTo(OLGA.id, "a question for the team")(c.body)),
    ).toBe(false);
    const replyTo = {
      message_id: note.messageId!,
      date: 0,
      chat: GROUP,
    };

    expect((await telegram.deliver(inGroup(STRANGER, "I'll take it", { reply_to_message: replyTo }))).status).toBe(200);
    await telegram.waitFor("sendMessage", sentTo(GROUP.id, "only operators who linked their Telegram"));
    await new Promise((r) => setTimeout(r, 300));
    expect(visitor.socket.frames.filter((f) => f.type === "message")).toEqual([]);

    const answer = inGroup(OLGA, "Answered from the team group.", { reply_to_message: replyTo });
    expect((await telegram.deliver(answer)).status).toBe(200);
    const frame = await visitor.socket.next("message", (f) => f.message.text === "Answered from the team group.");
    expect(frame.message.author).toMatchObject({ kind: "operator", name: "Owner" });
    expect(await (await telegram.deliver(answer)).json()).toEqual({ ok: true, duplicate: true });

    expect((await owner.api("DELETE", "/telegram/group")).body).toEqual({ unlinked: true });
    await visitorSays(visitor.socket, "back to private chats");
    await telegram.waitFor("sendMessage", sentTo(OLGA.id, "back to private chats"));
    visitor.socket.close();
  });

  it("follows the team's group when Telegram upgrades it to a supergroup", async () => {
    const OLD = { id: -4242, type: "group", title: "Shop staff" };
    const NEW_ID = -1009876543210;
    const { body } = await owner.api("POST", "/telegram/group-code");
    const link = message(OLGA, `/link ${body.code}`);
    expect((await telegram.deliver({ ...link, message: { ...link.message, chat: OLD } })).status).toBe(200);
    await telegram.waitFor("sendMessage", sentTo(OLD.id, "now gets the team's chat notifications"));
    telegram.upgradeGroup(OLD.id, NEW_ID);

    const visitor = await newVisitor(server);
    await visitorSays(visitor.socket, "a question after the upgrade");
    await telegram.waitFor("sendMessage", sentTo(NEW_ID, "a question after the upgrade"));
    await visitorSays(visitor.socket, "and one more");
    await telegram.waitFor("sendMessage", sentTo(NEW_ID, "and one more"));
    expect((await owner.api("GET", "/notifications")).body.telegram.group).toEqual({ title: "Shop staff" });
    expect((await owner.api("DELETE", "/telegram/group")).body).toEqual({ unlinked: true });
    visitor.socket.close();
  });
});

describe("Telegram, a team group the bot was removed from", () => {
  it("is unlinked, and its news reaches operators' private chats instead", async () => {
    const GONE = { id: -100555, type: "supergroup", title: "Old team chat" };
    const { body } = await owner.api("POST", "/telegram/group-code");
    const link = message(OLGA, `/link ${body.code}`);
    expect((await telegram.deliver({ ...link, message: { ...link.message, chat: GONE } })).status).toBe(200);
    await telegram.waitFor("sendMessage", sentTo(GONE.id, "now gets the team's chat notifications"));
    telegram.removeBot(GONE.id);

    const visitor = await newVisitor(server);
    await visitorSays(visitor.socket, "does anyone read this group?");
    await telegram.waitFor("sendMessage", sentTo(OLGA.id, "does anyone read this group?"));
    expect((await owner.api("GET", "/notifications")).body.telegram.group).toBeNull();
    visitor.socket.close();
  });
});

describe("Telegram in the admin", () => {
  it("lets an operator unlink their Telegram and the owner disconnect the bot", async () => {
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext({ locale: "en-US" });
      const page = await context.newPage();
      page.on("dialog", (d) => void d.accept());
      await page.goto(`${server.url}/healthz`);
      const login = await page.evaluate(async (who) => {
        const res = await fetch("/api/v1/admin/login", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ siteKey: "demo", ...who }),
        });
        return res.status;
      }, server.owner);
      expect(login).toBe(200);
      await page.goto(`${server.url}/admin/settings/notifications`);
      const screen = page.locator("ec-settings-notifications");
      await screen.getByText("Linked to @olga_owner.").waitFor();

      await screen.getByRole("button", { name: "Unlink my Telegram" }).click();
      await screen.getByText("Linked to @olga_owner.").waitFor({ state: "detached" });
      expect((await owner.api("GET", "/notifications")).body.telegram).toMatchObject({
        connected: true,
        linked: false,
      });
      // Olga's chat hears of visitors no more.
      const visitor = await newVisitor(server);
      await visitorSays(visitor.socket, "is anyone still in Telegram?");
      await new Promise((r) => setTimeout(r, 2000));
      expect(
        telegram.calls.some((c) => c.method === "sendMessage" && sentTo(OLGA.id, "still in Telegram")(c.body)),
      ).toBe(false);
      visitor.socket.close();

      await screen.getByRole("button", { name: "Disconnect the bot" }).click();
      await screen.getByText("No Telegram bot is connected yet.").waitFor();
      await telegram.waitFor("deleteWebhook");
      expect((await owner.api("GET", "/notifications")).body.telegram).toMatchObject({ connected: false });
    } finally {
      await browser.close();
    }
  });
});
