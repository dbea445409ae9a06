/**
 * The visitor widget end to end: Debian's Chromium on the demo shop page
 * against the real Worker, with an operator on the other side of the conversation.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchBrowser, newVisitor } from "./support/browser";
import { eventually, Operator, type OperatorSocket } from "./support/operator";
import { startServer, type TestServer } from "./support/server";
import { SocketSwitch, Visitor } from "./support/visitor";

let server: TestServer;
let browser: Browser;
let operator: Operator;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  operator = await Operator.login(browser, server);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The operator's socket on a visitor's conversation (it is in the inbox after a first message). */
async function operatorOn(visitor: Visitor): Promise<OperatorSocket> {
  const session = await eventually(() => visitor.session(), 10_000, "a visitor session");
  const entry = await operator.findConversation(session.visitorId);
  expect(entry.id).toBe(session.conversationId);
  return operator.join(entry.id);
}

/** Texts of the visitor's stored messages, as the operator's welcome has them. */
async function visitorTexts(sock: OperatorSocket): Promise<string[]> {
  return (await sock.history()).filter((m) => m.author.kind === "visitor").map((m) => m.text);
}

/** Waits until the widget shows no message as still sending. */
async function allSent(visitor: Visitor, ms = 30_000): Promise<void> {
  await eventually(async () => (await visitor.states()).every((s) => s !== "Sending…"), ms, "every message sent");
}

describe("a conversation", () => {
  test("the visitor writes, the operator answers, the visitor sees it", async () => {
    const visitor = await Visitor.open(browser, server);
    await visitor.openChat();
    await visitor.send("Hello! Is the linen shirt in stock in size M?");
    await eventually(async () => (await visitor.states()).includes("Sent"), 10_000, "Sent");

    const sock = await operatorOn(visitor);
    expect(await visitorTexts(sock)).toEqual(["Hello! Is the linen shirt in stock in size M?"]);

    // Typing both ways; the visitor's side sends one `typing` per 3 s at most.
    await visitor.page.waitForTimeout(3_100);
    const from = sock.frames.length;
    await visitor.input().pressSequentially("And in size L?", { delay: 25 });
    await sock.waitFor((f) => f.type === "typing" && f.author.kind === "visitor", "visitor typing", from);
    await visitor.page.waitForTimeout(300);
    expect(sock.frames.slice(from).filter((f) => f.type === "typing").length).toBe(1);
    await visitor.input().fill("");
    await sock.send({ type: "typing" });
    await expect.poll(() => visitor.page.locator("edge-chat .typing").textContent()).toBe("Owner is typing…");

    await sock.say("Yes, size M is in stock. Shall I reserve one?");
    await expect.poll(() => visitor.texts()).toContain("Yes, size M is in stock. Shall I reserve one?");
    await expect.poll(() => visitor.page.locator("edge-chat .typing").isHidden()).toBe(true);
    // The operator answered, so they read the visitor's message.
    await expect.poll(() => visitor.states()).toEqual(["Read"]);
    await expect
      .poll(() => visitor.page.locator("edge-chat [aria-live]").textContent())
      .toBe("New message from Owner: Yes, size M is in stock. Shall I reserve one?");
    // The open chat tells the server the visitor has read the answer.
    await sock.waitFor((f) => f.type === "read" && f.by === "visitor", "visitor read");

    // Closed chat: an answer shows as an unread badge on the launcher.
    await visitor.page.keyboard.press("Escape");
    await sock.say("I have put one aside for you.");
    await expect.poll(() => visitor.page.locator("edge-chat .badge").textContent()).toBe("1");
    expect(await visitor.launcher().getAttribute("aria-label")).toBe("Open chat, 1 unread");
    await visitor.launcher().click();
    await expect.poll(() => visitor.page.locator("edge-chat .badge").count()).toBe(0);

    // The cookie the WordPress plugin reads for order events.
    const cookie = (await visitor.context.cookies()).find((c) => c.name === "edgechat_vid");
    expect(cookie?.value).toBe((await visitor.session())!.visitorId);
    expect(cookie?.sameSite).toBe("Lax");
    expect(visitor.errors).toEqual([]);
    await visitor.close();
  });

  test("messages written while the network is down arrive once each, in order", async () => {
    const visitor = await Visitor.open(browser, server);
    const sockets = await SocketSwitch.install(visitor.context);
    await visitor.openChat();
    await visitor.send("before the cut");
    await allSent(visitor);

    await visitor.context.setOffline(true);
    await sockets.off();
    const offline = Array.from({ length: 20 }, (_, i) => `offline message ${i + 1}`);
    for (const text of offline) await visitor.send(text);
    await expect.poll(async () => (await visitor.states()).filter((s) => s === "Sending…").length).toBe(20);
    expect(await visitor.page.locator("edge-chat .status").textContent()).toMatch(/offline/i);

    sockets.on();
    await visitor.context.setOffline(false);
    await allSent(visitor);
    const sock = await operatorOn(visitor);
    expect(await visitorTexts(sock)).toEqual(["before the cut", ...offline]);
    await visitor.close();
  });

  test("a backlog beyond the server's rate limit waits as told and still arrives in order", async () => {
    const visitor = await Visitor.open(browser, server);
    const sockets = await SocketSwitch.install(visitor.context);
    await visitor.openChat();
    await eventually(() => sockets.open > 0, 10_000, "an open socket");
    await sockets.off();
    // The server takes 20 messages per 10 s on one socket; the 21st is refused with rate_limited.
    const backlog = Array.from({ length: 24 }, (_, i) => `backlog ${i + 1}`);
    for (const text of backlog) await visitor.send(text);
    sockets.on();
    await visitor.page.evaluate(() => dispatchEvent(new Event("online")));
    await allSent(visitor, 40_000);
    const sock = await operatorOn(visitor);
    expect(await visitorTexts(sock)).toEqual(backlog);
    await visitor.close();
  });

  test("a reload mid-chat keeps the history and still sends what was queued", async () => {
    const visitor = await Visitor.open(browser, server);
    const sockets = await SocketSwitch.install(visitor.context);
    await visitor.openChat();
    await visitor.send("first, before the reload");
    await allSent(visitor);
    const sock = await operatorOn(visitor);
    await sock.say("Welcome back any time.");
    await expect.poll(() => visitor.texts()).toContain("Welcome back any time.");

    await sockets.off();
    await visitor.send("queued one");
    await visitor.send("queued two");
    await visitor.page.reload();
    await visitor.componentLoaded();
    // Still unsent after the reload, and shown as such.
    await expect
      .poll(() => visitor.page.locator("edge-chat .msg.me .text").allTextContents())
      .toEqual(expect.arrayContaining(["queued one", "queued two"]));

    sockets.on();
    await visitor.page.evaluate(() => dispatchEvent(new Event("online")));
    await allSent(visitor);
    // The chat was open before the reload, and is open after it.
    expect(await visitor.page.locator("edge-chat .panel").isVisible()).toBe(true);
    const texts = await visitor.texts();
    expect(texts).toEqual(
      expect.arrayContaining(["first, before the reload", "Welcome back any time.", "queued one", "queued two"]),
    );
    expect(await visitorTexts(sock)).toEqual(["first, before the reload", "queued one", "queued two"]);
    await visitor.close();
  });

  test("a link that dies without closing is found by the heartbeat, and the answer written meanwhile arrives", async () => {
    const visitor = await Visitor.open(browser, server);
    const sockets = await SocketSwitch.install(visitor.context);
    await visitor.openChat();
    await visitor.send("Are you open on Sunday?");
    await allSent(visitor);
    const sock = await operatorOn(visitor);
    // The socket still looks open to the page, and nothing crosses it any more.
    sockets.silence();
    const attempts = sockets.attempts.length;
    await sock.say("Yes, from 10 to 4.");
    // A ping every 25 s, and 10 s for its answer: then the widget reconnects and resumes.
    await expect.poll(() => visitor.texts(), { timeout: 60_000, interval: 500 }).toContain("Yes, from 10 to 4.");
    expect(sockets.attempts.length).toBe(attempts + 1);
    expect(visitor.errors).toEqual([]);
    await visitor.close();
  });

  test("two tabs share one conversation", async () => {
    const visitor = await Visitor.open(browser, server);
    await visitor.openChat();
    await visitor.send("written in the first tab");
    await allSent(visitor);
    const second = await visitor.context.newPage();
    visitor.watch(second);
    await second.goto(`${server.url}/demo/`);
    await visitor.componentLoaded(second);
    await visitor.openChat(second);
    await expect.poll(() => visitor.texts(second)).toContain("written in the first tab");
    await visitor.send("written in the second tab", second);
    await expect.poll(() => visitor.texts()).toContain("written in the second tab");
    const sock = await operatorOn(visitor);
    expect(await visitorTexts(sock)).toEqual(["written in the first tab", "written in the second tab"]);
    await visitor.close();
  });

  test("a line written in one tab shows in the other, also when the other tab's copy reached the server first", async () => {
    const context = await newVisitor(browser);
    const first = await context.newPage();
    const second = await context.newPage();
    const sockets = /\/api\/v1\/conversations\/[0-9a-f]+\/ws/;
    const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    let slow = false;
    // Once slow: the first tab's frames reach the server late, so the second tab's copy of the
    // shared outbox's line is the one stored; and the server's frames reach the second tab
    // late, so the first tab has seen the line stored and taken it out of the shared outbox
    // before the second tab's ack comes.
    await first.routeWebSocket(sockets, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage(async (m) => (slow && (await later(600)), server.send(m)));
      server.onMessage((m) => ws.send(m));
    });
    await second.routeWebSocket(sockets, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((m) => server.send(m));
      server.onMessage(async (m) => (slow && (await later(300)), ws.send(m)));
    });
    const visitor = new Visitor(context, first, server);
    visitor.watch(second);
    await visitor.goto("/demo/");
    await visitor.openChat();
    await visitor.send("written before the race");
    await allSent(visitor);
    await second.goto(`${server.url}/demo/`);
    await visitor.componentLoaded(second);
    await visitor.openChat(second);
    await expect.poll(() => visitor.texts(second)).toContain("written before the race");

    slow = true;
    await visitor.send("Do you gift-wrap?");
    const once = (page: typeof first) =>
      visitor.texts(page).then((t) => t.filter((x) => x === "Do you gift-wrap?").length);
    const sock = await operatorOn(visitor);
    await expect.poll(() => visitorTexts(sock)).toEqual(["written before the race", "Do you gift-wrap?"]);
    // Every delayed frame has landed (300 and 600 ms): each tab shows the line once, as sent.
    await first.waitForTimeout(1_500);
    expect(await once(first)).toBe(1);
    expect(await once(second)).toBe(1);
    expect(await visitor.states(second)).not.toContain("Sending…");
    expect(visitor.errors).toEqual([]);
    await context.close();
  });

  test("a first message written before the session came still brings the answer's badge on the next page", async () => {
    // A slow network: the first sessions answer arrives only after the visitor wrote.
    const context = await newVisitor(browser);
    let release!: () => void;
    const answered = new Promise<void>((resolve) => (release = resolve));
    await context.route("**/api/v1/sites/demo/sessions", async (route) => {
      await answered;
      await route.continue();
    });
    const visitor = new Visitor(context, await context.newPage(), server);
    await visitor.goto("/demo/");
    await visitor.openChat();
    await visitor.send("Do you ship to Norway?");
    release();
    await eventually(async () => (await visitor.states()).includes("Sent"), 10_000, "Sent");
    const sock = await operatorOn(visitor);

    // The visitor closes the chat and goes on browsing; the answer shows on the launcher.
    await visitor.page.keyboard.press("Escape");
    await visitor.goto("/demo/");
    await visitor.page.waitForTimeout(1_000);
    await sock.say("Yes, in 3 to 5 days.");
    await expect.poll(() => visitor.page.locator("edge-chat .badge").textContent(), { timeout: 5_000 }).toBe("1");
    expect(visitor.errors).toEqual([]);
    await visitor.close();
  });

  test("a refused socket makes the widget refresh its session with the old token", async () => {
    const visitor = await Visitor.open(browser, server);
    const sockets = await SocketSwitch.install(visitor.context);
    await visitor.openChat();
    await visitor.send("hello");
    await allSent(visitor);
    // The first message sent the trail with a sessions call, which renewed the token: wait for it.
    await eventually(
      () => visitor.page.evaluate(() => localStorage.getItem("edgechat:demo:trailSent")),
      10_000,
      "trail sent",
    );
    const before = (await visitor.session())!;
    const refreshes: string[] = [];
    visitor.page.on("request", (r) => {
      if (r.url().endsWith("/sessions") && r.method() === "POST")
        refreshes.push(JSON.parse(r.postData() ?? "{}").visitorToken);
    });
    const attempts = sockets.attempts.length;
    await sockets.off();
    await eventually(
      () => sockets.attempts.length > attempts && refreshes.length > 0,
      20_000,
      "a refused attempt and a refresh",
    );
    expect(refreshes[0]).toBe(before.visitorToken);
    sockets.on();
    await visitor.send("after the refresh");
    await allSent(visitor);
    expect((await visitor.session())!.conversationId).toBe(before.conversationId);
    await visitor.close();
  });
});

describe("safety and access", () => {
  const payloads = [
    '<img src=x onerror="window.__pwned=1;alert(1)">',
    "<script>window.__pwned=1;alert(1)</script>",
    "[click me](javascript:alert(1)) javascript:alert(1)",
    "x".repeat(4000),
  ];

  test("hostile text shows as text, runs nothing and breaks no layout", async () => {
    const visitor = await Visitor.open(browser, server);
    await visitor.openChat();
    for (const text of payloads) await visitor.send(text);
    await allSent(visitor);
    const sock = await operatorOn(visitor);
    for (const text of payloads) await sock.say(text);
    await sock.say("A safe link: https://example.com/linen?size=m (and more)");
    await expect.poll(async () => (await visitor.texts()).filter((t) => payloads.includes(t)).length).toBe(8);

    const report = await visitor.page.evaluate(() => {
      const root = document.querySelector("edge-chat")!.shadowRoot!;
      const log = root.querySelector(".log")!;
      return {
        pwned: (window as unknown as { __pwned?: number }).__pwned ?? 0,
        injected: log.querySelectorAll("img, script, iframe, [onerror]").length,
        links: [...log.querySelectorAll("a")].map((a) => ({ href: a.href, rel: a.rel, target: a.target })),
        page: { scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth },
        log: { scroll: log.scrollWidth, client: log.clientWidth },
      };
    });
    expect(visitor.dialogs).toEqual([]);
    expect(report.pwned).toBe(0);
    expect(report.injected).toBe(0);
    expect(report.links).toEqual([
      { href: "https://example.com/linen?size=m", rel: "noreferrer nofollow", target: "_blank" },
    ]);
    expect(report.page.scroll).toBe(report.page.client);
    expect(report.log.scroll).toBeLessThanOrEqual(report.log.client);
    await visitor.close();
  });

  test("keyboard only: open, type, send, new line, Esc returns focus to the launcher", async () => {
    const visitor = await Visitor.open(browser, server);
    const page = visitor.page;
    const focused = () =>
      page.evaluate(() => {
        const host = document.activeElement;
        return host?.tagName === "EDGE-CHAT"
          ? `edge-chat ${host.shadowRoot!.activeElement?.className || host.shadowRoot!.activeElement?.tagName}`
          : host?.tagName;
      });
    let steps = 0;
    while ((await focused()) !== "edge-chat launcher" && steps++ < 40) await page.keyboard.press("Tab");
    expect(await focused()).toBe("edge-chat launcher");
    await page.keyboard.press("Enter");
    await expect.poll(focused).toBe("edge-chat TEXTAREA");
    await page.keyboard.type("line one");
    await page.keyboard.press("Shift+Enter");
    await page.keyboard.type("line two");
    await page.keyboard.press("Enter");
    await expect.poll(() => visitor.texts()).toContain("line one\nline two");
    await page.keyboard.press("Escape");
    expect(await visitor.page.locator("edge-chat .panel").isHidden()).toBe(true);
    expect(await focused()).toBe("edge-chat launcher");
    await page.keyboard.press("Space");
    await expect.poll(focused).toBe("edge-chat TEXTAREA");
    await visitor.close();
  });

  test("axe-core finds no serious or critical violation, light and dark", async () => {
    const axe = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
    for (const colorScheme of ["light", "dark"] as const) {
      const visitor = await Visitor.open(browser, server, "/demo/", { colorScheme });
      await visitor.openChat();
      await visitor.send("Do you ship to Norway? https://example.com/shipping");
      await allSent(visitor);
      const sock = await operatorOn(visitor);
      await sock.say("We do, in 3–5 days.");
      await expect.poll(() => visitor.texts()).toContain("We do, in 3–5 days.");
      await visitor.page.addScriptTag({ content: axe });
      const violations = await visitor.page.evaluate(async () => {
        const result = await (window as any).axe.run(document, { resultTypes: ["violations"] });
        return result.violations
          .filter((v: any) => v.impact === "serious" || v.impact === "critical")
          .map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(" > ")).join(", ")}`);
      });
      expect(violations, colorScheme).toEqual([]);
      await visitor.close();
    }
  });
});
