/**
 * An operator for end-to-end tests: a page on the server's own origin that logs in (so the
 * session cookie and the `Origin` header are the admin app's), calls the admin API, and
 * opens operator WebSockets whose frames are collected here in Node.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { InboxEntry, Message, ServerFrame } from "../../../worker/protocol";
import type { TestServer } from "./server";

type Frame = ServerFrame & Record<string, any>;

/** Polls `check` until it returns a value other than undefined/false, or fails after `ms`. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  ms = 15_000,
  what = "condition",
): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${last}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export class Operator {
  private readonly frames = new Map<string, Frame[]>();
  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {}

  /** Logs the demo site's owner in, in a context of its own. */
  static async login(browser: Browser, server: TestServer): Promise<Operator> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const op = new Operator(context, page);
    await page.exposeBinding("__edgechatFrame", (_source, key: string, data: string) => {
      op.frames.get(key)?.push(JSON.parse(data));
    });
    await page.goto(`${server.url}/healthz`);
    const res = await op.api("POST", "/api/v1/admin/login", { siteKey: "demo", ...server.owner });
    if (res.status !== 200) throw new Error(`operator login failed: ${res.status} ${JSON.stringify(res.body)}`);
    return op;
  }

  /** A JSON call to the admin API from the admin origin, with the session cookie. */
  async api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    return this.page.evaluate(
      async ({ method, path, body }) => {
        const res = await fetch(path, {
          method,
          headers: body === undefined ? {} : { "Content-Type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        return { status: res.status, body: parsed };
      },
      { method, path, body },
    );
  }

  async inbox(): Promise<InboxEntry[]> {
    const res = await this.api("GET", "/api/v1/admin/conversations");
    return res.body.conversations;
  }

  /**
   * Waits until the visitor's conversation is in the inbox (after their first message) and,
   * when `shows` is given, until its entry shows it: the inbox learns of a change from the
   * conversation's next summary, a moment after the visitor's page does.
   */
  findConversation(
    visitorId: string,
    shows: (entry: InboxEntry) => boolean = () => true,
    ms = 15_000,
  ): Promise<InboxEntry> {
    return eventually(
      async () => (await this.inbox()).find((c) => c.visitorId === visitorId && shows(c)),
      ms,
      `inbox entry of ${visitorId}`,
    );
  }

  /** Opens an operator socket on a conversation. */
  async join(conversationId: string): Promise<OperatorSocket> {
    const key = `${conversationId}:${this.frames.size}`;
    this.frames.set(key, []);
    await this.page.evaluate(
      ({ key, conversationId }) =>
        new Promise<void>((resolve, reject) => {
          const ws = new WebSocket(`ws://${location.host}/api/v1/admin/conversations/${conversationId}/ws`);
          const w = window as unknown as {
            __sockets?: Record<string, WebSocket>;
            __edgechatFrame(k: string, d: string): void;
          };
          (w.__sockets ??= {})[key] = ws;
          ws.onmessage = (e) => w.__edgechatFrame(key, String(e.data));
          ws.onopen = () => resolve();
          ws.onerror = () => reject(new Error("operator socket failed"));
        }),
      { key, conversationId },
    );
    return new OperatorSocket(this.page, key, this.frames.get(key)!);
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

export class OperatorSocket {
  private counter = 0;
  constructor(
    private readonly page: Page,
    private readonly key: string,
    readonly frames: Frame[],
  ) {}

  send(frame: Record<string, unknown>): Promise<void> {
    return this.page.evaluate(
      ({ key, data }) => (window as unknown as { __sockets: Record<string, WebSocket> }).__sockets[key]!.send(data),
      { key: this.key, data: JSON.stringify(frame) },
    );
  }

  /** Waits for a frame matching `match` that arrived after index `from`. */
  waitFor(match: (f: Frame) => boolean, what = "frame", from = 0, ms = 15_000): Promise<Frame> {
    return eventually(() => this.frames.slice(from).find(match), ms, what);
  }

  /** Sends the operator's message and waits for its ack. */
  async say(text: string): Promise<number> {
    const clientId = `op-${Date.now().toString(36)}-${this.counter++}`;
    await this.send({ type: "message", clientId, text });
    const ack = await this.waitFor((f) => f.type === "ack" && f.clientId === clientId, `ack of ${clientId}`);
    return ack.seq;
  }

  /** The whole stored conversation, from `hello {lastSeq: 0}` (following `more`). */
  async history(): Promise<Message[]> {
    const messages: Message[] = [];
    let lastSeq = 0;
    for (;;) {
      const from = this.frames.length;
      await this.send({ type: "hello", lastSeq });
      const welcome = await this.waitFor((f) => f.type === "welcome", "welcome", from);
      messages.push(...welcome.messages);
      if (!welcome.more) return messages;
      lastSeq = welcome.messages.at(-1).seq;
    }
  }
}
