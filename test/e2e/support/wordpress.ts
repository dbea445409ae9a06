/**
 * The WordPress of the e2e files: set up by test/wordpress/setup.sh (Debian's wordpress on
 * MariaDB) and served by `php -S` with a router from test/wordpress/, one port per file.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import type { BrowserContext, Page } from "playwright-core";
import { test } from "vitest";
import { freePort } from "../../../scripts/local-server.mjs";
import { eventually } from "./operator";

const ROOT = path.resolve(import.meta.dirname, "../../..");
export const WP = path.join(ROOT, "test/wordpress");

/**
 * Runs test/wordpress/setup.sh (idempotent: a second run checks and returns in about a second;
 * it also starts MariaDB when it is down). Returns why WordPress is unavailable, or null.
 */
export async function setUpWordPress(): Promise<string | null> {
  try {
    await promisify(execFile)("bash", [path.join(WP, "setup.sh")], {
      cwd: ROOT,
      maxBuffer: 64 << 20,
      timeout: 840_000,
    });
    return null;
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string; message: string };
    const tail = `${e.stdout ?? ""}${e.stderr ?? ""}`.trim().split("\n").slice(-15).join("\n");
    return `test/wordpress/setup.sh failed (${e.code ?? e.message}):\n${tail || e.message}`;
  }
}

/** A test that is skipped, with the reason, when WordPress could not be set up. */
export function wpTest(name: string, fn: () => Promise<void>, unavailable: () => string | null): void {
  test(name, async (ctx) => {
    const why = unavailable();
    if (why) ctx.skip(`WordPress could not be installed: ${why}`);
    await fn();
  });
}

export interface WordPressServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * `php -S 127.0.0.1:PORT -t /usr/share/wordpress ROUTER` (as test/wordpress/serve.sh), on a
 * free port unless given, until WordPress answers its front page. `router` is a file of
 * test/wordpress/ (router.php, or e2e/woo-router.php for the WooCommerce stand-in).
 */
export async function serveWordPress(
  options: { port?: number; router?: string; env?: Record<string, string> } = {},
): Promise<WordPressServer> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  // A few workers: the browser asks for a page and its assets at once.
  const child = spawn(
    "php",
    ["-S", `127.0.0.1:${port}`, "-t", "/usr/share/wordpress", path.join(WP, options.router ?? "router.php")],
    {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, PHP_CLI_SERVER_WORKERS: "4", ...options.env },
    },
  );
  const keep = (d: Buffer) => (output = (output + d).slice(-4000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const stop = () => stopGroup(child);
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`php -S exited with code ${child.exitCode}`);
        const res = await fetch(`${url}/`);
        return res.status === 200 && (await res.text()).includes("</html>");
      },
      30_000,
      `WordPress at ${url}`,
    );
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${output}`);
  }
  return { url, port, stop };
}

/** SIGTERM to the process group (php -S and its workers), SIGKILL after 5 s. */
function stopGroup(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* gone */
      }
    }, 5000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      resolve();
    }
  });
}

/** Runs a command-line helper of test/wordpress/e2e/ (site.php, woo-shop.php); its output. */
export function wpHelper(helper: string, args: string[], input?: string): string {
  const res = spawnSync("php", [path.join(WP, "e2e", helper), ...args], {
    cwd: ROOT,
    input,
    encoding: "utf8",
    timeout: 30_000,
  });
  if (res.status !== 0) throw new Error(`${helper} ${args[0]} failed (${res.status}): ${res.stderr}${res.stdout}`);
  return res.stdout.trim();
}

/**
 * Logs in through wp-login.php, as a person would; returns the page (now in wp-admin).
 * When WordPress answers with its form again, it says why; that reason is printed and the form
 * is sent once more, as a person would (on a loaded CI machine it once did, and the reason was lost),
 * and a second refusal fails with both reasons.
 */
export async function wpLogin(
  context: BrowserContext,
  baseUrl: string,
  user: { login: string; password: string },
): Promise<Page> {
  const page = await context.newPage();
  const refusals: string[] = [];
  for (let attempt = 1; attempt <= 2; attempt++) {
    await page.goto(`${baseUrl}/wp-login.php`);
    await page.locator("#user_login").fill(user.login);
    await page.locator("#user_pass").fill(user.password);
    const loggedIn = page.waitForURL(/\/wp-admin\//).then(() => true);
    const refused = page
      .locator("#login_error")
      .waitFor()
      .then(() => false);
    // The outcome that did not come times out later; that is no error.
    loggedIn.catch(() => {});
    refused.catch(() => {});
    await page.locator("#wp-submit").click();
    if (await Promise.race([loggedIn, refused])) return page;
    refusals.push(`${page.url()}: ${(await page.locator("#login_error").textContent())?.trim()}`);
    console.warn(`[wordpress e2e] WordPress did not log ${user.login} in (attempt ${attempt}): ${refusals.at(-1)}`);
  }
  throw new Error(`WordPress refused to log ${user.login} in twice:\n${refusals.join("\n")}`);
}
