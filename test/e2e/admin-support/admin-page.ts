/**
 * The admin app in a browser context of its own (own cookies: one operator), with helpers
 * that act as an operator does: log in, open a conversation, type in the composer, pick
 * from menus. Locators pierce the components' open shadow roots.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { TestServer } from "../support/server";

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export class AdminPage {
  /** Texts of alert/confirm/prompt dialogs nobody asked for (a script payload that ran). */
  readonly dialogs: string[] = [];
  readonly errors: string[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly server: TestServer,
  ) {
    page.on("dialog", (d) => {
      if (d.type() === "confirm") return void d.accept(); // the app's own "Remove …?" questions
      this.dialogs.push(d.message());
      void d.dismiss();
    });
    page.on("pageerror", (e) => this.errors.push(String(e)));
  }

  /** A fresh browser context on `path` of the admin. */
  static async open(browser: Browser, server: TestServer, path = "/admin/", viewport = DESKTOP): Promise<AdminPage> {
    const context = await browser.newContext({ viewport, locale: "en-US" });
    const admin = new AdminPage(context, await context.newPage(), server);
    await admin.page.goto(`${server.url}${path}`);
    return admin;
  }

  /** Fills the login form (the site key under "Advanced" unless empty) and submits it. */
  async submitLogin(siteKey: string, email: string, password: string): Promise<void> {
    const p = this.page;
    if (siteKey) {
      if (
        !(await p
          .locator("ec-auth details")
          .getAttribute("open")
          .then((v) => v !== null))
      )
        await p.locator("ec-auth details summary").click();
      await p.locator("ec-auth #siteKey").fill(siteKey);
    }
    await p.locator("ec-auth #email").fill(email);
    await p.locator("ec-auth #password").fill(password);
    await p.locator("ec-auth button.primary").click();
  }

  /** Logs in and waits for the inbox. */
  async login(siteKey: string, email: string, password: string): Promise<void> {
    await this.submitLogin(siteKey, email, password);
    await this.page.locator("ec-inbox-list").waitFor();
  }

  /** The inbox row of a conversation. */
  row(conversationId: string) {
    return this.page.locator(`ec-inbox-list li button[data-id="${conversationId}"]`);
  }

  /** Picks an inbox view (Open, Mine, …) by its English name. */
  async view(name: string): Promise<void> {
    await this.page.locator("ec-inbox-list nav button", { hasText: name }).click();
  }

  /** Opens a conversation from the inbox and waits for its thread. */
  async openConversation(conversationId: string): Promise<void> {
    await this.row(conversationId).click();
    await this.page.locator("ec-conversation .thread").waitFor();
  }

  composer() {
    return this.page.locator("ec-composer textarea");
  }

  /** Bubbles of the open conversation's thread (their text only). */
  thread() {
    return this.page.locator("ec-conversation .msg .text");
  }

  /** A JSON call to the admin API with this context's session, from the admin's origin. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    return this.page.evaluate(
      async ({ method, path, body }) => {
        const res = await fetch(`/api/v1/admin${path}`, {
          method,
          headers: body === undefined ? {} : { "Content-Type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: await res.json().catch(() => null) };
      },
      { method, path, body },
    );
  }

  /** The newest link of a kind of email in the site's local outbox. */
  async outboxLink(kind: string, to: string): Promise<string> {
    const { body } = await this.api("GET", "/outbox");
    const mail = body.messages.find((m: any) => m.kind === kind && m.to === to);
    let link: string | undefined = mail?.message.text.match(/https?:\/\/\S+/)?.[0];
    // Secret links are redacted in the outbox; the local server prints them on its console.
    if (link?.includes("REDACTED")) {
      const [path] = link.split("REDACTED");
      link = this.server
        .consoleLinks()
        .reverse()
        .find((l) => l.startsWith(path!));
    }
    if (!link) throw new Error(`no ${kind} email to ${to} in the outbox`);
    return link;
  }

  /** Saves a screenshot under test-results/screenshots/ (git-ignored) for review. */
  async screenshot(name: string): Promise<void> {
    await this.page.screenshot({ path: `test-results/screenshots/${name}.png` });
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

/** Polls `check` until it gives something truthy; fails after `ms` naming `what`. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  ms = 15_000,
  what = "condition",
): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
