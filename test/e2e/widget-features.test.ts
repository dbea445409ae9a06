/**
 * The widget's features around the conversation: languages, the host page's JavaScript API
 * and identity, a guest's shop cart, the email field when the server asks, the site's look, phones and dark mode,
 * and a host page that does not move.
 */
import { createHmac } from "node:crypto";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { en } from "../../widget/i18n/en";
import { ru } from "../../widget/i18n/ru";
import { AdminPage } from "./admin-support/admin-page";
import { startAdminWorld } from "./admin-support/setup";
import { newVisitor } from "./support/browser";
import { eventually, Operator } from "./support/operator";
import type { TestServer } from "./support/server";
import { SocketSwitch, Visitor } from "./support/visitor";

let server: TestServer;
let browser: Browser;
let operator: Operator;

beforeAll(async () => {
  // The admin app too: a guest's cart is checked in the operator's card.
  ({ server, browser } = await startAdminWorld());
  operator = await Operator.login(browser, server);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Holds the component's script until `release()`, so the loader's stand-ins can be tested. */
async function holdComponent(context: BrowserContext): Promise<() => void> {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await context.route("**/w/edge-chat.*.js", async (route) => {
    await held;
    await route.continue();
  });
  return release;
}

/** Bodies of the sessions requests a page makes. */
function sessionBodies(visitor: Visitor): any[] {
  const bodies: any[] = [];
  visitor.page.on("request", (r) => {
    if (r.method() === "POST" && r.url().endsWith("/sessions")) bodies.push(JSON.parse(r.postData() ?? "{}"));
  });
  return bodies;
}

describe("languages", () => {
  test("the catalogues have the same keys", () => {
    expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort());
    expect(ru.openUnread(21)).toBe("Открыть чат, непрочитанных: 21");
  });

  test("a page in Russian gets the widget in Russian", async () => {
    const context = await newVisitor(browser);
    const visitor = new Visitor(context, await context.newPage(), server);
    const bodies = sessionBodies(visitor);
    await visitor.goto("/demo/ru.html");
    expect(await visitor.launcher().getAttribute("aria-label")).toBe("Открыть чат");
    await visitor.openChat();
    expect(await visitor.texts()).toEqual([ru.greeting]);
    expect(await visitor.input().getAttribute("placeholder")).toBe("Напишите сообщение…");
    expect(await visitor.page.locator("edge-chat .send").getAttribute("aria-label")).toBe("Отправить");
    await visitor.send("Здравствуйте! Есть ли рубашка размера M?");
    await expect.poll(() => visitor.states()).toEqual(["Отправлено"]);
    expect(bodies[0].locale).toBe("ru");
    await visitor.close();
  });

  test("the CMS plugin's locale wins over the page's", async () => {
    const context = await newVisitor(browser);
    await context.addInitScript(() => ((window as any).edgechatSettings = { locale: "ru_RU" }));
    const visitor = new Visitor(context, await context.newPage(), server);
    await visitor.goto("/demo/");
    await visitor.openChat();
    expect(await visitor.page.locator("edge-chat .close").getAttribute("aria-label")).toBe("Закрыть чат");
    await visitor.close();
  });
});

describe("the host page", () => {
  test("the JavaScript API works before and after the component arrives, with identity", async () => {
    const { body } = await operator.api("POST", "/api/v1/admin/settings/identity-secret");
    const hash = createHmac("sha256", body.identitySecret).update("42\nanna@example.com").digest("hex");
    const identity = { id: 42, email: "anna@example.com", name: "Anna", hash };
    const context = await newVisitor(browser);
    const release = await holdComponent(context);
    const visitor = new Visitor(context, await context.newPage(), server);
    const bodies = sessionBodies(visitor);
    await visitor.page.goto(`${server.url}/demo/`);
    await visitor.page.waitForFunction(() => !!window.edgechat);
    await visitor.page.evaluate((identity) => {
      const w = window as any;
      w.events = [];
      w.edgechat.on("open", () => w.events.push("open"));
      w.edgechat.on("close", () => w.events.push("close"));
      w.edgechat.on("message", (m: { text: string }) => w.events.push(`message: ${m.text}`));
      w.edgechat.identify(identity);
      w.edgechat.open({
        product: { name: "Everyday linen shirt", price: "€89", url: "https://shop.example/p/shirt" },
        video: { room: "later" },
      });
    }, identity);
    expect(await visitor.page.evaluate(() => !!customElements.get("edge-chat"))).toBe(false);
    release();
    await visitor.componentLoaded();
    await expect
      .poll(() => visitor.input().inputValue())
      .toBe("About: Everyday linen shirt — €89 — https://shop.example/p/shirt\n");
    await expect.poll(() => visitor.page.evaluate(() => (window as any).events)).toEqual(["open"]);
    expect(bodies[0].identity).toEqual({ userId: "42", email: "anna@example.com", name: "Anna", hash });

    await visitor.input().press("End");
    await visitor.input().pressSequentially("Does it run small?");
    await visitor.input().press("Enter");
    const session = await eventually(() => visitor.session(), 10_000, "session");
    const entry = await operator.findConversation(session.visitorId);
    expect(entry).toMatchObject({ verified: true, email: "anna@example.com", visitorName: "Anna" });
    const sock = await operator.join(entry.id);
    expect((await sock.history()).find((m) => m.author.kind === "visitor")?.text).toBe(
      "About: Everyday linen shirt — €89 — https://shop.example/p/shirt\nDoes it run small?",
    );
    await sock.say("It runs true to size.");
    await expect
      .poll(() => visitor.page.evaluate(() => (window as any).events))
      .toContain("message: It runs true to size.");

    await visitor.page.evaluate(() => (window as any).edgechat.close());
    expect(await visitor.page.locator("edge-chat .panel").isHidden()).toBe(true);
    const counted = await visitor.page.evaluate(() => {
      const w = window as any;
      let opens = 0;
      const stop = w.edgechat.on("open", () => opens++);
      w.edgechat.open();
      stop();
      w.edgechat.close();
      w.edgechat.open();
      return { opens, events: w.events.filter((e: string) => e === "open" || e === "close") };
    });
    expect(counted).toEqual({ opens: 1, events: ["open", "close", "open", "close", "open"] });
    await visitor.close();
  });

  test("on() before the component arrives returns a stop function, which works before and after it arrives", async () => {
    const context = await newVisitor(browser);
    const release = await holdComponent(context);
    const visitor = new Visitor(context, await context.newPage(), server);
    await visitor.page.goto(`${server.url}/demo/`);
    await visitor.page.waitForFunction(() => !!window.edgechat);
    const early = await visitor.page.evaluate(() => {
      const w = window as any;
      w.heard = { kept: 0, stoppedEarly: 0, stoppedLate: 0 };
      w.edgechat.on("open", () => w.heard.kept++);
      const early = w.edgechat.on("open", () => w.heard.stoppedEarly++);
      w.stopLate = w.edgechat.on("open", () => w.heard.stoppedLate++);
      const kinds = [typeof early, typeof w.stopLate];
      early();
      return kinds;
    });
    expect(early).toEqual(["function", "function"]);
    release();
    await visitor.componentLoaded();
    await visitor.page.evaluate(() => {
      const w = window as any;
      w.edgechat.open();
      w.edgechat.close();
      w.stopLate();
      w.edgechat.open();
    });
    expect(await visitor.page.evaluate(() => (window as any).heard)).toEqual({
      kept: 2,
      stoppedEarly: 0,
      stoppedLate: 1,
    });
    expect(visitor.errors).toEqual([]);
    await visitor.close();
  });

  test("the trail stays in the browser until the visitor writes, then goes with the session", async () => {
    const context = await newVisitor(browser);
    const visitor = new Visitor(context, await context.newPage(), server);
    const bodies = sessionBodies(visitor);
    await visitor.page.goto(`${server.url}/demo/plain.html?utm_source=newsletter&utm_campaign=spring`, {
      referer: "https://news.example/linen",
    });
    await visitor.componentLoaded();
    const landing = visitor.page.url(); // the assets server drops ".html"
    await visitor.goto("/demo/");
    await visitor.openChat();
    expect(bodies.filter((b) => b.trail)).toEqual([]);
    await visitor.send("Saw you in the newsletter");
    const sent = await eventually(() => bodies.find((b) => b.trail), 10_000, "a sessions body with the trail");
    // The same visitor and conversation: the answer re-signs the token (a new issue time), so
    // the stored token differs from the one sent whenever a second has turned in between.
    const claims = JSON.parse(Buffer.from(sent.visitorToken.split(".")[0], "base64url").toString());
    const stored = (await visitor.session())!;
    expect({ visitor: claims.v, conversation: claims.c }).toEqual({
      visitor: stored.visitorId,
      conversation: stored.conversationId,
    });
    expect(sent.trail).toMatchObject({
      landing,
      referrer: "https://news.example/linen",
      utm: { utm_source: "newsletter", utm_campaign: "spring" },
    });
    expect(sent.trail.pages.map((p: { url: string; title: string }) => [p.url, p.title])).toEqual([
      [landing, "Plain page"],
      [`${server.url}/demo/`, "Linen & Loom — demo shop"],
    ]);
    await visitor.close();
  });

  test("a guest's cart goes with the trail once they write, again from a page where it changed, and shows in the operator's card", async () => {
    const context = await newVisitor(browser);
    await context.addInitScript(() => {
      const shirt = { id: 5, name: "Linen shirt", qty: 1, price: 89, url: "https://shop.example/p/5" };
      const scarf = { id: 6, name: "Scarf <b>silk</b>", qty: 2, price: 35.5, url: "https://shop.example/p/6" };
      (window as any).edgechatSettings = location.pathname.startsWith("/demo/plain")
        ? { cart: { items: [shirt], total: 89, currency: "EUR" } }
        : { cart: { items: [shirt, scarf], total: 160, currency: "EUR" } };
    });
    const visitor = new Visitor(context, await context.newPage(), server);
    const bodies = sessionBodies(visitor);
    await visitor.page.goto(`${server.url}/demo/plain.html`);
    await visitor.componentLoaded();
    await visitor.openChat();
    expect(
      bodies.filter((b) => b.trail?.cart),
      "nothing before the visitor writes",
    ).toEqual([]);
    await visitor.send("Is the shirt in stock?");
    const first = await eventually(() => bodies.find((b) => b.trail?.cart), 10_000, "the trail with the cart");
    expect(first.trail.cart).toEqual({
      items: [{ id: 5, name: "Linen shirt", qty: 1, price: 89, url: "https://shop.example/p/5" }],
      total: 89,
      currency: "EUR",
    });
    expect(first.trail.pages.length).toBe(1);

    await visitor.goto("/demo/"); // the panel stays open from page to page
    const changed = await eventually(
      () => bodies.find((b) => b.trail?.cart?.total === 160),
      10_000,
      "the trail again with the new cart",
    );
    expect(changed.trail.cart.items.map((i: { name: string }) => i.name)).toEqual(["Linen shirt", "Scarf <b>silk</b>"]);
    // The widget counts a cart as sent once the server took it: a page left before its answer sends it again.
    await expect
      .poll(
        () => visitor.page.evaluate(() => JSON.parse(localStorage.getItem("edgechat:demo:cartSent") ?? '""') as string),
        { timeout: 10_000 },
      )
      .toContain('"total":160');
    const sentBefore = bodies.filter((b) => b.trail?.cart).length;
    await visitor.page.reload();
    await visitor.componentLoaded();
    await visitor.page.locator("edge-chat textarea").waitFor();
    await new Promise((r) => setTimeout(r, 1000));
    expect(bodies.filter((b) => b.trail?.cart).length, "an unchanged cart is not sent again").toBe(sentBefore);

    const session = (await visitor.session())!;
    const admin = await AdminPage.open(browser, server);
    await admin.login("demo", server.owner.email, server.owner.password);
    await admin.openConversation(session.conversationId);
    const woo = admin.page.locator("ec-visitor-card ec-woo-section");
    await woo.locator(".state[data-state=guest-cart]").waitFor({ timeout: 15_000 });
    const rows = (await woo.locator("table.cart tbody tr").allTextContents()).map((t) => t.replace(/\s+/g, " ").trim());
    expect(rows).toEqual(["Linen shirt × 1 €89.00", "Scarf <b>silk</b> × 2 €35.50"]);
    expect(await woo.locator("b").count(), "a product name with markup stays text").toBe(0);
    await admin.screenshot("admin-visitor-card-guest-cart");
    await admin.page.context().close();

    // Emptied: the card must not keep showing the old cart (an empty cart is sent only after a full one).
    await context.addInitScript(() => {
      (window as any).edgechatSettings = { cart: { items: [], total: 0, currency: "EUR" } };
    });
    await visitor.page.goto(`${server.url}/demo/plain.html`);
    await eventually(() => bodies.find((b) => b.trail?.cart?.total === 0), 10_000, "the emptied cart");
    await visitor.close();
  });

  test("the loader draws the launcher at once, outside the page's flow, and nothing moves", async () => {
    const context = await newVisitor(browser);
    await context.addInitScript(() => {
      (window as any).shifts = [];
      new PerformanceObserver((list) =>
        (window as any).shifts.push(...list.getEntries().map((e: any) => e.value)),
      ).observe({ type: "layout-shift", buffered: true });
    });
    const release = await holdComponent(context);
    const visitor = new Visitor(context, await context.newPage(), server);
    await visitor.page.goto(`${server.url}/demo/plain.html`);
    const early = visitor.page.locator("edge-chat .launcher");
    expect(await early.getAttribute("aria-label")).toBe("Chat");
    const box = await visitor.page.evaluate(() => {
      const r = document.querySelector("edge-chat")!.getBoundingClientRect();
      return [r.width, r.height];
    });
    expect(box).toEqual([0, 0]);
    const before = await early.boundingBox();
    release();
    await visitor.componentLoaded();
    expect(await visitor.launcher().boundingBox()).toEqual(before);
    await visitor.openChat();
    await visitor.page.keyboard.press("Escape");
    expect(await visitor.page.evaluate(() => (window as any).shifts)).toEqual([]);
    await visitor.close();
  });
});

describe("the email field", () => {
  const field = (v: Visitor) => v.page.locator("edge-chat .contact input");

  test("appears when the server asks, checks the address, and is never shown again", async () => {
    // An auto-reply at once, at any hour (no opening hours: always "weekend"), asking for the email.
    const res = await operator.api("PUT", "/api/v1/admin/autoreply", {
      schedule: {
        timezone: "UTC",
        week: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
        exceptions: [],
      },
      rules: [
        {
          id: "always",
          name: "Always",
          periods: ["weekend"],
          timeoutSec: 0,
          variants: [{ text: "We are away; leave your email?" }],
        },
      ],
      quietAfterOperatorMinutes: 0,
      askEmail: true,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);

    const visitor = await Visitor.open(browser, server);
    await visitor.openChat();
    expect(await field(visitor).count()).toBe(0);
    await visitor.send("Can you tell me about delivery?");
    await expect.poll(() => visitor.texts()).toContain("We are away; leave your email?");
    await expect.poll(() => field(visitor).isVisible()).toBe(true);
    expect(await visitor.page.locator("edge-chat .contact label").textContent()).toBe(en.emailAsk);

    // Still asked after a reload (welcome.conversation.askEmail); the chat stays open.
    await visitor.page.reload();
    await visitor.componentLoaded();
    await expect.poll(() => field(visitor).isVisible()).toBe(true);

    await field(visitor).fill("anna at example");
    await field(visitor).press("Enter");
    const error = visitor.page.locator("edge-chat .contact [role=alert]");
    expect(await error.textContent()).toBe(en.emailInvalid);
    expect(await field(visitor).getAttribute("aria-invalid")).toBe("true");

    await field(visitor).fill("anna@example.com");
    await field(visitor).press("Enter");
    await expect.poll(() => field(visitor).count()).toBe(0);
    expect(await visitor.page.locator("edge-chat .contact").textContent()).toBe(en.emailThanks);
    const session = (await visitor.session())!;
    await operator.findConversation(session.visitorId, (e) => e.email === "anna@example.com", 10_000);

    await visitor.page.reload();
    await visitor.componentLoaded();
    await visitor.send("One more question");
    await expect.poll(() => visitor.states()).toEqual(["Sent"]);
    expect(await field(visitor).count()).toBe(0);
    await visitor.close();
  });

  test("a `contact {askEmail: true}` frame shows the field too", async () => {
    const context = await newVisitor(browser);
    const sockets = await SocketSwitch.install(context);
    const visitor = new Visitor(context, await context.newPage(), server);
    await visitor.goto("/demo/");
    await visitor.openChat();
    await eventually(() => sockets.open > 0, 10_000, "an open socket");
    await visitor.page.waitForTimeout(200);
    sockets.inject({ type: "contact", emailKnown: false, askEmail: true });
    await expect.poll(() => field(visitor).isVisible()).toBe(true);
    await visitor.close();
  });
});

describe("an email left while the chat is offline", () => {
  const field = (v: Visitor) => v.page.locator("edge-chat .contact input");

  /** A visitor asked for their email, whose chat then loses its socket; they leave the address meanwhile. */
  async function offlineWithEmail(email: string, identity?: object) {
    const context = await newVisitor(browser);
    if (identity)
      await context.addInitScript((identity) => ((window as any).edgechatSettings = { identity }), identity);
    const sockets = await SocketSwitch.install(context);
    const visitor = new Visitor(context, await context.newPage(), server);
    await visitor.goto("/demo/");
    await visitor.openChat();
    await visitor.send("My order has not arrived");
    await expect.poll(() => visitor.states(), { timeout: 15_000 }).toEqual(["Sent"]);
    sockets.inject({ type: "contact", emailKnown: false, askEmail: true });
    await expect.poll(() => field(visitor).isVisible()).toBe(true);
    const tries = sockets.attempts.length;
    await sockets.off();
    await eventually(() => sockets.attempts.length > tries, 10_000, "the widget trying to reconnect");
    await field(visitor).fill(email);
    await field(visitor).press("Enter");
    return { visitor, sockets, session: (await visitor.session())! };
  }

  /** Lets the sockets through again, writes a line and waits until it is stored. */
  async function backOnline(visitor: Visitor, sockets: SocketSwitch, text: string): Promise<void> {
    sockets.on();
    await visitor.page.evaluate(() => dispatchEvent(new Event("online")));
    await visitor.send(text);
    await expect.poll(() => visitor.states(), { timeout: 15_000 }).toEqual(["Sent"]);
  }

  test("is not given to the conversation begun again after the visitor's erasure", async () => {
    const { visitor, sockets, session } = await offlineWithEmail("anna@example.com");
    const erased = await operator.api("POST", `/api/v1/admin/contacts/${session.visitorId}/erase`, {
      confirm: session.visitorId,
    });
    expect(erased.status).toBe(200);
    await backOnline(visitor, sockets, "Hello again");
    expect(await visitor.texts()).not.toContain("My order has not arrived");
    const entry = await operator.findConversation(session.visitorId, (e) => e.lastMessage?.text === "Hello again");
    expect(entry.email).toBeNull();
    // What the extras said about the erased conversation went with it.
    expect(await visitor.page.locator("edge-chat p.contact", { hasText: en.emailThanks }).count()).toBe(0);
    await visitor.close();
  });

  test("is not given to the next user's conversation when another of the shop's users signs in", async () => {
    const { body } = await operator.api("POST", "/api/v1/admin/settings/identity-secret");
    const signed = (id: string) => ({ id, hash: createHmac("sha256", body.identitySecret).update(id).digest("hex") });
    const first = `u-${Math.random().toString(36).slice(2, 10)}`;
    const { visitor, sockets, session } = await offlineWithEmail("anna@example.com", signed(first));
    await visitor.page.evaluate((identity) => (window as any).edgechat.identify(identity), signed(`${first}-next`));
    await expect.poll(() => visitor.session().then((s) => s?.visitorId)).not.toBe(session.visitorId);
    const next = (await visitor.session())!;
    await backOnline(visitor, sockets, "Hi, is the shop open on Sunday?");
    const entry = await operator.findConversation(next.visitorId, (e) => e.lastMessage !== null);
    expect(entry.email).toBeNull();
    await visitor.close();
  });
});

describe("the site's look", () => {
  test("colour, side, launcher text, greeting, team and avatar; remembered for the next page", async () => {
    const look = {
      color: "#15803d",
      position: "left",
      launcherText: "Ask us",
      greeting: "Hello from the linen team!",
      teamName: "Linen team",
      avatarUrl: `${server.url}/demo/avatar.svg`,
    };
    const res = await operator.api("PUT", "/api/v1/admin/settings", { look });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const visitor = await Visitor.open(browser, server);
    const launcher = visitor.launcher();
    await expect.poll(() => launcher.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe("rgb(21, 128, 61)");
    expect((await launcher.boundingBox())!.x).toBe(20);
    expect(await launcher.textContent()).toContain("Ask us");
    await visitor.openChat();
    expect(await visitor.page.locator("edge-chat h2").textContent()).toBe("Linen team");
    expect(await visitor.texts()).toEqual(["Hello from the linen team!"]);
    expect(await visitor.page.locator("edge-chat header img.avatar").getAttribute("src")).toBe(look.avatarUrl);
    const panel = (await visitor.page.locator("edge-chat .panel").boundingBox())!;
    expect(panel.x).toBe(20);

    // The next page: the loader alone already draws it so.
    const release = await holdComponent(visitor.context);
    await visitor.page.goto(`${server.url}/demo/plain.html`);
    const early = visitor.page.locator("edge-chat .launcher");
    expect(await early.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe("rgb(21, 128, 61)");
    expect((await early.boundingBox())!.x).toBe(20);
    expect(await early.textContent()).toBe("Ask us");
    release();
    await visitor.close();

    await operator.api("PUT", "/api/v1/admin/settings", {
      look: { color: "#2563eb", position: "right", launcherText: "", greeting: "", teamName: "", avatarUrl: "" },
    });
  });

  test("dark mode follows the system", async () => {
    const visitor = await Visitor.open(browser, server, "/demo/", { colorScheme: "dark" });
    await visitor.openChat();
    const bg = await visitor.page.locator("edge-chat .panel").evaluate((p) => getComputedStyle(p).backgroundColor);
    expect(bg).toBe("rgb(17, 24, 39)");
    await visitor.close();
  });

  test("on a phone the chat fills the screen", async () => {
    const visitor = await Visitor.open(browser, server, "/demo/", {
      viewport: { width: 375, height: 700 },
      isMobile: true,
      hasTouch: true,
    });
    await visitor.launcher().tap();
    await expect
      .poll(() => visitor.page.locator("edge-chat .panel").boundingBox())
      .toEqual({ x: 0, y: 0, width: 375, height: 700 });
    expect(await visitor.page.evaluate(() => document.documentElement.scrollWidth)).toBe(375);
    await visitor.close();
  });
});
