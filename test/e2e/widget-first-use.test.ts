/**
 * The widget's small first-use fixes, in Chromium on the demo page: a long paste is sent in
 * part and the rest kept with a note; the "ask about this product" draft grows the box; the
 * email ask has "No thanks" (remembered across a reload) and stays small on a phone;
 * right-to-left text is laid out right to left.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { MAX_TEXT } from "../../worker/protocol/limits";
import { launchBrowser, newVisitor } from "./support/browser";
import { eventually } from "./support/operator";
import { startServer, type TestServer } from "./support/server";
import { SocketSwitch, Visitor } from "./support/visitor";

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("the composer", () => {
  test("a 5,000-character paste: the first 4,000 are sent, the rest stays in the box, and the widget says so", async () => {
    const visitor = await Visitor.open(browser, server);
    await visitor.openChat();
    const first = "a".repeat(MAX_TEXT);
    const rest = "b".repeat(1000);
    await visitor.input().focus();
    await visitor.page.keyboard.insertText(first + rest); // what a paste does
    expect((await visitor.input().inputValue()).length).toBe(5000); // nothing cut silently
    await visitor.input().press("Enter");
    await expect
      .poll(() => visitor.page.locator("edge-chat .notice:not(.extra)").textContent())
      .toBe("Sent 4000 characters; the rest is below.");
    expect(await visitor.input().inputValue()).toBe(rest);
    await eventually(async () => (await visitor.states()).includes("Sent"), 15_000, "the first part sent");
    expect(await visitor.texts()).toContain(first);
    await visitor.close();
  });

  test("the product a visitor asks about fills a box that grows to show it", async () => {
    const visitor = await Visitor.open(browser, server, "/demo/", { viewport: { width: 390, height: 700 } });
    const oneLine = await visitor.page.evaluate(async () => {
      await (window as any).edgechat.open();
      return document.querySelector("edge-chat")!.shadowRoot!.querySelector("textarea")!.clientHeight;
    });
    await visitor.page.evaluate(() => (window as any).edgechat.close());
    await visitor.page.evaluate(() =>
      (window as any).edgechat.open({
        product: {
          name: "Stonewashed linen duvet cover, king size, natural",
          price: "129 €",
          url: "https://shop.example/p/duvet-cover-king",
        },
      }),
    );
    const box = visitor.input();
    await expect.poll(() => box.inputValue()).toContain("Stonewashed linen duvet cover");
    const grown = await box.evaluate((el: HTMLTextAreaElement) => ({
      height: el.clientHeight,
      scroll: el.scrollHeight,
    }));
    expect(grown.height).toBeGreaterThan(oneLine * 1.8);
    // All of it visible, or the box at its tallest (120 px) with the rest a scroll away.
    expect(grown.scroll <= grown.height + 4 || grown.height >= 118).toBe(true);
    await visitor.close();
  });

  test("right-to-left text is laid out right to left, in the box and in the bubble", async () => {
    const visitor = await Visitor.open(browser, server);
    await visitor.openChat();
    const hebrew = "שלום, יש לכם מידה 44?";
    await visitor.send(hebrew);
    const bubble = visitor.page.locator("edge-chat .msg .text", { hasText: hebrew });
    await bubble.waitFor();
    expect(await bubble.evaluate((el) => getComputedStyle(el).direction)).toBe("rtl");
    await visitor.input().fill("مرحبا");
    expect(await visitor.input().evaluate((el) => getComputedStyle(el).direction)).toBe("rtl");
    await visitor.close();
  });
});

describe("the email ask", () => {
  test("has No thanks, which is remembered after a reload, and is small on a phone", async () => {
    const context = await newVisitor(browser, { viewport: { width: 390, height: 664 } });
    const sockets = await SocketSwitch.install(context);
    const visitor = new Visitor(context, await context.newPage(), server);
    await visitor.goto("/demo/");
    await visitor.openChat();
    await visitor.send("Do you deliver on Saturdays?");
    await eventually(() => sockets.open > 0, 10_000, "an open socket");
    await eventually(async () => (await visitor.states()).includes("Sent"), 15_000, "sent");
    sockets.inject({ type: "contact", emailKnown: false, askEmail: true });
    const form = visitor.page.locator("edge-chat .contact");
    await form.waitFor();
    const height = (await form.boundingBox())!.height;
    expect(height).toBeLessThan(664 / 6);
    await visitor.page.screenshot({ path: "test-results/screenshots/widget-email-ask-phone.png" });

    await form.getByRole("button", { name: "No thanks" }).click();
    await expect.poll(() => form.count()).toBe(0);
    expect(
      await visitor.page.evaluate(() => document.querySelector("edge-chat")!.shadowRoot!.activeElement?.tagName),
    ).toBe("TEXTAREA");
    await visitor.page.reload();
    await visitor.componentLoaded();
    await visitor.input().waitFor();
    await visitor.page.waitForTimeout(500);
    expect(await form.count()).toBe(0);
    await visitor.close();
  });
});
