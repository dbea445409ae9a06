/**
 * First use, end to end in Chromium: a shop installs the snippet on an address it forgot to
 * allow (another port here, as `www.` against the bare domain is in real life). The visitor
 * is told plainly that chat is unavailable and keeps what they typed — even across a reload;
 * the owner finds the refused address on Settings → Install, allows it with one click, and
 * sees "we saw the widget on … just now"; the visitor's kept text is then sent.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { newVisitor } from "./support/browser";
import type { TestServer } from "./support/server";
import { Visitor } from "./support/visitor";
import { AdminPage, eventually } from "./admin-support/admin-page";
import { startAdminWorld } from "./admin-support/setup";

const KEY = "first-use-shop";
const EMAIL = "owner@first-use.example";
const PASSWORD = "first use at last 42";
let server: TestServer;
let browser: Browser;
const shops: http.Server[] = [];
let allowed = "";
let forgotten = "";

/** A shop page with the snippet, served by Node on a port of its own. */
async function startShop(workerUrl: string): Promise<string> {
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Linen shop</title>
<script src="${workerUrl}/widget.js" data-site="${KEY}" async></script></head><body><h1>Linen shop</h1></body></html>`;
  const srv = http.createServer((req, res) => {
    if (req.url === "/" || req.url?.startsWith("/?"))
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(page);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  shops.push(srv);
  return `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  ({ server, browser } = await startAdminWorld());
  allowed = await startShop(server.url);
  forgotten = await startShop(server.url);
  const cli = await import(pathToFileURL(path.resolve(import.meta.dirname, "../../scripts/site-create.mjs")).href);
  const site = await cli.createSite({
    server: server.url,
    token: server.vars.ADMIN_TOKEN,
    name: "Linen shop",
    ownerEmail: EMAIL,
    origins: [allowed],
    key: KEY,
  });
  const link = new URL(site.setPasswordUrl);
  const reset = await fetch(`${server.url}/api/v1/admin/password-reset/complete`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: server.url },
    body: JSON.stringify({ siteKey: KEY, token: link.searchParams.get("token"), password: PASSWORD }),
  });
  expect(reset.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(shops.map((s) => new Promise((r) => s.close(r))));
  await server?.stop();
});

describe("a page whose address is not allowed", () => {
  test("the visitor is told chat is unavailable and keeps the text; the owner allows the address from Install", async () => {
    const context = await newVisitor(browser);
    const visitor = new Visitor(context, await context.newPage(), server);
    const warnings: string[] = [];
    visitor.page.on("console", (m) => void (m.type() === "warning" && warnings.push(m.text())));
    await visitor.page.goto(`${forgotten}/`);
    await visitor.componentLoaded();
    await visitor.openChat();
    const question = "Do you ship linen sheets to Riga?";
    await visitor.send(question);

    const notice = visitor.page.locator("edge-chat .notice:not(.extra)");
    await expect.poll(() => notice.textContent()).toBe("The chat is unavailable on this page.");
    expect(await visitor.page.locator("edge-chat .status").textContent()).toBe("The chat is unavailable on this page.");
    expect(await visitor.input().inputValue()).toBe(question);
    expect(await visitor.states()).toEqual([]); // nothing waits at "Sending…"
    expect(warnings.join("\n")).toContain(`origin ${forgotten} is not allowed`);

    // The text survives a reload too.
    await visitor.page.reload();
    await visitor.componentLoaded();
    await visitor.input().waitFor(); // the panel was open: it opens again
    expect(await visitor.input().inputValue()).toBe(question);

    // The owner: Settings → Install lists the refused address with "Allow".
    const owner = await AdminPage.open(browser, server);
    await owner.login(KEY, EMAIL, PASSWORD);
    await owner.page.goto(`${server.url}/admin/settings/install`);
    const install = owner.page.locator("ec-settings-install");
    await install.locator("#snippet").waitFor();
    expect(await install.locator("#snippet").textContent()).toBe(
      `<script src="${server.url}/widget.js" data-site="${KEY}" async></script>`,
    );
    const plugin = await fetch(`${server.url}${await install.locator("#wordpress").getAttribute("href")}`);
    expect(plugin.status).toBe(200);
    expect((await plugin.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
    expect(await install.locator("#seen").textContent()).toContain("has not been seen");
    const refusedRow = install.locator("#refused li", { hasText: forgotten });
    await refusedRow.waitFor();
    await owner.screenshot("install-refused");
    await refusedRow.getByRole("button", { name: `Allow ${forgotten}` }).click();
    await expect.poll(() => install.locator("#refused li", { hasText: forgotten }).count()).toBe(0);

    // The visitor sends the kept text now; the Install screen has seen the widget working.
    await visitor.page.reload();
    await visitor.componentLoaded();
    await visitor.input().waitFor(); // the panel was open: it opens again
    await visitor.input().press("Enter");
    await eventually(async () => (await visitor.states()).includes("Sent"), 15_000, "the kept message sent");
    expect(await visitor.texts()).toContain(question);
    expect(await visitor.input().inputValue()).toBe("");

    await install.getByRole("button", { name: "Check again" }).click();
    await expect
      .poll(() => install.locator("#seen").textContent())
      .toContain(`We saw the widget on ${forgotten} just now.`);
    await owner.screenshot("install-seen");
    expect(visitor.errors).toEqual([]);
    await owner.close();
    await visitor.close();
  });
});
