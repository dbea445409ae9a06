/**
 * The transcript by email from the widget: the "More" menu in the chat's
 * header, the extras bundle it loads on demand, the email field first when no email is
 * known, the confirmation, errors, Russian, the keyboard, and the email in the outbox.
 */
import { createHmac } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { Browser, BrowserContext, WebSocketRoute } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { en } from "../../widget/i18n/en";
import { ru } from "../../widget/i18n/ru";
import { launchBrowser, newVisitor } from "./support/browser";
import { eventually, Operator } from "./support/operator";
import { startServer, type TestServer } from "./support/server";
import { Visitor } from "./support/visitor";

let server: TestServer;
let browser: Browser;
let operator: Operator;
let identitySecret: string;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  operator = await Operator.login(browser, server);
  const { body } = await operator.api("POST", "/api/v1/admin/settings/identity-secret");
  identitySecret = body.identitySecret;
  // The transcript asks for the email itself; an auto-reply asking for it first (the demo
  // site's closed hours, or a quiet inbox at night in Berlin) would put the field there before.
  const noAutoReplies = { schedule: { timezone: "UTC", week: {} }, rules: [] };
  expect((await operator.api("PUT", "/api/v1/admin/autoreply", noAutoReplies)).status).toBe(200);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** A visitor the shop has signed in (so the server knows their email), on the demo page. */
async function knownVisitor(email: string, setup?: (context: BrowserContext) => Promise<unknown>): Promise<Visitor> {
  const id = `u-${Math.random().toString(36).slice(2, 10)}`;
  const identity = {
    id,
    email,
    name: "Mila",
    hash: createHmac("sha256", identitySecret).update(`${id}\n${email}`).digest("hex"),
  };
  const context = await newVisitor(browser);
  await context.addInitScript((identity) => ((window as any).edgechatSettings = { identity }), identity);
  await setup?.(context);
  const visitor = new Visitor(context, await context.newPage(), server);
  await visitor.goto("/demo/");
  return visitor;
}

/** Opens the chat and sends a first message (the conversation then exists). */
async function startConversation(visitor: Visitor, text: string, sent = en.sent): Promise<void> {
  await visitor.openChat();
  await visitor.send(text);
  await expect.poll(() => visitor.states(), { timeout: 15_000 }).toEqual([sent]);
}

const more = (v: Visitor) => v.page.locator("edge-chat #more");
const menuItem = (v: Visitor) => v.page.locator("edge-chat .menu [role=menuitem]");
const status = (v: Visitor) => v.page.locator("edge-chat .extra[role=status]").textContent();
const alert = (v: Visitor) => v.page.locator("edge-chat .extra[role=alert]").textContent();
const emailField = (v: Visitor) => v.page.locator("edge-chat .contact input");
const emailLabel = (v: Visitor) => v.page.locator("edge-chat .contact label").textContent();

/** What has focus in the widget: the element's id, else its role, class or tag. */
function focused(v: Visitor): Promise<string | undefined> {
  return v.page.evaluate(() => {
    const el = document.querySelector("edge-chat")?.shadowRoot?.activeElement;
    return el ? el.id || el.getAttribute("role") || el.className || el.tagName : document.activeElement?.tagName;
  });
}

/**
 * The chat's sockets through a middleman that can hold back the visitor's `transcript`
 * frames (while `holdTranscripts`) and push frames to the page as if the server had.
 */
class Middleman {
  holdTranscripts = true;
  readonly #pages = new Set<WebSocketRoute>();

  static async install(context: BrowserContext): Promise<Middleman> {
    const m = new Middleman();
    await context.routeWebSocket(/\/api\/v1\/conversations\/[0-9a-f]+\/ws/, (ws) => {
      const server = ws.connectToServer();
      m.#pages.add(ws);
      ws.onMessage((data) => {
        if (!(m.holdTranscripts && JSON.parse(String(data)).type === "transcript")) server.send(data);
      });
      ws.onClose(() => m.#pages.delete(ws));
    });
    return m;
  }

  inject(frame: Record<string, unknown>): void {
    for (const ws of this.#pages) ws.send(JSON.stringify(frame));
  }
}

/** The transcript email the outbox holds for this visitor's conversation and address. */
async function transcriptIn(outboxOf: Visitor, to: string) {
  const { conversationId } = (await outboxOf.session())!;
  return eventually(
    async () => {
      const { body } = await operator.api("GET", "/api/v1/admin/outbox");
      return body.messages.find(
        (m: any) => m.kind === "transcript" && m.to === to && m.conversationId === conversationId,
      );
    },
    15_000,
    `a transcript to ${to} in the outbox`,
  );
}

describe("the transcript by email", () => {
  test("with a known email: one choice in the menu, a confirmation, the email in the outbox", async () => {
    const visitor = await knownVisitor("mila@example.com");
    const extras: string[] = [];
    visitor.page.on("request", (r) => /\/w\/extras\.[^/]+\.js$/.test(r.url()) && extras.push(r.url()));
    await startConversation(visitor, "Can you send me this chat? I want the size table for the linen shirt.");
    // The open panel loads the extras once (files, the email field, this menu): the shop's pages never do.
    await eventually(() => extras.length === 1, 10_000, "the extras loaded with the panel");

    expect(await more(visitor).getAttribute("aria-label")).toBe(en.more);
    expect(await more(visitor).getAttribute("aria-expanded")).toBe("false");
    await more(visitor).click();
    await expect.poll(() => menuItem(visitor).textContent(), { timeout: 5_000 }).toBe(en.transcript);
    expect(await more(visitor).getAttribute("aria-expanded")).toBe("true");
    expect(extras).toHaveLength(1);
    await menuItem(visitor).click();

    await expect.poll(() => status(visitor), { timeout: 10_000 }).toBe(en.transcriptSent("mila@example.com"));
    expect(await menuItem(visitor).count()).toBe(0);
    expect(await emailField(visitor).count()).toBe(0);
    const mail = await transcriptIn(visitor, "mila@example.com");
    expect(mail.message.text).toContain("I want the size table for the linen shirt.");

    // The menu and the status lines keep the chat accessible.
    await more(visitor).click();
    await expect.poll(() => menuItem(visitor).isVisible()).toBe(true);
    const axe = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
    await visitor.page.addScriptTag({ content: axe });
    const violations = await visitor.page.evaluate(async () => {
      const result = await (window as any).axe.run(document, { resultTypes: ["violations"] });
      return result.violations
        .filter((v: any) => v.impact === "serious" || v.impact === "critical")
        .map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(" > ")).join(", ")}`);
    });
    expect(violations).toEqual([]);
    expect(visitor.errors).toEqual([]);
    await visitor.close();
  });

  test("without an email: the email field first, then the transcript goes to it", async () => {
    const visitor = await Visitor.open(browser, server);
    await startConversation(visitor, "Do you have the wool blanket in grey?");
    expect(await emailField(visitor).count()).toBe(0);
    await more(visitor).click();
    await menuItem(visitor).click();

    await expect.poll(() => focused(visitor), { timeout: 5_000 }).toBe("email");
    expect(await emailLabel(visitor)).toBe(en.transcriptAsk); // the label says why
    await emailField(visitor).fill("oleg at example");
    await emailField(visitor).press("Enter");
    expect(await visitor.page.locator("edge-chat .contact [role=alert]").textContent()).toBe(en.emailInvalid);
    await emailField(visitor).fill("oleg@example.com");
    await emailField(visitor).press("Enter");

    await expect.poll(() => status(visitor), { timeout: 10_000 }).toBe(en.transcriptSent("oleg@example.com"));
    expect(await emailField(visitor).count()).toBe(0);
    expect(await visitor.page.locator("edge-chat p.contact").textContent()).toBe(en.emailThanks);
    const mail = await transcriptIn(visitor, "oleg@example.com");
    expect(mail.message.text).toContain("Do you have the wool blanket in grey?");
    const visitorId = (await visitor.session())!.visitorId;
    const entry = await operator.findConversation(visitorId, (e) => e.email !== null);
    expect(entry.email).toBe("oleg@example.com");
    await visitor.close();
  });

  test("keyboard only, in Russian", async () => {
    const context = await newVisitor(browser);
    const visitor = new Visitor(context, await context.newPage(), server);
    await visitor.goto("/demo/ru.html");
    const page = visitor.page;
    let steps = 0;
    while ((await focused(visitor)) !== "launcher" && steps++ < 40) await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await expect.poll(() => focused(visitor)).toBe("TEXTAREA");
    await page.keyboard.type("Пришлите, пожалуйста, переписку: нужен размер M.");
    await page.keyboard.press("Enter");
    await expect.poll(() => visitor.states(), { timeout: 15_000 }).toEqual([ru.sent]);

    // Back through the log and the close button to "More" (Ещё).
    steps = 0;
    while ((await focused(visitor)) !== "more" && steps++ < 10) await page.keyboard.press("Shift+Tab");
    expect(await more(visitor).getAttribute("aria-label")).toBe(ru.more);
    await page.keyboard.press("Enter");
    await expect.poll(() => focused(visitor)).toBe("menuitem");
    expect(await page.evaluate(() => document.querySelector("edge-chat")!.shadowRoot!.activeElement!.textContent)).toBe(
      ru.transcript,
    );
    await page.keyboard.press("ArrowDown"); // one item: it stays on it
    expect(await menuItem(visitor).evaluate((b) => b === (b.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    // Escape closes the menu only, and focus goes back to "More".
    await page.keyboard.press("Escape");
    await expect.poll(() => menuItem(visitor).count()).toBe(0);
    expect(await focused(visitor)).toBe("more");
    expect(await page.locator("edge-chat .panel").isVisible()).toBe(true);

    await page.keyboard.press("Space");
    await expect.poll(() => menuItem(visitor).count()).toBe(1);
    await page.keyboard.press("Enter");
    await expect.poll(() => focused(visitor), { timeout: 5_000 }).toBe("email");
    expect(await emailLabel(visitor)).toBe(ru.transcriptAsk);
    await page.keyboard.type("anya@example.com");
    await page.keyboard.press("Enter");
    await expect.poll(() => status(visitor), { timeout: 10_000 }).toBe(ru.transcriptSent("anya@example.com"));
    expect(await focused(visitor)).toBe("TEXTAREA"); // the keyboard stays in the chat
    const mail = await transcriptIn(visitor, "anya@example.com");
    expect(mail.message.text).toContain("Пришлите, пожалуйста, переписку: нужен размер M.");
    expect(visitor.dialogs).toEqual([]);
    await visitor.close();
  });

  test("no answer from the server is an error; choosing again retries", async () => {
    let middleman!: Middleman;
    const visitor = await knownVisitor("vera@example.com", async (context) => {
      middleman = await Middleman.install(context);
      await context.clock.install();
    });
    await startConversation(visitor, "Please email me the delivery options.");
    await more(visitor).click();
    await menuItem(visitor).click();
    await expect.poll(() => status(visitor)).toBe(en.transcriptSending);
    await visitor.page.clock.fastForward(16_000);
    await expect.poll(() => alert(visitor)).toBe(en.transcriptFailed);

    middleman.holdTranscripts = false;
    await more(visitor).click();
    await menuItem(visitor).click();
    await expect.poll(() => status(visitor), { timeout: 10_000 }).toBe(en.transcriptSent("vera@example.com"));
    expect(await alert(visitor)).toBe("");
    await transcriptIn(visitor, "vera@example.com");
    await visitor.close();
  });

  test("the server has no email after all (`no_email`): the field comes first", async () => {
    let middleman!: Middleman;
    const visitor = await knownVisitor("ivan@example.com", async (context) => {
      middleman = await Middleman.install(context);
    });
    await startConversation(visitor, "Could you email me this?");
    await more(visitor).click();
    await menuItem(visitor).click();
    await expect.poll(() => status(visitor)).toBe(en.transcriptSending);
    middleman.inject({
      type: "error",
      code: "no_email",
      message: "leave your email first, then ask for the transcript",
    });
    await expect.poll(() => focused(visitor), { timeout: 5_000 }).toBe("email");
    expect(await emailLabel(visitor)).toBe(en.transcriptAsk);
    expect(await status(visitor)).toBe("");

    middleman.holdTranscripts = false;
    await emailField(visitor).fill("ivan.petrov@example.com");
    await emailField(visitor).press("Enter");
    await expect.poll(() => status(visitor), { timeout: 10_000 }).toBe(en.transcriptSent("ivan.petrov@example.com"));
    await transcriptIn(visitor, "ivan.petrov@example.com");
    await visitor.close();
  });
});

describe("the transcript's email field and the visitor's choices", () => {
  test("'No thanks' to the transcript's email field: it stays away when the team answers", async () => {
    const visitor = await Visitor.open(browser, server);
    await startConversation(visitor, "Can I return the wool blanket after a month?");
    await more(visitor).click();
    await menuItem(visitor).click();
    await expect.poll(() => focused(visitor), { timeout: 5_000 }).toBe("email");
    await visitor.page.locator("edge-chat .contact .decline").click();
    await expect.poll(() => emailField(visitor).count()).toBe(0);

    // The team answers: the field the visitor turned down must not come back.
    const { conversationId } = (await visitor.session())!;
    const socket = await operator.join(conversationId);
    await socket.say("Yes, within 60 days.");
    await expect
      .poll(() => visitor.page.locator("edge-chat .log").textContent(), { timeout: 10_000 })
      .toContain("Yes, within 60 days.");
    expect(await emailField(visitor).count()).toBe(0);
    expect(await status(visitor)).toBe("");
    await visitor.close();
  });

  test("'No thanks' to the transcript's field, then the team asks for the email: no field about the transcript", async () => {
    const context = await newVisitor(browser);
    const middleman = await Middleman.install(context);
    const visitor = new Visitor(context, await context.newPage(), server);
    await visitor.goto("/demo/");
    await startConversation(visitor, "Is the linen shirt in stock in L?");
    await more(visitor).click();
    await menuItem(visitor).click();
    await expect.poll(() => focused(visitor), { timeout: 5_000 }).toBe("email");
    await visitor.page.locator("edge-chat .contact .decline").click();
    await expect.poll(() => emailField(visitor).count()).toBe(0);
    // The team's own ask (an auto-reply, the operator): the visitor already said no in this conversation.
    middleman.inject({ type: "contact", emailKnown: false, askEmail: true });
    await visitor.send("And in M?");
    await expect.poll(() => visitor.states(), { timeout: 15_000 }).toEqual([en.sent]);
    expect(await emailField(visitor).count()).toBe(0);
    await visitor.close();
  });

  test("the server could not send the transcript (`not_sent`): the error shows, not 'Sending…'", async () => {
    let middleman!: Middleman;
    const visitor = await knownVisitor("lena@example.com", async (context) => {
      middleman = await Middleman.install(context);
      await context.clock.install(); // the 15 s without an answer never pass on their own
    });
    await startConversation(visitor, "Please email me this conversation.");
    await more(visitor).click();
    await menuItem(visitor).click();
    await expect.poll(() => status(visitor)).toBe(en.transcriptSending);
    middleman.inject({ type: "error", code: "not_sent", message: "the transcript could not be sent; try again later" });
    await expect.poll(() => alert(visitor)).toBe(en.transcriptFailed);
    expect(await status(visitor)).toBe("");
    await visitor.close();
  });
});

describe("lines about the last conversation", () => {
  /** What the shop signs for one of its users (id, else id and email). */
  const signed = (id: string, email?: string) => ({
    id,
    ...(email ? { email } : {}),
    hash: createHmac("sha256", identitySecret)
      .update(email ? `${id}\n${email}` : id)
      .digest("hex"),
  });

  test("another of the shop's users signs in on the page: the first one's thanks and address go, and the rating is asked again", async () => {
    const first = signed(`u-${Math.random().toString(36).slice(2, 10)}`);
    const context = await newVisitor(browser);
    await context.addInitScript((identity) => ((window as any).edgechatSettings = { identity }), first);
    const visitor = new Visitor(context, await context.newPage(), server);
    await visitor.goto("/demo/");
    await startConversation(visitor, "Please send me this chat.");
    await more(visitor).click();
    await menuItem(visitor).click();
    await expect.poll(() => focused(visitor), { timeout: 5_000 }).toBe("email");
    await emailField(visitor).fill("mila@example.com");
    await emailField(visitor).press("Enter");
    await expect.poll(() => status(visitor), { timeout: 10_000 }).toBe(en.transcriptSent("mila@example.com"));
    const thanks = (text: string) => visitor.page.locator("edge-chat p.contact[role=status]", { hasText: text });
    expect(await thanks(en.emailThanks).count()).toBe(1);
    const { conversationId: before } = (await visitor.session())!;
    expect((await operator.api("POST", `/api/v1/admin/conversations/${before}/resolve`)).status).toBe(200);
    const prompt = visitor.page.locator("edge-chat .rating");
    await prompt.waitFor({ timeout: 15_000 });
    await visitor.page.getByRole("radio", { name: "5 of 5" }).check();
    await prompt.getByRole("button", { name: en.rateSend }).click();
    await thanks(en.rateThanks).waitFor({ timeout: 10_000 });

    // The shared computer's next user signs in: a visitor and a conversation of their own.
    await visitor.page.evaluate((identity) => (window as any).edgechat.identify(identity), signed("u-next"));
    await expect.poll(() => visitor.session().then((s) => s?.conversationId)).not.toBe(before);
    await expect.poll(() => visitor.texts()).not.toContain("Please send me this chat.");
    await expect.poll(() => status(visitor)).toBe("");
    expect(await thanks(en.emailThanks).count()).toBe(0);
    expect(await thanks(en.rateThanks).count()).toBe(0);
    // Their own conversation, resolved, asks for their own rating.
    await visitor.send("Do you deliver on Saturdays?");
    await expect.poll(() => visitor.states(), { timeout: 15_000 }).toEqual([en.sent]);
    const { conversationId: after } = (await visitor.session())!;
    expect((await operator.api("POST", `/api/v1/admin/conversations/${after}/resolve`)).status).toBe(200);
    await prompt.waitFor({ timeout: 15_000 });
    await visitor.close();
  });
});

describe("the budget", () => {
  test("the transcript lives in the extras bundle: the component stays within 15 KB gzip", () => {
    const dir = path.resolve(import.meta.dirname, "../../dist/assets/w");
    const gzip = (prefix: string) => {
      const file = readdirSync(dir).find((f) => f.startsWith(`${prefix}.`) && f.endsWith(".js"))!;
      const code = readFileSync(path.join(dir, file));
      return { file, gzip: gzipSync(code, { level: 9 }).byteLength, text: code.toString("utf8") };
    };
    const component = gzip("edge-chat");
    const extras = gzip("extras");
    expect(component.gzip).toBeLessThanOrEqual(15_000);
    expect(component.text).toContain(`/w/${extras.file}`);
    expect(component.text).not.toContain(en.transcript);
    expect(extras.text).toContain(en.transcript);
    expect(extras.text).not.toContain("litHtmlVersions"); // it draws with the component's Lit
  });
});
