/**
 * Engaging visitors, in Chromium: the operator sees a visitor on a page in Online now and
 * writes first, and the visitor sees it beside the launcher; a greeting rule fires once and
 * never after a dismissal; a blocked visitor's widget says the chat is unavailable; a
 * Russian browser on a page without a language gets the Russian greeting.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AdminPage } from "./admin-support/admin-page";
import { startAdminWorld } from "./admin-support/setup";
import type { TestServer } from "./support/server";
import { Visitor } from "./support/visitor";

let server: TestServer;
let browser: Browser;
let admin: AdminPage;

beforeAll(async () => {
  ({ server, browser } = await startAdminWorld());
  admin = await AdminPage.open(browser, server);
  await admin.login("demo", server.owner.email, server.owner.password);
}, 180_000);

afterAll(async () => {
  await admin?.close();
  await browser?.close();
  await server?.stop();
});

const offer = (v: Visitor) => v.page.locator("edge-chat .offer");

describe("Online now", () => {
  test("lists a visitor on a page; the operator's first message shows in their widget and opens the chat", async () => {
    const visitor = await Visitor.open(browser, server, "/demo/plain.html");
    await expect.poll(() => visitor.session(), { timeout: 20_000 }).toBeTruthy();
    const { visitorId } = (await visitor.session())!;
    await admin.page.locator("ec-app nav a", { hasText: "Online now" }).click();
    const row = admin.page.locator(`ec-online-now tr[data-visitor="${visitorId}"]`);
    await expect.poll(() => row.textContent(), { timeout: 20_000 }).toContain("Plain page");
    expect(await row.textContent()).toContain("new");
    await admin.screenshot("online-now");

    await row.locator("button", { hasText: "Start a chat" }).click();
    await admin.page.locator("ec-online-now #proactive").fill("Hello! Looking for anything in particular?");
    await admin.page.locator("ec-online-now form button.primary").click();
    await admin.page.locator("ec-conversation .thread").waitFor();
    await expect.poll(() => admin.thread().allTextContents()).toContain("Hello! Looking for anything in particular?");

    // The visitor's next page view brings it beside the launcher.
    await visitor.goto("/demo/");
    await expect
      .poll(() => offer(visitor).textContent(), { timeout: 20_000 })
      .toContain("Hello! Looking for anything in particular?");
    await offer(visitor).locator("button", { hasText: "Reply" }).click();
    await expect
      .poll(() => visitor.texts(), { timeout: 20_000 })
      .toContain("Hello! Looking for anything in particular?");
    expect(await offer(visitor).count()).toBe(0);
    await visitor.send("Yes, a linen shirt");
    await expect.poll(() => admin.thread().allTextContents(), { timeout: 20_000 }).toContain("Yes, a linen shirt");
    expect(visitor.errors).toEqual([]);
    await visitor.close();
  });
});

describe("greetings", () => {
  test("a rule saved in settings greets once per period, and never after a dismissal", async () => {
    await admin.page.goto(`${server.url}/admin/settings/greetings`);
    const screen = admin.page.locator("ec-settings-greetings");
    await screen.locator("button", { hasText: "Add a greeting" }).click();
    // A clear message beside the field when the rule cannot be saved.
    await screen.locator("button.primary").click();
    await expect
      .poll(() => screen.locator(".field-error, [role=alert]").first().textContent())
      .toContain("write the greeting in at least one language");
    await screen.locator('[id="rules.0.text.en"]').fill("Need help choosing a size?");
    await screen.locator('[id="rules.0.text.ru"]').fill("Подсказать с размером?");
    // The server serves /demo/plain.html as /demo/plain.
    await screen.locator('[id="rules.0.pages"]').fill("/demo/plain*");
    await screen.locator('[id="rules.0.delaySeconds"]').fill("1");
    await screen.locator('[id="rules.0.delaySeconds"]').dispatchEvent("change");
    await screen.locator("button.primary").click();
    await expect.poll(() => screen.locator("[role=status]").textContent()).toBe("Saved");
    await admin.screenshot("greetings-settings");

    const first = await Visitor.open(browser, server, "/demo/plain.html");
    await expect
      .poll(async () => (await first.session())?.config.engage, { timeout: 20_000 })
      .toMatchObject({ kind: "greeting", id: "greeting-1", text: "Need help choosing a size?", delay: 1 });
    await expect.poll(() => offer(first).textContent(), { timeout: 20_000 }).toContain("Need help choosing a size?");
    // Not on another page, and not again on this one within the period.
    await first.goto("/demo/");
    await first.goto("/demo/plain.html");
    await first.page.waitForTimeout(2500);
    expect(await offer(first).count()).toBe(0);
    await first.close();

    const second = await Visitor.open(browser, server, "/demo/plain.html");
    await expect.poll(() => offer(second).count(), { timeout: 20_000 }).toBe(1);
    await offer(second).locator('button[aria-label="Dismiss"]').click();
    expect(await offer(second).count()).toBe(0);
    const seen = await second.page.evaluate(() => JSON.parse(localStorage.getItem("edgechat:demo:offers") ?? "{}"));
    expect(seen["greeting-1"].dismissed).toBe(1);
    await second.goto("/demo/plain.html");
    await second.page.waitForTimeout(2500);
    expect(await offer(second).count()).toBe(0);
    await second.close();

    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const { body } = await admin.api(
      "GET",
      `/greetings/counts?from=${day(Date.now() - 86_400_000)}&to=${day(Date.now() + 86_400_000)}`,
    );
    expect(body.counts.find((c: any) => c.id === "greeting-1")).toMatchObject({ shown: 2, dismissed: 1 });
    await admin.api("PUT", "/greetings", { rules: [] });
  });
});

describe("blocking", () => {
  test("a visitor blocked from the visitor card sees that the chat is unavailable", async () => {
    const visitor = await Visitor.open(browser, server, "/demo/");
    await visitor.openChat();
    await visitor.send("spam spam spam");
    await expect.poll(() => visitor.states(), { timeout: 20_000 }).toContain("Sent");
    const { conversationId } = (await visitor.session())!;
    await admin.page.goto(`${server.url}/admin/c/${conversationId}`);
    await expect.poll(() => admin.thread().allTextContents(), { timeout: 20_000 }).toContain("spam spam spam");
    await admin.page.locator("ec-visitor-card h2").waitFor();
    await admin.page.locator("ec-block-visitor button", { hasText: "Block visitor" }).click();
    await admin.page.locator("ec-block-visitor #block-reason").fill("spam");
    await admin.page.locator("ec-block-visitor button.danger", { hasText: "Block" }).click();
    await expect
      .poll(async () => (await admin.page.locator("ec-block-visitor p").allTextContents()).join(" "), {
        timeout: 20_000,
      })
      .toContain("Blocked until");

    await expect
      .poll(() => visitor.page.locator("edge-chat .status").textContent(), { timeout: 30_000 })
      .toBe("The chat is unavailable on this page.");
    // The panel stays open across the reload (as it was), and says so at once.
    await visitor.goto("/demo/");
    await expect
      .poll(() => visitor.page.locator("edge-chat .status").textContent(), { timeout: 20_000 })
      .toBe("The chat is unavailable on this page.");

    // The block covered the address too (every visitor here comes from 127.0.0.1): lift it.
    await admin.page.locator("ec-block-visitor button", { hasText: "Unblock" }).click();
    await expect
      .poll(() => admin.page.locator("ec-block-visitor button", { hasText: "Block visitor" }).count())
      .toBe(1);
    await visitor.goto("/demo/");
    await expect
      .poll(() => visitor.page.locator("edge-chat .status").textContent(), { timeout: 20_000 })
      .not.toBe("The chat is unavailable on this page.");
    await visitor.close();
  });
});

describe("look changes", () => {
  test("reach a returning visitor at the next page view, not after a cache expires", async () => {
    const visitor = await Visitor.open(browser, server, "/demo/");
    await expect.poll(() => visitor.session(), { timeout: 20_000 }).toBeTruthy();
    const saved = await admin.api("PUT", "/settings", { look: { color: "#b91c1c", launcherText: "Ask us" } });
    expect(saved.status).toBe(200);
    await visitor.goto("/demo/plain.html");
    await expect
      .poll(() => visitor.launcher().evaluate((b) => getComputedStyle(b).backgroundColor), { timeout: 20_000 })
      .toBe("rgb(185, 28, 28)");
    expect(await visitor.launcher().textContent()).toContain("Ask us");
    await admin.api("PUT", "/settings", { look: { color: "#2563eb", launcherText: "" } });
    await visitor.close();
  });
});

describe("texts per language", () => {
  test("a Russian browser on a page without a language gets the Russian greeting and team name", async () => {
    // Independent of the blocking test: no block on this machine's address.
    for (const b of (await admin.api("GET", "/blocks")).body.blocks) await admin.api("DELETE", `/blocks/${b.id}`);
    const saved = await admin.api("PUT", "/settings", {
      look: { texts: { ru: { greeting: "Здравствуйте! Чем помочь?", teamName: "Команда магазина" } } },
    });
    expect(saved.status).toBe(200);
    const visitor = await Visitor.open(browser, server, "/demo/plain.html", { locale: "ru-RU" });
    await visitor.page.route(`${server.url}/demo/no-lang.html`, (route) =>
      route.fulfill({
        contentType: "text/html; charset=utf-8",
        body: `<!doctype html><html><head><meta charset="utf-8"><title>Без языка</title>
          <script src="/widget.js" data-site="demo" async></script></head><body><p>Страница без lang</p></body></html>`,
      }),
    );
    await visitor.goto("/demo/no-lang.html");
    await expect
      .poll(async () => (await visitor.session())?.config.look.greeting, { timeout: 20_000 })
      .toBe("Здравствуйте! Чем помочь?");
    await visitor.openChat();
    await expect.poll(() => visitor.texts()).toContain("Здравствуйте! Чем помочь?");
    expect(await visitor.page.locator("edge-chat #title").textContent()).toBe("Команда магазина");
    expect(await visitor.page.locator("edge-chat .launcher").getAttribute("aria-label")).toBe("Закрыть чат");
    await visitor.close();
  });
});
