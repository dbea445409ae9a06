/**
 * Sites end to end: `npm run site:create`'s logic makes a second site on
 * the local runtime; its widget works on a page served from that site's own origin (another
 * 127.0.0.1 port), the owner sets a password from the emailed link and sees the visitor's
 * message; the demo site's token and the Worker's own origin are refused for that site.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchBrowser, newVisitor } from "./support/browser";
import { eventually } from "./support/operator";
import { startServer, type TestServer } from "./support/server";
import { Visitor } from "./support/visitor";

const KEY = "second-shop";
let server: TestServer;
let browser: Browser;
let shop: http.Server;
let shopOrigin = "";
let site: Record<string, any>;

/** The second shop: one page with the loader, served by Node on its own port. */
function startShop(workerUrl: string): Promise<http.Server> {
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Second shop</title>
<script src="${workerUrl}/widget.js" data-site="${KEY}" async></script></head>
<body><h1>Second shop</h1><p>Pottery, thrown by hand.</p></body></html>`;
  const srv = http.createServer((req, res) => {
    if (req.url === "/" || req.url?.startsWith("/?")) {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(page);
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => srv.listen(0, "127.0.0.1", () => resolve(srv)));
}

async function json(res: Response): Promise<any> {
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  shop = await startShop(server.url);
  shopOrigin = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => (shop ? shop.close(r) : r(null)));
  await server?.stop();
});

describe("a second site made with site:create", () => {
  test("site:create's logic creates it and prints its keys and loader", async () => {
    const file = path.resolve(import.meta.dirname, "../../scripts/site-create.mjs");
    const cli = await import(pathToFileURL(file).href);
    site = await cli.createSite({
      server: server.url,
      token: server.vars.ADMIN_TOKEN,
      name: "Second shop",
      ownerEmail: "potter@second.example",
      origins: [shopOrigin],
      key: KEY,
      timezone: "Europe/Berlin",
    });
    expect(site).toMatchObject({ siteKey: KEY, status: "active", name: "Second shop" });
    expect(site.loader).toBe(`<script src="${server.url}/widget.js" data-site="${KEY}" async></script>`);
    const printed = cli.describe(site, server.url, [shopOrigin]);
    for (const part of [KEY, site.identitySecret, site.pluginSecret, site.loader, site.setPasswordUrl])
      expect(printed).toContain(part);

    // The same key twice is a clear error, not a second site.
    await expect(
      cli.createSite({
        server: server.url,
        token: server.vars.ADMIN_TOKEN,
        ownerEmail: "x@second.example",
        origins: [shopOrigin],
        key: KEY,
      }),
    ).rejects.toThrow(/already exists \(site_exists, HTTP 409\)/);
    await expect(
      cli.createSite({
        server: server.url,
        token: "wrong-token",
        ownerEmail: "x@second.example",
        origins: [shopOrigin],
      }),
    ).rejects.toThrow(/admin_token_required/);
  });

  test("its widget works on a page of its own origin, and the owner sees the message", async () => {
    const context = await newVisitor(browser);
    const visitor = new Visitor(context, await context.newPage(), server);
    await visitor.page.goto(`${shopOrigin}/`);
    await visitor.componentLoaded();
    await visitor.openChat();
    await visitor.send("Do you ship the blue bowls to Vienna?");
    await eventually(async () => (await visitor.states()).includes("Sent"), 15_000, "the message sent");
    const session = await visitor.page.evaluate(
      (k) => JSON.parse(localStorage.getItem(`edgechat:${k}:session`) ?? "null"),
      KEY,
    );
    expect(session.conversationId).toMatch(/^[0-9a-f]{64}$/);
    expect(visitor.errors).toEqual([]);

    // The owner sets a password from the emailed link, signs in, and finds the conversation.
    const link = new URL(site.setPasswordUrl);
    const admin = { "Content-Type": "application/json", Origin: server.url };
    const reset = await fetch(`${server.url}/api/v1/admin/password-reset/complete`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ siteKey: KEY, token: link.searchParams.get("token"), password: "thrown by hand 42" }),
    });
    expect(reset.status).toBe(200);
    const login = await fetch(`${server.url}/api/v1/admin/login`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ siteKey: KEY, email: "potter@second.example", password: "thrown by hand 42" }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const entry = await eventually(
      async () => {
        const list = await json(
          await fetch(`${server.url}/api/v1/admin/conversations`, { headers: { Cookie: cookie } }),
        );
        return list.conversations.find((c: any) => c.id === session.conversationId);
      },
      15_000,
      "the conversation in the second site's inbox",
    );
    expect(entry).toMatchObject({ visitorId: session.visitorId, firstVisitorAt: expect.any(Number) });
    // (The last message may be the site's auto-reply; the search finds the visitor's text.)
    const found = await eventually(
      async () => {
        const res = await json(
          await fetch(`${server.url}/api/v1/admin/search?q=${encodeURIComponent("blue bowls")}`, {
            headers: { Cookie: cookie },
          }),
        );
        return res.conversations.some((c: any) => c.id === session.conversationId);
      },
      15_000,
      "the visitor's text in the second site's search",
    );
    expect(found).toBe(true);
    await context.close();
  });

  test("the demo site's token and the Worker's own origin are refused there", async () => {
    const post = (key: string, origin: string, body: unknown = {}) =>
      fetch(`${server.url}/api/v1/sites/${key}/sessions`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Origin: origin },
        body: JSON.stringify(body),
      });
    // The demo allows every 127.0.0.1 port, so a demo session from the shop's page works…
    const demo = await json(await post("demo", shopOrigin));
    expect(demo.visitorToken).toBeTruthy();
    // …but its token means nothing to the second site.
    const withDemoToken = await post(KEY, shopOrigin, { visitorToken: demo.visitorToken });
    expect(withDemoToken.status).toBe(401);
    expect((await json(withDemoToken)).error.code).toBe("invalid_token");

    // Nor does it open a conversation of the second site.
    const own = await json(await post(KEY, shopOrigin));
    const refused = await new Promise<string>((resolve) => {
      const ws = new WebSocket(
        `${server.url.replace("http", "ws")}/api/v1/conversations/${own.conversationId}/ws?token=${encodeURIComponent(demo.visitorToken)}`,
      );
      ws.onopen = () => {
        ws.close();
        resolve("opened");
      };
      ws.onerror = () => resolve("refused");
    });
    expect(refused).toBe("refused");

    // The second site allows only its own origin: not the demo page's (the Worker's origin).
    const fromDemoPage = await post(KEY, server.url);
    expect(fromDemoPage.status).toBe(403);
    expect((await json(fromDemoPage)).error.code).toBe("origin_not_allowed");
  });
});
