/**
 * The installable admin in Chromium: the manifest and its icons, the service worker that
 * installs with the app shell (and never an API answer), a pushed payload shown as a
 * notification that opens its conversation, the offline screen, the inbox and a
 * conversation usable at 360 px, logging out that stops the device's push notifications, and
 * a notification's conversation shown after signing in when the session had ended.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "./support/browser";
import { newVisitor, visitorSays } from "./support/node-clients";
import { startServer, type TestServer } from "./support/server";

/** A push subscription's keys as a browser gives them: a P-256 public key and 16 random bytes, base64url. */
async function deviceKeys(): Promise<{ p256dh: string; auth: string }> {
  const pair = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
  const raw = Buffer.from(await crypto.subtle.exportKey("raw", pair.publicKey));
  return {
    p256dh: raw.toString("base64url"),
    auth: Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64url"),
  };
}
let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "en-US" });
  await context.grantPermissions(["notifications"], { origin: server.url });
  page = await context.newPage();
  await page.goto(`${server.url}/healthz`);
  const status = await page.evaluate(async (owner) => {
    const res = await fetch("/api/v1/admin/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ siteKey: "demo", ...owner }),
    });
    return res.status;
  }, server.owner);
  expect(status).toBe(200);
  await page.goto(`${server.url}/admin/`);
  await page.evaluate(() => navigator.serviceWorker.ready);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** True when the page scrolls sideways (something is wider than the screen). */
function overflowsSideways(p: Page): Promise<boolean> {
  return p.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);
}

describe("installable admin", () => {
  it("has a manifest with 192 and 512 px icons and a theme", async () => {
    const manifest = await page.evaluate(async () => {
      const href = document.querySelector<HTMLLinkElement>("link[rel=manifest]")!.href;
      const m = await (await fetch(href)).json();
      const icons = await Promise.all(
        m.icons.map(async (i: { src: string }) => (await fetch(i.src)).headers.get("content-type")),
      );
      return { ...m, iconTypes: icons };
    });
    expect(manifest).toMatchObject({
      start_url: "/admin/",
      scope: "/admin/",
      display: "standalone",
      iconTypes: ["image/png", "image/png"],
    });
    expect(manifest.icons.map((i: { sizes: string }) => i.sizes)).toEqual(["192x192", "512x512"]);
  });

  it("installs a service worker that caches the app shell and no API answer", async () => {
    const cached = await page.evaluate(async () => {
      await fetch("/api/v1/admin/me");
      const keys = await caches.keys();
      const urls = (
        await Promise.all(
          keys.map(async (k) => (await (await caches.open(k)).keys()).map((r) => new URL(r.url).pathname)),
        )
      ).flat();
      return {
        controlled:
          !!navigator.serviceWorker.controller || !!(await navigator.serviceWorker.getRegistration("/admin/")),
        urls,
      };
    });
    expect(cached.controlled).toBe(true);
    expect(cached.urls).toContain("/admin/");
    expect(cached.urls).toContain("/admin/offline");
    expect(cached.urls.some((u) => u.startsWith("/api/"))).toBe(false);
  });

  it("shows a pushed payload as a notification that carries its conversation's link", async () => {
    const cdp = await context.newCDPSession(page);
    const registrations: { registrationId: string; scopeURL: string }[] = [];
    cdp.on("ServiceWorker.workerRegistrationUpdated", (e) => registrations.push(...e.registrations));
    await cdp.send("ServiceWorker.enable");
    await expect.poll(() => registrations.find((r) => r.scopeURL === `${server.url}/admin/`)).toBeTruthy();
    const reg = registrations.find((r) => r.scopeURL === `${server.url}/admin/`)!;
    const payload = {
      title: "New chat: Anna",
      body: "Do you ship to Riga?",
      url: "/admin/c/abc",
      tag: "c-abc",
      conversationIds: ["abc"],
    };
    await cdp.send("ServiceWorker.deliverPushMessage", {
      origin: server.url,
      registrationId: reg.registrationId,
      data: JSON.stringify(payload),
    });
    await expect
      .poll(() =>
        page.evaluate(async () => {
          const notes = await (await navigator.serviceWorker.ready).getNotifications();
          return notes.map((n) => ({ title: n.title, body: n.body, tag: n.tag, url: n.data?.url }));
        }),
      )
      .toEqual([{ title: "New chat: Anna", body: "Do you ship to Riga?", tag: "c-abc", url: "/admin/c/abc" }]);
  });

  it("keeps the inbox and a conversation usable at 360 px", async () => {
    const visitor = await newVisitor(server as never);
    await visitorSays(visitor.socket, "Is the blue kettle in stock?");
    await page.goto(`${server.url}/admin/`);
    await page.getByText("Is the blue kettle in stock?").first().waitFor();
    expect(await overflowsSideways(page)).toBe(false);
    await page.goto(`${server.url}/admin/c/${visitor.conversationId}`);
    await page.locator("ec-composer textarea").waitFor();
    expect(await page.locator("ec-composer textarea").isVisible()).toBe(true);
    expect(await overflowsSideways(page)).toBe(false);
    visitor.socket.close();
  });

  it("shows the offline screen, not a login form, when opened without a connection", async () => {
    await context.setOffline(true);
    const offline = await context.newPage();
    for (const path of ["/admin/", "/admin/c/abc"]) {
      await offline.goto(`${server.url}${path}`);
      expect(await offline.locator("h1").textContent()).toBe("You are offline");
    }
    await offline.close();
    await context.setOffline(false);
  });

  it("offers to turn push on again on a device the server no longer sends to", async () => {
    // The browser still holds a subscription the server forgot (the push service said it was
    // gone, or the operator's password was reset): nothing reaches this device.
    await page.goto(`${server.url}/admin/settings/notifications`);
    const screen = page.locator("ec-settings-notifications");
    await screen.getByText("Push notifications on this device").waitFor();
    await page.addInitScript(() => {
      const endpoint = "https://push.example/forgotten";
      PushManager.prototype.getSubscription = async () =>
        ({ endpoint, toJSON: () => ({ endpoint }), unsubscribe: async () => true }) as any;
    });
    await page.reload();
    await screen.getByText("Push notifications on this device").waitFor();
    await screen.getByRole("button", { name: "Turn on" }).waitFor();
    expect(await screen.getByRole("button", { name: "Turn off" }).count()).toBe(0);

    // Once the server has it again, the device reads as on.
    const saved = await page.evaluate(
      async (keys) => {
        const res = await fetch("/api/v1/admin/push/subscriptions", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ endpoint: "https://push.example/forgotten", keys }),
        });
        return res.status;
      },
      await deviceKeys(),
    );
    expect(saved).toBe(201);
    await page.reload();
    await screen.getByRole("button", { name: "Turn off" }).waitFor();
    await page.evaluate(() =>
      fetch("/api/v1/admin/push/subscriptions", {
        method: "DELETE",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ endpoint: "https://push.example/forgotten" }),
      }),
    );
  });

  it("stops this device's push notifications when the operator logs out", async () => {
    await page.goto(`${server.url}/admin/`);
    await page.locator("ec-inbox-list").waitFor();
    const endpoint = "https://push.example/pwa-logout";
    // Chromium here has no push service to subscribe with: the browser's subscription is a stand-in.
    const saved = await page.evaluate(
      async ({ endpoint, keys }) => {
        const w = window as any;
        w.__unsubscribed = false;
        const sub = {
          endpoint,
          toJSON: () => ({ endpoint, expirationTime: null, keys }),
          unsubscribe: async () => (w.__unsubscribed = true),
        };
        PushManager.prototype.getSubscription = async () => (w.__unsubscribed ? null : (sub as any));
        const res = await fetch("/api/v1/admin/push/subscriptions", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(sub.toJSON()),
        });
        return res.status;
      },
      { endpoint, keys: await deviceKeys() },
    );
    expect(saved).toBe(201);

    await page.locator("ec-app").getByRole("button", { name: "Log out" }).click();
    await page.locator("ec-auth #password").waitFor();
    expect(await page.evaluate(() => (window as any).__unsubscribed)).toBe(true);
    const devices = await page.evaluate(async (owner) => {
      await fetch("/api/v1/admin/login", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ siteKey: "demo", ...owner }),
      });
      return (await (await fetch("/api/v1/admin/notifications")).json()).push.devices;
    }, server.owner);
    expect(devices).toBe(0);
  });

  it("opens a notification's conversation after signing in, when the session had ended", async () => {
    const visitor = await newVisitor(server as never);
    await visitorSays(visitor.socket, "Is the green teapot back in stock?");
    await context.clearCookies();
    // Where a push notification's click leads, on a phone whose session has expired.
    await page.goto(`${server.url}/admin/c/${visitor.conversationId}`);
    const auth = page.locator("ec-auth");
    await auth.locator("#password").waitFor();
    if ((await auth.locator("details").getAttribute("open")) === null) await auth.locator("details summary").click();
    await auth.locator("#siteKey").fill("demo");
    await auth.locator("#email").fill(server.owner.email);
    await auth.locator("#password").fill(server.owner.password);
    await auth.locator("button.primary").click();
    await page.locator("ec-conversation .thread").getByText("Is the green teapot back in stock?").waitFor();
    expect(new URL(page.url()).pathname).toBe(`/admin/c/${visitor.conversationId}`);
    visitor.socket.close();
  });
});
