/**
 * The visitor's side: a page with the widget, helpers that act as a person would (click the
 * launcher, type, press Enter) and read what the widget shows from its open shadow root, and
 * a switch that cuts and restores the chat's WebSockets.
 */
import type { Browser, BrowserContext, BrowserContextOptions, Page, WebSocketRoute } from "playwright-core";
import { newVisitor } from "./browser";
import type { TestServer } from "./server";

export interface StoredSession {
  visitorToken: string;
  visitorId: string;
  conversationId: string;
  config: Record<string, any>;
}

export class Visitor {
  /** Texts of `alert`/`confirm`/`prompt` dialogs the page opened: must stay empty. */
  readonly dialogs: string[] = [];
  readonly errors: string[] = [];

  constructor(
    readonly context: BrowserContext,
    public page: Page,
    readonly server: TestServer,
  ) {
    this.watch(page);
  }

  /** A new visitor (fresh storage) on `path` of the server, with the component loaded. */
  static async open(
    browser: Browser,
    server: TestServer,
    path = "/demo/",
    options: BrowserContextOptions = {},
  ): Promise<Visitor> {
    const context = await newVisitor(browser, options);
    const visitor = new Visitor(context, await context.newPage(), server);
    await visitor.goto(path);
    return visitor;
  }

  watch(page: Page): void {
    page.on("dialog", (d) => {
      this.dialogs.push(d.message());
      void d.dismiss();
    });
    page.on("pageerror", (e) => this.errors.push(String(e)));
  }

  async goto(path: string): Promise<void> {
    await this.page.goto(`${this.server.url}${path}`);
    await this.componentLoaded();
  }

  /** Waits until `<edge-chat>` is the real component (the loader hands over on idle). */
  async componentLoaded(page = this.page): Promise<void> {
    await page.waitForFunction(
      () => (document.querySelector("edge-chat") as { hasUpdated?: boolean } | null)?.hasUpdated === true,
    );
  }

  launcher(page = this.page) {
    return page.locator("edge-chat .launcher");
  }

  input(page = this.page) {
    return page.locator("edge-chat .composer textarea");
  }

  /** Clicks the launcher and waits for the message field to have focus. */
  async openChat(page = this.page): Promise<void> {
    await this.launcher(page).click();
    await page.waitForFunction(
      () => document.querySelector("edge-chat")?.shadowRoot?.activeElement?.tagName === "TEXTAREA",
    );
  }

  /** Types a message and presses Enter. */
  async send(text: string, page = this.page): Promise<void> {
    await this.input(page).fill(text);
    await this.input(page).press("Enter");
  }

  /** The texts of the message bubbles, greeting first. */
  texts(page = this.page): Promise<string[]> {
    return page.locator("edge-chat .msg .text").allTextContents();
  }

  /** Delivery states shown under the visitor's messages ("Sending…", "Sent", "Read"). */
  states(page = this.page): Promise<string[]> {
    return page.locator("edge-chat .msg .state").allTextContents();
  }

  session(page = this.page): Promise<StoredSession | null> {
    return page.evaluate(() => JSON.parse(localStorage.getItem("edgechat:demo:session") ?? "null"));
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

/** Cuts, silences and restores the widget's WebSockets (and can push frames as if the server had sent them). */
export class SocketSwitch {
  private cut = false;
  private readonly live = new Set<WebSocketRoute>();
  private readonly silent = new Set<WebSocketRoute>();
  /** URLs of every socket the page opened, refused or not. */
  readonly attempts: string[] = [];

  /** Routes the widget's sockets, or those matching `url` (e.g. the admin's). */
  static async install(
    context: BrowserContext,
    url = /\/api\/v1\/conversations\/[0-9a-f]+\/ws/,
  ): Promise<SocketSwitch> {
    const sw = new SocketSwitch();
    await context.routeWebSocket(url, (ws) => sw.route(ws));
    return sw;
  }

  private route(ws: WebSocketRoute): void {
    this.attempts.push(ws.url());
    if (this.cut) return void ws.close({ code: 1006 });
    const server = ws.connectToServer();
    this.live.add(ws);
    // Relayed by hand, so that a socket can go silent (see `silence`).
    ws.onMessage((m) => this.silent.has(ws) || server.send(m));
    server.onMessage((m) => this.silent.has(ws) || ws.send(m));
    ws.onClose(() => {
      this.live.delete(ws);
      void server.close();
    });
    server.onClose(() => {
      this.live.delete(ws);
      void ws.close();
    });
  }

  /** Drops every open socket (`code` 1001: the server went away) and refuses new ones. */
  async off(code = 1006): Promise<void> {
    this.cut = true;
    await Promise.all([...this.live].map((ws) => ws.close({ code })));
    this.live.clear();
  }

  on(): void {
    this.cut = false;
  }

  /**
   * Every open socket goes on looking open and carries nothing either way, as a link that
   * died without closing (a phone that changed networks); sockets opened later work.
   */
  silence(): void {
    for (const ws of this.live) this.silent.add(ws);
  }

  get open(): number {
    return this.live.size;
  }

  /** Sends a frame to the page on every open socket, as if the server had. */
  inject(frame: Record<string, unknown>): void {
    for (const ws of this.live) ws.send(JSON.stringify(frame));
  }
}
