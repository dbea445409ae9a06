/**
 * The reconnecting socket the widget and the admin's inbox and conversations share
 * (widget/connection.ts), in Chromium: Playwright plays the server (routeWebSocket), and the
 * page's timers are held, so each backoff wait can be read and then let run at once.
 */
import { build } from "esbuild";
import path from "node:path";
import type { Browser, Page, WebSocketRoute } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { freePort } from "../../scripts/local-server.mjs";
import { launchBrowser } from "./support/browser";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SERVER = "ws://socket.test/ws";

let browser: Browser;
/** widget/connection.ts as a classic script exposing `reconnecting.Connection`. */
let script: string;

beforeAll(async () => {
  browser = await launchBrowser();
  const out = await build({
    entryPoints: [path.join(ROOT, "widget/connection.ts")],
    bundle: true,
    format: "iife",
    globalName: "reconnecting",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  script = out.outputFiles[0]!.text;
});

afterAll(async () => {
  await browser?.close();
});

type Logged = ["url", boolean] | ["open"] | ["frame", unknown] | ["down", number | undefined];

/** What the page's Connection did, and the server's side of each socket it opened. */
interface SocketPage {
  page: Page;
  /** One route per socket that reached the server, in order. */
  server: WebSocketRoute[];
  /** Text frames the server received. */
  received: string[];
  /** console.warn lines and uncaught errors of the page. */
  warnings: string[];
  errors: string[];
  log(): Promise<Logged[]>;
  /** Delays of the timers the page holds (the backoff waits). */
  waits(): Promise<number[]>;
  /** Runs the held timers now. */
  elapse(): Promise<void>;
}

/**
 * A page with one Connection (not started) as `window.socket`, its handlers logging to
 * `window.log`. `url()` hands out `urls` first, then the Playwright server's address.
 */
async function socketPage(urls: string[] = []): Promise<SocketPage> {
  const page = await browser.newPage();
  const server: WebSocketRoute[] = [];
  const received: string[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.routeWebSocket(/^ws:\/\/socket\.test\//, (ws) => {
    server.push(ws);
    ws.onMessage((m) => void received.push(String(m)));
  });
  await page.setContent("<!doctype html><title>socket</title>");
  await page.addScriptTag({ content: script });
  await page.evaluate(
    ({ urls, fallback }) => {
      const w = window as any;
      const held = new Map<number, { run: () => void; ms: number }>();
      let next = 0;
      w.setTimeout = (run: () => void, ms: number) => (held.set(++next, { run, ms }), next);
      w.clearTimeout = (id: number) => held.delete(id);
      w.waits = () => [...held.values()].map((t) => t.ms);
      w.elapse = () => {
        const due = [...held.values()];
        held.clear();
        for (const t of due) t.run();
      };
      const log: unknown[] = (w.log = []);
      w.socket = new w.reconnecting.Connection({
        url: (refused: boolean) => (log.push(["url", refused]), urls.shift() ?? fallback),
        open: () => log.push(["open"]),
        frame: (frame: unknown) => log.push(["frame", frame]),
        down: (code?: number) => log.push(["down", code]),
      });
    },
    { urls, fallback: SERVER },
  );
  return {
    page,
    server,
    received,
    warnings,
    errors,
    log: () => page.evaluate(() => (window as any).log),
    waits: () => page.evaluate(() => (window as any).waits()),
    elapse: () => page.evaluate(() => (window as any).elapse()),
  };
}

const count = async (s: SocketPage, kind: Logged[0]) => (await s.log()).filter((e) => e[0] === kind).length;

describe("the reconnecting socket", () => {
  test("comes back after the server drops it, each wait longer than the last and jittered", async () => {
    const s = await socketPage();
    await s.page.evaluate(() => (window as any).socket.start());
    const fractions: number[] = [];
    for (let drop = 0; drop < 4; drop++) {
      await expect.poll(() => count(s, "open")).toBe(drop + 1);
      await s.server[drop]!.close({ code: 1001, reason: "going away" });
      await expect.poll(() => s.waits()).toHaveLength(1);
      const [wait] = await s.waits();
      const ceiling = 500 * 2 ** drop;
      expect(wait).toBeGreaterThanOrEqual(ceiling / 2);
      expect(wait).toBeLessThanOrEqual(ceiling);
      fractions.push(wait! / ceiling);
      await s.elapse();
    }
    await expect.poll(() => count(s, "open")).toBe(5);
    // Random, not a fixed share of the ceiling: two tabs dropped together do not come back together.
    expect(new Set(fractions).size).toBeGreaterThan(1);
    expect((await s.log()).filter((e) => e[0] === "down")).toEqual(Array(4).fill(["down", 1001]));

    // Once the caller says the link works, the next wait starts from half a second again.
    await s.page.evaluate(() => (window as any).socket.healthy());
    await s.server[4]!.close({ code: 1001 });
    await expect.poll(() => s.waits()).toHaveLength(1);
    const [wait] = await s.waits();
    expect(wait).toBeGreaterThanOrEqual(250);
    expect(wait).toBeLessThanOrEqual(500);
    expect(s.server).toHaveLength(5);
    await s.page.close();
  });

  test("drops a frame that is not JSON or has no string type, with a warning, and keeps the socket", async () => {
    const s = await socketPage();
    await s.page.evaluate(() => (window as any).socket.start());
    await expect.poll(() => count(s, "open")).toBe(1);
    const garbage = ["<html>502 Bad Gateway</html>", '{"no":"type"}', '{"type":7}', "null"];
    for (const text of garbage) s.server[0]!.send(text);
    s.server[0]!.send(JSON.stringify({ type: "message", text: "still here" }));
    await expect
      .poll(async () => (await s.log()).filter((e) => e[0] === "frame"))
      .toEqual([["frame", { type: "message", text: "still here" }]]);
    expect(s.warnings).toHaveLength(garbage.length);
    expect(s.warnings[0]).toContain("502 Bad Gateway");
    expect(s.errors).toEqual([]);
    expect(await count(s, "down")).toBe(0);
    expect(await s.page.evaluate(() => (window as any).socket.send({ type: "typing" }))).toBe(true);
    await expect.poll(() => s.received).toEqual(['{"type":"typing"}']);
    await s.page.close();
  });

  test("tells the next attempt the last socket never opened, and tries at once when the browser is online again", async () => {
    const nobody = `ws://127.0.0.1:${await freePort()}/ws`;
    const s = await socketPage([nobody]);
    await s.page.evaluate(() => (window as any).socket.start());
    await expect.poll(() => s.waits()).toHaveLength(1); // refused, waiting
    expect(await s.log()).toEqual([
      ["url", false],
      ["down", 1006],
    ]);

    await s.page.evaluate(() => dispatchEvent(new Event("online")));
    await expect.poll(() => count(s, "open")).toBe(1);
    expect((await s.log()).slice(2, 3)).toEqual([["url", true]]);
    expect(await s.waits()).toEqual([]); // the pending wait was cancelled, not run later
    await s.page.close();
  });

  test("stops for good: no down, no new attempt, not even when the browser is online again", async () => {
    const s = await socketPage();
    await s.page.evaluate(() => (window as any).socket.start());
    await expect.poll(() => count(s, "open")).toBe(1);
    const closed = new Promise<number | undefined>((resolve) => s.server[0]!.onClose((code) => resolve(code)));
    await s.page.evaluate(() => (window as any).socket.stop());
    expect(await closed).toBe(1000);
    await s.page.evaluate(() => dispatchEvent(new Event("online")));
    expect(await s.waits()).toEqual([]);
    expect(await s.log()).toEqual([["url", false], ["open"]]);
    expect(await s.page.evaluate(() => (window as any).socket.send({ type: "typing" }))).toBe(false);
    await s.page.close();
  });
});
