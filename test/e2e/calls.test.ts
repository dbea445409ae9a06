/**
 * Calls end to end in Chromium with fake camera and microphone, against the real Worker: the
 * visitor starts a video call from the widget, the operator accepts it in the admin, both
 * connections reach `connected` and decode video (framesDecoded grows), the operator's
 * screen share arrives at the visitor, hang-up ends both, and a call nobody answers is
 * recorded as missed after 45 s. Prints the time from "accept" to the first decoded frame.
 * Run it inside a network namespace with only loopback (see the README) so ICE stays on
 * 127.0.0.1; it passes on a normal machine too, where host candidates include other addresses.
 */
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminPage, eventually } from "./admin-support/admin-page";
import { CHROMIUM, CHROMIUM_ARGS, newVisitor } from "./support/browser";
import { callTexts } from "../../widget/calls/texts";
import { startServer, type TestServer } from "./support/server";
import { Visitor } from "./support/visitor";

/** Debian Chromium's fake devices: a test pattern for camera and screen, a beep for the microphone, no prompts. */
const MEDIA_ARGS = [
  "--use-fake-device-for-media-stream",
  "--use-fake-ui-for-media-stream",
  "--allow-loopback-in-peer-connection",
  "--auto-select-desktop-capture-source=Entire screen",
];

/** Collects every RTCPeerConnection the page makes, so the test can read their stats. */
const RECORD_PEERS = `(() => {
  const Original = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = class extends Original {
    constructor(...args) { super(...args); window.__pcs.push(this); }
  };
})();`;

let server: TestServer;
let browser: Browser;
let owner: AdminPage;
let visitor: Visitor;
let conversationId: string;

/** framesDecoded of the newest connection's incoming video, by transceiver mid ("1" camera, "2" screen). */
function framesDecoded(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    const pc = pcs[pcs.length - 1];
    const out: Record<string, number> = {};
    if (!pc) return out;
    (await pc.getStats()).forEach((r) => {
      if (r.type === "inbound-rtp" && r.kind === "video") out[r.mid ?? "?"] = r.framesDecoded ?? 0;
    });
    return out;
  });
}

function connectionState(page: Page): Promise<string | undefined> {
  return page.evaluate(() => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    return pcs[pcs.length - 1]?.connectionState;
  });
}

/** Starts polling, in the page, for the first decoded camera frame after `window.__acceptAt`. */
function watchFirstFrame(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as { __pcs: RTCPeerConnection[]; __firstFrameAt?: number };
    const timer = setInterval(async () => {
      const pc = w.__pcs[w.__pcs.length - 1];
      if (!pc) return;
      (await pc.getStats()).forEach((r) => {
        if (
          r.type === "inbound-rtp" &&
          r.kind === "video" &&
          r.mid === "1" &&
          r.framesDecoded > 0 &&
          !w.__firstFrameAt
        ) {
          w.__firstFrameAt = performance.now();
          clearInterval(timer);
        }
      });
    }, 10);
  });
}

/** The visitor chooses More → Video call → Turn on camera → Call. */
async function visitorCalls(v: Visitor): Promise<void> {
  await v.page.locator("edge-chat #more").click();
  await v.page.locator("edge-chat .menu button", { hasText: "Video call" }).click();
  await expect.poll(() => v.page.locator("edge-chat .call p").first().textContent()).toContain("nothing is recorded");
  await v.page.locator("edge-chat .call button", { hasText: "Turn on camera" }).click();
  await v.page.locator("edge-chat .call video.self:not([hidden])").waitFor();
  await v.page.locator("edge-chat .call button", { hasText: /^Call$/ }).click();
}

beforeAll(async () => {
  server = await startServer();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...MEDIA_ARGS],
  });
  owner = await AdminPage.open(browser, server);
  await owner.page.addInitScript(RECORD_PEERS);
  await owner.login("demo", server.owner.email, server.owner.password);
  expect((await owner.api("PUT", "/settings", { video: { enabled: true } })).status).toBe(200);
  await owner.page.reload();
  await owner.page.locator("ec-inbox-list").waitFor();
  visitor = await Visitor.open(browser, server);
  await visitor.page.addInitScript(RECORD_PEERS);
  await visitor.page.reload();
  await visitor.componentLoaded();
  await visitor.openChat();
  await visitor.send("Can you show me how the lens mount works?");
  conversationId = (await eventually(() => visitor.session(), 15_000, "visitor session")).conversationId;
  await eventually(() => owner.row(conversationId).count(), 15_000, "inbox row");
  await owner.openConversation(conversationId);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("video calls", () => {
  it("the visitor calls, the operator accepts: both connect and decode video; a shared screen arrives; hang-up ends both", async () => {
    await visitorCalls(visitor);
    const accept = owner.page.locator("ec-call button.accept");
    await accept.waitFor();
    expect(await owner.page.locator("ec-call p[role=alert]").textContent()).toContain("The visitor is calling");
    await watchFirstFrame(owner.page);
    await owner.page.evaluate(
      () => void ((window as unknown as { __acceptAt: number }).__acceptAt = performance.now()),
    );
    await accept.click();

    await eventually(async () => (await connectionState(owner.page)) === "connected", 20_000, "operator connected");
    await eventually(async () => (await connectionState(visitor.page)) === "connected", 20_000, "visitor connected");
    await eventually(
      () => owner.page.evaluate(() => (window as unknown as { __firstFrameAt?: number }).__firstFrameAt),
      20_000,
      "first frame",
    );
    const ms = await owner.page.evaluate(() => {
      const w = window as unknown as { __firstFrameAt: number; __acceptAt: number };
      return Math.round(w.__firstFrameAt - w.__acceptAt);
    });
    console.log(`calls: accept → first decoded frame at the operator: ${ms} ms`);

    for (const page of [owner.page, visitor.page]) {
      const before = (await framesDecoded(page))["1"] ?? 0;
      await eventually(
        async () => ((await framesDecoded(page))["1"] ?? 0) > before + 10,
        15_000,
        "framesDecoded grows",
      );
    }
    await expect.poll(() => visitor.page.locator("edge-chat .call .state").textContent()).toBe("Connected");
    await expect.poll(() => owner.page.locator("ec-call .state").textContent()).toBe("Connected");

    // The operator shows their screen: the visitor decodes the third transceiver's track and shows it.
    await owner.page.locator("ec-call button.share").click();
    await eventually(
      async () => ((await framesDecoded(visitor.page))["2"] ?? 0) > 5,
      15_000,
      "screen frames at the visitor",
    );
    await visitor.page.locator("edge-chat .call video.screen:not([hidden])").waitFor();
    await visitor.page.screenshot({ path: "test-results/screenshots/call-widget-desktop.png" });
    await owner.screenshot("call-admin");

    await visitor.page.locator("edge-chat .call button.end").click();
    // Both ends close when the server tells them the call ended, each on its own socket.
    await eventually(async () => (await connectionState(owner.page)) === "closed", 10_000, "operator closed");
    await eventually(async () => (await connectionState(visitor.page)) === "closed", 10_000, "visitor closed");
    await expect.poll(() => owner.page.locator("ec-call").getAttribute("data-step")).toBe("ended");
    await expect
      .poll(() => owner.page.locator("ec-conversation .msg .text", { hasText: "Call ended after" }).textContent())
      .toMatch(/screen shared/);
    await expect.poll(() => visitor.page.locator("edge-chat .call p[role=status]").textContent()).toBe("Call ended.");
  });

  it("a call nobody answers is recorded as missed after 45 s", async () => {
    const phone = await Visitor.open(browser, server, "/demo/", {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    await phone.openChat();
    await phone.send("Anyone there for a quick call?");
    await visitorCalls(phone);
    await phone.page.locator("edge-chat .call p[role=status]", { hasText: "Calling…" }).waitFor();
    await phone.page.screenshot({ path: "test-results/screenshots/call-widget-phone.png" });
    await expect
      .poll(() => phone.page.locator("edge-chat .call p[role=status]").textContent(), {
        timeout: 60_000,
        interval: 1000,
      })
      .toBe("Nobody answered. We'll reply in the chat.");
    await phone.page.locator("edge-chat .msg", { hasText: "Missed call (not answered within 45 s)" }).waitFor();
    await phone.close();
  }, 90_000);

  it("in Russian, a call refused because another is ringing says so in Russian", async () => {
    const context = await newVisitor(browser);
    // The server's answer when a call already rings in this conversation (another tab's, say).
    await context.routeWebSocket(/\/api\/v1\/conversations\/[0-9a-f]+\/ws/, (ws) => {
      const upstream = ws.connectToServer();
      ws.onMessage((data) => {
        const frame = JSON.parse(String(data));
        if (frame.type === "call" && frame.action === "request")
          ws.send(
            JSON.stringify({
              type: "error",
              code: "call_busy",
              message: "a call is already ringing or under way in this conversation",
            }),
          );
        else upstream.send(data);
      });
    });
    const guest = new Visitor(context, await context.newPage(), server);
    try {
      await guest.goto("/demo/ru.html");
      await guest.openChat();
      const t = callTexts("ru");
      await guest.page.locator("edge-chat #more").click();
      await guest.page.locator("edge-chat .menu button", { hasText: "Видеозвонок" }).click();
      await guest.page.locator("edge-chat .call button", { hasText: t.withVideo }).click();
      await guest.page.locator("edge-chat .call video.self:not([hidden])").waitFor();
      await guest.page.locator("edge-chat .call button", { hasText: t.call }).click();
      await expect.poll(() => guest.page.locator("edge-chat .call p[role=status]").textContent()).toBe(t.busy);
    } finally {
      await guest.close();
    }
  });

  it("keyboard only: each step of the call panel keeps focus on its controls", async () => {
    const guest = await Visitor.open(browser, server);
    try {
      await guest.openChat();
      const page = guest.page;
      const focused = () =>
        page.evaluate(() => {
          const el = document.querySelector("edge-chat")?.shadowRoot?.activeElement;
          return el ? `chat: ${el.textContent}` : `page: ${document.activeElement?.tagName}`;
        });
      await page.locator("edge-chat #more").focus();
      await page.keyboard.press("Enter");
      await expect.poll(() => page.locator("edge-chat .menu button", { hasText: "Video call" }).count()).toBe(1);
      for (let i = 0; i < 5 && (await focused()) !== "chat: Video call"; i++) await page.keyboard.press("ArrowDown");
      await page.keyboard.press("Enter");
      const turnOn = page.locator("edge-chat .call button", { hasText: "Turn on camera" });
      await turnOn.waitFor();
      await turnOn.focus();
      await page.keyboard.press("Enter");
      await page.locator("edge-chat .call video.self:not([hidden])").waitFor();
      await expect.poll(focused).toBe("chat: Call");
      await page.keyboard.press("Enter");
      await expect.poll(() => page.locator("edge-chat .call p[role=status]").textContent()).toBe("Calling…");
      await expect.poll(focused).toBe("chat: Cancel");
      await page.keyboard.press("Enter"); // hangs up the ringing call
      await expect.poll(() => page.locator("edge-chat .call p[role=status]").textContent()).toBe("Call cancelled.");
      await expect.poll(focused).toBe("chat: Cancel");
      await page.keyboard.press("Enter"); // the panel goes
      await expect.poll(() => page.locator("edge-chat .call").count()).toBe(0);
      await expect.poll(focused).toBe("chat: ");
      expect(
        await page.evaluate(() => document.querySelector("edge-chat")!.shadowRoot!.activeElement!.getAttribute("part")),
      ).toBe("input");
    } finally {
      await guest.close();
    }
  });

  it("the shop calls a visitor whose chat is closed: the chat opens on the ringing call", async () => {
    const panel = visitor.page.locator("edge-chat .panel");
    if (!(await panel.isVisible())) await visitor.openChat();
    await visitor.launcher().click(); // the visitor closes the chat
    await expect.poll(() => panel.isVisible()).toBe(false);
    await owner.page.locator("ec-conversation button.start-call").click();
    await expect.poll(() => panel.isVisible(), { timeout: 15_000 }).toBe(true);
    const ringing = visitor.page.locator("edge-chat .call p[role=alert]");
    expect(await ringing.textContent()).toBe(callTexts("en").incoming);
    await visitor.page.locator("edge-chat .call button", { hasText: callTexts("en").decline }).click();
    await expect.poll(() => owner.page.locator("ec-call").getAttribute("data-step")).toBe("ended");
  });
});
