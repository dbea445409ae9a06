/**
 * One open conversation in the admin, in Chromium against the real Worker: what an operator
 * sees when the server refuses a reply.
 */
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_TEXT } from "../../worker/protocol/limits";
import type { TestServer } from "./support/server";
import { AdminPage } from "./admin-support/admin-page";
import { startAdminWorld } from "./admin-support/setup";
import { apiVisitor, identityHash, type ApiVisitor } from "./admin-support/visitor-api";
import { SocketSwitch } from "./support/visitor";

let server: TestServer;
let browser: Browser;
let owner: AdminPage;
const visitors: ApiVisitor[] = [];

beforeAll(async () => {
  ({ server, browser } = await startAdminWorld());
  owner = await AdminPage.open(browser, server);
  await owner.login("demo", server.owner.email, server.owner.password);
});

afterAll(async () => {
  for (const v of visitors) v.close();
  await browser?.close();
  await server?.stop();
});

describe("an open conversation", () => {
  it("gives a reply the server refused back to the composer, with the reason, instead of 'Sending…' for ever", async () => {
    const v = await apiVisitor(server.url, "demo", { trail: {} });
    visitors.push(v);
    await v.say("please send me the full care instructions");
    await owner.row(v.conversationId).waitFor();
    await owner.openConversation(v.conversationId);
    await owner.thread().filter({ hasText: "full care instructions" }).waitFor();
    const long = "Wash at 30 degrees. ".repeat(Math.ceil((MAX_TEXT + 100) / 20)).trimEnd();
    await owner.composer().fill(long);
    await owner.composer().press("Enter");
    await owner.page.locator("ec-conversation .form-error[role=alert]").waitFor();
    await expect.poll(() => owner.composer().inputValue()).toBe(long);
    expect(await owner.page.locator("ec-conversation .msg.pending").count()).toBe(0);
    // A shorter reply then goes, and the refusal's banner goes with it.
    await owner.composer().fill("Wash at 30 degrees, dry flat.");
    await owner.composer().press("Enter");
    await owner.thread().filter({ hasText: "Wash at 30 degrees, dry flat." }).waitFor();
    await expect.poll(() => owner.page.locator("ec-conversation .msg.pending").count()).toBe(0);
    expect(await owner.page.locator("ec-conversation .form-error[role=alert]").count()).toBe(0);
  });

  it("Alt+↑/↓ move through the rows the search shows, those found by older text too", async () => {
    const older = await apiVisitor(server.url, "demo", { trail: {} });
    visitors.push(older);
    await older.say("my order 4417 never came");
    await older.say("hello? anyone there");
    const newer = await apiVisitor(server.url, "demo", { trail: {} });
    visitors.push(newer);
    await newer.say("is 4417 the tracking number?");
    await owner.row(newer.conversationId).waitFor();
    await owner.page.locator("ec-inbox-list #q").fill("4417");
    // The older conversation shows only as the server's search found it (its last line does not match).
    await owner.row(older.conversationId).waitFor();
    await owner.row(newer.conversationId).waitFor();
    const rows = owner.page.locator("ec-inbox-list li button");
    await expect
      .poll(() => rows.evaluateAll((bs) => bs.map((b) => b.getAttribute("data-id"))))
      .toEqual([older.conversationId, newer.conversationId]);
    await owner.openConversation(newer.conversationId);
    await owner.page.keyboard.press("Alt+ArrowUp");
    await expect.poll(() => owner.row(older.conversationId).getAttribute("aria-current")).toBe("true");
    await owner.page.keyboard.press("Alt+ArrowDown");
    await expect.poll(() => owner.row(newer.conversationId).getAttribute("aria-current")).toBe("true");
  });

  it("keeps a file added while writing an internal note among operators: the visitor never gets it", async () => {
    const v = await apiVisitor(server.url, "demo", { trail: {} });
    visitors.push(v);
    await v.say("is the blue linen in stock?");
    await owner.page.locator("ec-inbox-list #q").fill("");
    await owner.row(v.conversationId).waitFor();
    await owner.openConversation(v.conversationId);
    await owner.page.locator("ec-composer .modes button", { hasText: "Internal note" }).click();
    await owner.page.locator("ec-attach input[type=file]").setInputFiles({
      name: "warehouse-stock.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("blue linen: 3 rolls, supplier price 4.10/m\n"),
    });
    await owner.page.locator("ec-conversation .msg.note", { hasText: "warehouse-stock.txt" }).waitFor();
    const seen = await visitorThread(v);
    expect(seen.map((m) => m.text)).toContain("is the blue linen in stock?");
    expect(seen.filter((m) => m.attachments?.length)).toEqual([]);
  });

  it("keeps an older conversation opened from search in its tab and header when the inbox's first page no longer holds it", async () => {
    const old = await apiVisitor(server.url, "demo", { trail: {} });
    visitors.push(old);
    await old.say("my order 9001 from last spring");
    expect((await owner.api("POST", `/conversations/${old.conversationId}/resolve`)).status).toBe(200);
    const newer = await apiVisitor(server.url, "demo", { trail: {} });
    visitors.push(newer);
    await newer.say("a newer question about 9002");
    const label = `Visitor #${old.visitorId.slice(-4)}`;
    const ops = await AdminPage.open(browser, server);
    const sockets = await SocketSwitch.install(ops.context, /\/api\/v1\/admin\/(conversations\/[^/]+\/)?ws(\?|$)/);
    await ops.login("demo", server.owner.email, server.owner.password);
    const status = ops.page.locator("ec-inbox-list .status");
    await expect.poll(() => status.textContent()).toMatch(/^Live/);
    await ops.view("All");
    await ops.page.locator("ec-inbox-list #q").fill("9001");
    await ops.openConversation(old.conversationId);
    const header = ops.page.locator("ec-conversation header");
    await header.locator("h2", { hasText: label }).waitFor();
    await header.locator("button", { hasText: "Reopen" }).waitFor();

    // The site socket comes back. On a site with 200 newer conversations the inbox it greets
    // with (the newest 200) does not hold this one: here, as if only the newer one were listed.
    await sockets.off(1001);
    await expect.poll(() => status.textContent()).toBe("Connecting…");
    sockets.on();
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toMatch(/^Live/);
    const page = (await ops.api("GET", "/search?q=9002")).body.conversations;
    expect(page.map((e: { id: string }) => e.id)).toEqual([newer.conversationId]);
    sockets.inject({ type: "inbox", conversations: page });
    await ops.page.locator("ec-inbox-list #q").fill("");
    await ops.row(newer.conversationId).waitFor();
    await ops.page.locator("ec-conversation .thread .text", { hasText: "my order 9001" }).waitFor();
    expect(await header.locator("h2").textContent()).toContain(label);
    expect(await header.locator("button", { hasText: "Reopen" }).count()).toBe(1);
    expect(await ops.page.locator("ec-app [role=tab]").textContent()).toContain(label);
    await ops.close();
  });

  it("retries a failed upload into the conversation it was added to, after switching to another", async () => {
    const a = await apiVisitor(server.url, "demo", { trail: {} });
    const b = await apiVisitor(server.url, "demo", { trail: {} });
    visitors.push(a, b);
    await a.say("send me the invoice please");
    await b.say("a different customer");
    await owner.page.locator("ec-inbox-list #q").fill("");
    await owner.view("All");
    await owner.openConversation(a.conversationId);
    await owner.page.locator("ec-composer .modes button", { hasText: "Reply" }).click();
    // The first upload fails on the way (a dropped connection), later ones go through.
    let failOnce = true;
    await owner.page.route("**/api/v1/admin/conversations/*/files?*", (route) => {
      if (failOnce && route.request().method() === "POST") {
        failOnce = false;
        return route.abort("connectionreset");
      }
      return route.continue();
    });
    await owner.page.locator("ec-attach input[type=file]").setInputFiles({
      name: "invoice-a.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("invoice for customer A\n"),
    });
    const failed = owner.page.locator("ec-attach li.failed");
    await failed.waitFor();
    await owner.openConversation(b.conversationId);
    await owner.thread().filter({ hasText: "a different customer" }).waitFor();
    expect(await owner.page.locator("ec-attach li").count()).toBe(0);
    await owner.page.locator("ec-app [role=tab]", { hasText: `#${a.visitorId.slice(-4)}` }).click();
    await failed.locator("button", { hasText: "Retry" }).click();
    await owner.page.locator("ec-conversation .file", { hasText: "invoice-a.txt" }).waitFor();
    await owner.page.unroute("**/api/v1/admin/conversations/*/files?*");
    expect((await owner.api("GET", `/conversations/${b.conversationId}/files`)).body.files).toEqual([]);
  });

  it("closes the transcript dialog when Alt+↓ moves to another conversation, so it cannot send that one's transcript to this visitor's address", async () => {
    const a = await apiVisitor(server.url, "demo", { trail: {} });
    const b = await apiVisitor(server.url, "demo", { trail: {} });
    visitors.push(a, b);
    await a.say("email me this chat please");
    await b.say("another customer waiting");
    await owner.page.locator("ec-inbox-list #q").fill("");
    await owner.openConversation(a.conversationId);
    await owner.page.locator("ec-transcript button.open-transcript").click();
    const dialog = owner.page.locator("ec-transcript dialog");
    await expect.poll(() => dialog.getAttribute("open")).toBe("");
    await owner.page.locator("ec-transcript #transcript-to").fill("customer-a@example.com");
    await owner.page.keyboard.press("Alt+ArrowDown");
    await expect
      .poll(() => owner.page.locator("ec-app [role=tab][aria-selected=true]").textContent())
      .not.toContain(`#${a.visitorId.slice(-4)}`);
    await expect.poll(() => dialog.getAttribute("open")).toBeNull();
  });

  it("stops showing another operator as typing once their answer arrives", async () => {
    const invited = await owner.api("POST", "/team/invites", {
      email: "olga@example.com",
      name: "Olga",
      role: "operator",
    });
    expect(invited.status).toBe(201);
    const link = new URL(await owner.outboxLink("invite", "olga@example.com"));
    const olga = await AdminPage.open(browser, server, link.pathname + link.search);
    await olga.page.locator("ec-auth #password").fill("olga's long password");
    await olga.page.locator("ec-auth button.primary").click();
    await olga.page.locator("ec-inbox-list").waitFor();
    const v = await apiVisitor(server.url, "demo", { trail: {} });
    visitors.push(v);
    await v.say("do you have linen napkins?");
    await owner.page.locator("ec-inbox-list #q").fill("");
    await owner.view("All");
    await owner.openConversation(v.conversationId);
    await olga.openConversation(v.conversationId);
    await owner.thread().filter({ hasText: "linen napkins" }).waitFor();
    await olga.thread().filter({ hasText: "linen napkins" }).waitFor();
    const typing = owner.page.locator("ec-conversation .typing");
    await olga.composer().fill("Yes, in four colours");
    await expect.poll(() => typing.textContent()).toBe("Olga is typing…");
    await olga.composer().press("Enter");
    await owner.thread().filter({ hasText: "Yes, in four colours" }).waitFor();
    expect(await typing.textContent()).toBe("");
    await olga.close();
  });

  it("keeps the rows a search found by older text when the inbox reconnects, while the search is still shown", async () => {
    const old = await apiVisitor(server.url, "demo", { trail: {} });
    visitors.push(old);
    await old.say("the parcel 7733 came damaged");
    await old.say("photos attached soon");
    const ops = await AdminPage.open(browser, server);
    const sockets = await SocketSwitch.install(ops.context, /\/api\/v1\/admin\/ws(\?|$)/);
    await ops.login("demo", server.owner.email, server.owner.password);
    const status = ops.page.locator("ec-inbox-list .status");
    await expect.poll(() => status.textContent()).toMatch(/^Live/);
    await ops.view("All");
    await ops.page.locator("ec-inbox-list #q").fill("7733");
    await ops.row(old.conversationId).waitFor();

    // The site socket comes back; on a site with 200 newer conversations its greeting does
    // not hold this one: here, as if it held none.
    await sockets.off(1001);
    await expect.poll(() => status.textContent()).toBe("Connecting…");
    sockets.on();
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toMatch(/^Live/);
    sockets.inject({ type: "inbox", conversations: [] });
    await expect.poll(() => ops.page.locator("ec-inbox-list .empty").count()).toBe(0);
    expect(await ops.row(old.conversationId).count()).toBe(1);
    await ops.close();
  });
});

describe("a conversation the inbox list does not hold", () => {
  it("is headed with the visitor's name when opened by its link, not 'Visitor'", async () => {
    const { body } = await owner.api("POST", "/settings/identity-secret");
    const v = await apiVisitor(server.url, "demo", {
      identity: { userId: "u-marta", name: "Marta Kowalska", hash: identityHash(body.identitySecret, "u-marta") },
      trail: {},
    });
    visitors.push(v);
    await v.say("the lamp I ordered last spring flickers");
    const ops = await AdminPage.open(browser, server);
    await leftOutOfList(ops.context, v.conversationId);
    await ops.login("demo", server.owner.email, server.owner.password);
    await ops.page.goto(`${server.url}/admin/c/${v.conversationId}`);
    await ops.thread().filter({ hasText: "lamp I ordered" }).waitFor();
    await expect.poll(() => ops.page.locator("ec-conversation header h2").textContent()).toContain("Marta Kowalska");
    await ops.close();
  });

  it("shows after its socket comes back what changed meanwhile: a deleted message, the status", async () => {
    const v = await apiVisitor(server.url, "demo", { trail: {} });
    visitors.push(v);
    await v.say("my card number is 4111 1111 1111 1111");
    await v.say("which colours does the rug come in?");
    const ops = await AdminPage.open(browser, server);
    await leftOutOfList(ops.context, v.conversationId);
    const sockets = await SocketSwitch.install(ops.context, /\/api\/v1\/admin\/conversations\/[0-9a-f]+\/ws/);
    await ops.login("demo", server.owner.email, server.owner.password);
    await ops.page.goto(`${server.url}/admin/c/${v.conversationId}`);
    const card = ops.page.locator("ec-conversation .msg", { hasText: "4111" });
    const seq = await card.getAttribute("data-seq");
    await expect.poll(() => ops.page.locator("ec-conversation header > button.primary").textContent()).toBe("Resolve");

    await sockets.off(1001);
    await ops.page.locator("ec-conversation .thread", { hasText: "Connecting…" }).waitFor();
    expect((await owner.api("DELETE", `/conversations/${v.conversationId}/messages/${seq}`)).status).toBe(200);
    expect((await owner.api("POST", `/conversations/${v.conversationId}/resolve`, {})).status).toBe(200);
    sockets.on();
    await ops.page
      .locator("ec-conversation .thread", { hasText: "Connecting…" })
      .waitFor({ state: "detached", timeout: 20_000 });
    await expect.poll(() => ops.page.locator(`ec-conversation .msg[data-seq="${seq}"] .deleted`).count()).toBe(1);
    expect(await ops.thread().filter({ hasText: "4111" }).count()).toBe(0);
    await expect.poll(() => ops.page.locator("ec-conversation header > button", { hasText: "Reopen" }).count()).toBe(1);
    await ops.close();
  });
});

describe("a conversation erased while operators have the admin open", () => {
  it("leaves the inbox list of every operator who has the admin open", async () => {
    const v = await apiVisitor(server.url, "demo", { trail: {} });
    visitors.push(v);
    await v.say("erase me too, please: Birch Lane 4");
    const ops = await AdminPage.open(browser, server);
    await ops.login("demo", server.owner.email, server.owner.password);
    await ops.row(v.conversationId).waitFor();
    expect((await owner.api("POST", `/contacts/${v.visitorId}/erase`, { confirm: v.visitorId })).status).toBe(200);
    await ops.row(v.conversationId).waitFor({ state: "detached" });
    await ops.close();
  });

  it("says so in a tab that had it open, and shows nothing of it", async () => {
    const v = await apiVisitor(server.url, "demo", { trail: {} });
    visitors.push(v);
    await v.say("please forget me: my address is 12 Elm Street");
    const ops = await AdminPage.open(browser, server);
    await ops.login("demo", server.owner.email, server.owner.password);
    await ops.openConversation(v.conversationId);
    await ops.thread().filter({ hasText: "12 Elm Street" }).waitFor();
    await ops.composer().fill("Noted, Elm Street");

    const erased = await owner.api("POST", `/contacts/${v.visitorId}/erase`, { confirm: v.visitorId });
    expect(erased.status).toBe(200);
    await ops.page.locator("ec-conversation .erased").waitFor();
    expect(await ops.page.locator("ec-conversation .erased").textContent()).toContain("This conversation was erased");
    expect(await ops.page.locator("ec-conversation .msg").count()).toBe(0);
    expect(await ops.page.locator("ec-composer").count()).toBe(0);
    expect(await ops.row(v.conversationId).count()).toBe(0);
    expect(await ops.page.locator("ec-visitor-card").count()).toBe(0);
    // Nor is the reply being written about them kept.
    expect(
      await ops.page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith("edgechat.draft"))),
    ).toEqual([]);

    // A tab left open on it comes back after a reload to the same words, not "Connecting…" for ever.
    await ops.page.reload();
    await ops.page.locator("ec-conversation .erased").waitFor();
    await ops.close();
  });
});

describe("the visitor card", () => {
  it("shows a rating given while it is open", async () => {
    const v = await apiVisitor(server.url, "demo", { trail: {} });
    visitors.push(v);
    await v.say("the tracking link works now, thanks");
    await owner.row(v.conversationId).waitFor();
    await owner.openConversation(v.conversationId);
    await owner.page.locator("ec-visitor-card h2").waitFor();
    expect((await owner.api("POST", `/conversations/${v.conversationId}/resolve`, {})).status).toBe(200);
    await rateAsVisitor(v, 4);
    await owner.thread().filter({ hasText: "4 of 5" }).waitFor();
    await expect.poll(() => owner.page.locator("ec-visitor-card dl").first().textContent()).toContain("★ 4 of 5");
  });
});

/** The visitor rates their resolved conversation from a tab of theirs. */
async function rateAsVisitor(v: ApiVisitor, rating: number): Promise<void> {
  const ws = new WebSocket(
    `${server.url.replace(/^http/, "ws")}/api/v1/conversations/${v.conversationId}/ws?token=${encodeURIComponent(v.visitorToken)}`,
  );
  try {
    await new Promise<void>((resolve, reject) => {
      ws.onerror = () => reject(new Error("visitor socket failed"));
      ws.onopen = () => ws.send(JSON.stringify({ type: "rate", conversationId: v.conversationId, rating }));
      ws.onmessage = (e) => {
        const frame = JSON.parse(String(e.data));
        if (frame.type === "rated") resolve();
        else if (frame.type === "error") reject(new Error(frame.message));
      };
    });
  } finally {
    ws.close(1000, "done");
  }
}

/**
 * Keeps a conversation out of the admin's site socket (its greeting and its news), as a
 * site's greeting leaves out all but its newest conversations.
 */
async function leftOutOfList(context: BrowserContext, conversationId: string): Promise<void> {
  await context.routeWebSocket(/\/api\/v1\/admin\/ws(\?|$)/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => server.send(m));
    server.onMessage((m) => {
      const frame = JSON.parse(String(m));
      if (frame.type === "inbox")
        frame.conversations = frame.conversations.filter((e: { id: string }) => e.id !== conversationId);
      else if (frame.type === "conversation" && frame.conversation.id === conversationId) return;
      ws.send(JSON.stringify(frame));
    });
  });
}

/** The messages a visitor's tab is given when it connects now. */
async function visitorThread(v: ApiVisitor): Promise<Array<{ text: string; attachments?: unknown[] }>> {
  const ws = new WebSocket(
    `${server.url.replace(/^http/, "ws")}/api/v1/conversations/${v.conversationId}/ws?token=${encodeURIComponent(v.visitorToken)}`,
  );
  try {
    return await new Promise((resolve, reject) => {
      ws.onerror = () => reject(new Error("visitor socket failed"));
      ws.onopen = () => ws.send(JSON.stringify({ type: "hello", lastSeq: 0 }));
      ws.onmessage = (e) => {
        const frame = JSON.parse(String(e.data));
        if (frame.type === "welcome") resolve(frame.messages);
      };
    });
  } finally {
    ws.close(1000, "done");
  }
}
