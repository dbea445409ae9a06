/**
 * The email loop as its people meet it, in Chromium against the local runtime (the code
 * `npm start` runs): a Russian visitor in Vladivostok gets the follow-up in Russian with
 * Vladivostok time and its zone; its "Open the chat" link opens the widget on the shop page
 * with the answer in view; and mail to the visitor's reply address from someone else waits
 * for the operator, who sees the real sender and accepts it (the visitor then sees it as that
 * sender's email, never as their own words) or discards it (the visitor never sees it).
 * Inbound mail goes through wrangler's local email endpoint, which runs the Worker's email().
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminPage, eventually } from "./admin-support/admin-page";
import { replyAddress } from "./admin-support/reply-address";
import { startAdminWorld } from "./admin-support/setup";
import type { TestServer } from "./support/server";
import { Visitor } from "./support/visitor";

let server: TestServer;
let browser: Browser;
let owner: AdminPage;

beforeAll(async () => {
  ({ server, browser } = await startAdminWorld());
  owner = await AdminPage.open(browser, server);
  await owner.login("demo", server.owner.email, server.owner.password);
  expect((await owner.api("PUT", "/autoreply", { schedule: { timezone: "UTC", week: {} }, rules: [] })).status).toBe(
    200,
  );
  expect((await owner.api("PUT", "/email-settings", { followupDelayMinutes: 0 })).status).toBe(200);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Leaves the visitor's email on the conversation, as the widget's email field does. */
async function leaveEmail(visitor: Visitor, email: string): Promise<void> {
  const session = (await visitor.session())!;
  const ws = new WebSocket(
    `${server.url.replace(/^http/, "ws")}/api/v1/conversations/${session.conversationId}/ws?token=${encodeURIComponent(session.visitorToken)}`,
  );
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error("visitor socket refused"));
  });
  const stored = new Promise((resolve) => {
    ws.onmessage = (e) => JSON.parse(String(e.data)).type === "contact" && resolve(null);
  });
  ws.send(JSON.stringify({ type: "contact", email }));
  await stored;
  ws.close();
}

/** The operator answers in the admin, as a person: open the conversation, type, press Enter. */
async function answerInAdmin(conversationId: string, text: string): Promise<void> {
  await owner.row(conversationId).waitFor({ timeout: 15_000 });
  await owner.openConversation(conversationId);
  await owner.composer().fill(text);
  await owner.composer().press("Enter");
  await owner.thread().filter({ hasText: text }).waitFor();
}

/** The newest email of `kind` to `to` in the site's local outbox. */
function mailTo(kind: string, to: string): Promise<any> {
  return eventually(
    async () => (await owner.api("GET", "/outbox")).body.messages.find((m: any) => m.kind === kind && m.to === to),
    20_000,
    `${kind} to ${to}`,
  );
}

/** POSTs a raw message to wrangler's local email endpoint (it runs the Worker's email()). */
function deliver(to: string, from: string, text: string): Promise<Response> {
  const raw =
    `From: ${from}\nTo: ${to}\nSubject: Re: New answer from Demo shop\n` +
    `Message-ID: <${Math.random().toString(36).slice(2)}@example.net>\n` +
    `MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n${text}\n`;
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  return fetch(`${server.url}/cdn-cgi/handler/email?${new URLSearchParams({ from: address, to })}`, {
    method: "POST",
    body: raw.replace(/\n/g, "\r\n"),
  });
}

const RU_MONTHS = "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря";

describe("the follow-up email and its link", () => {
  it("writes to a Russian visitor in Vladivostok in Russian, in Vladivostok time with its zone, and its link opens the chat at the answer", async () => {
    const visitor = await Visitor.open(browser, server, "/demo/", {
      locale: "ru-RU",
      timezoneId: "Asia/Vladivostok",
    });
    await visitor.openChat();
    await visitor.send("Здравствуйте! Есть ли льняная рубашка 48 размера? Доставите во Владивосток?");
    await expect.poll(() => visitor.states()).toContain("Sent");
    const { conversationId } = (await visitor.session())!;
    const email = `anna.${Date.now()}@example.ru`;
    await leaveEmail(visitor, email);
    // She leaves the shop; the answer comes while she is away.
    const lastPage = visitor.page.url();
    await visitor.page.close();

    const answer = "Да, 48 размер есть. Доставка во Владивосток — 6 дней, бесплатно от 5000 ₽.";
    const answeredAt = Date.now();
    await answerInAdmin(conversationId, answer);
    const mail = await mailTo("followup", email);
    const text: string = mail.message.text;
    expect(mail.subject).toBe("Новый ответ от Demo shop");
    expect(text).toMatch(/^Здравствуйте!\n\nМы ответили на ваш вопрос в чате:\n\n/);
    // Her own words are "Вы"; every time is Vladivostok's, with the date in words and the zone named.
    const stamp = new RegExp(
      `\\((\\d{1,2} (?:${RU_MONTHS}) \\d{4} г\\., (\\d\\d):(\\d\\d) \\(Asia/Vladivostok, GMT\\+10\\))\\):\\n${answer}`,
    ).exec(text);
    expect(stamp, text).not.toBeNull();
    const vladivostok = new Date(answeredAt + 10 * 3600_000);
    expect(
      Math.abs(
        Number(stamp![2]) * 60 + Number(stamp![3]) - (vladivostok.getUTCHours() * 60 + vladivostok.getUTCMinutes()),
      ) % 1439,
    ).toBeLessThanOrEqual(1);
    expect(text).toMatch(
      /\nВы \(\d{1,2} [а-я]+ \d{4} г\., \d\d:\d\d \(Asia\/Vladivostok, GMT\+10\)\):\nЗдравствуйте! Есть ли/,
    );
    expect(text).not.toMatch(/Hello|We answered|You \(/);
    expect(mail.message.html).toContain(">Открыть чат</a>");

    // The link is her last page with edgechat=open.
    const link = /Просто ответьте на это письмо или продолжите в чате:\n(\S+)/.exec(text)![1]!;
    const url = new URL(link);
    expect(url.searchParams.get("edgechat")).toBe("open");
    expect(`${url.origin}${url.pathname}`).toBe(lastPage.replace(/[?#].*$/, ""));

    // Following it opens the widget by itself, with the answer in view.
    const page = await visitor.context.newPage();
    visitor.watch(page);
    await page.goto(link);
    const panel = page.locator("edge-chat .panel");
    await panel.waitFor({ state: "visible", timeout: 15_000 });
    const bubble = page.locator("edge-chat .msg", { hasText: "Доставка во Владивосток — 6 дней" });
    await bubble.waitFor({ timeout: 15_000 });
    await expect
      .poll(async () => {
        const [log, b] = [await page.locator("edge-chat .log").boundingBox(), await bubble.boundingBox()];
        return !!log && !!b && b.y >= log.y - 1 && b.y + b.height <= log.y + log.height + 1;
      })
      .toBe(true);
    expect(await page.locator("edge-chat .launcher").getAttribute("aria-expanded")).toBe("true");
    await page.screenshot({ path: "test-results/screenshots/widget-opened-from-email.png" });
    expect(visitor.errors).toEqual([]);
    await visitor.close();
  });
});

describe("mail from another sender", () => {
  it("is held for the operator, who sees the sender and accepts it (the visitor sees it as that sender's email, never as theirs) or discards it", async () => {
    const visitor = await Visitor.open(browser, server);
    await visitor.openChat();
    await visitor.send("Is the sage duvet cover in stock?");
    await expect.poll(() => visitor.states()).toContain("Sent");
    const { conversationId } = (await visitor.session())!;
    await leaveEmail(visitor, "ann@example.com");
    await answerInAdmin(conversationId, "Yes, two left.");
    const to = replyAddress(conversationId, server.vars.TOKEN_SECRET!, server.vars.INBOUND_DOMAIN!);

    // Her colleague answers the follow-up from his own address.
    const colleague = "Please keep one for us, we will pick it up on Friday.";
    expect((await deliver(to, "Bob Stone <bob@work.example>", colleague)).status).toBe(200);
    const held = owner.page.locator("ec-conversation .msg.held", { hasText: "pick it up on Friday" });
    await held.waitFor({ timeout: 20_000 });
    expect((await held.locator(".who").textContent())?.trim()).toMatch(/^bob@work\.example · /);
    expect((await held.locator(".held-note").textContent())?.replace(/\s+/g, " ").trim()).toBe(
      "from a different address: bob@work.example — accept · discard",
    );
    await new Promise((r) => setTimeout(r, 500));
    expect((await visitor.texts()).join("\n")).not.toContain("pick it up");
    await owner.screenshot("admin-email-held-from-another-sender");

    await held.locator("button.accept-email").click();
    const shown = visitor.page.locator("edge-chat .msg", { hasText: "pick it up on Friday" });
    await shown.waitFor({ timeout: 20_000 });
    // Shown as his email, on the team's side, never as her own words.
    expect(await shown.getAttribute("class")).toContain("them");
    expect((await shown.locator(".meta span").textContent())?.trim()).toBe("bob@work.example");
    expect((await shown.locator(".via").textContent())?.trim()).toBe("from bob@work.example by email");
    expect(await shown.locator(".state").count()).toBe(0);
    await visitor.page.screenshot({ path: "test-results/screenshots/widget-email-from-another-sender.png" });
    const accepted = owner.page.locator("ec-conversation .msg.guest", { hasText: "pick it up on Friday" });
    await accepted.waitFor();
    expect(await accepted.locator(".who").textContent()).toMatch(/^bob@work\.example · .* · by email$/);
    expect(await owner.page.locator("ec-conversation .msg.held", { hasText: "pick it up" }).count()).toBe(0);

    // A phishing mail to the same address: the operator discards it.
    const phishing = "Your order is on hold. Pay the customs fee at pay-fee.example today.";
    expect((await deliver(to, "Customs <fees@pay-fee.example>", phishing)).status).toBe(200);
    const bad = owner.page.locator("ec-conversation .msg.held", { hasText: "customs fee" });
    await bad.waitFor({ timeout: 20_000 });
    await bad.locator("button.discard-email").click();
    await expect
      .poll(() => bad.locator(".held-note").textContent())
      .toContain("discarded: the visitor never sees this email from fees@pay-fee.example");
    expect(await bad.locator("button.accept-email").count()).toBe(0);
    await owner.screenshot("admin-email-discarded");
    await visitor.page.reload();
    await visitor.componentLoaded();
    await visitor.page.locator("edge-chat .msg", { hasText: "pick it up on Friday" }).waitFor();
    expect((await visitor.texts()).join("\n")).not.toContain("customs fee");
    expect(visitor.errors).toEqual([]);
    await visitor.close();
  });
});
