/** Helpers for Worker tests: real HTTP and WebSocket calls into the Worker under test. */
import { SELF, env } from "cloudflare:test";
import { expect } from "vitest";
import { signRequest } from "../../worker/site/plugin/signature";

export const ORIGIN = "https://shop.example";
export const BASE = "https://chat.example";
export const OWNER = { email: "owner@shop.example", password: "correct horse battery" };

/** POSTs JSON to the Worker. */
export function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return SELF.fetch(`${BASE}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** Creates a site through the deployment admin API. */
export async function createSite(siteKey: string, origins: string[] = [ORIGIN]) {
  const res = await post(
    "/api/v1/sites",
    {
      siteKey,
      name: `Shop ${siteKey}`,
      ownerEmail: OWNER.email,
      ownerPassword: OWNER.password,
      allowedOrigins: origins,
      timezone: "Europe/Berlin",
    },
    { Authorization: `Bearer ${env.ADMIN_TOKEN}` },
  );
  expect(res.status).toBe(201);
  return (await res.json()) as { siteKey: string; identitySecret: string; pluginSecret: string };
}

/** A request signed with a plugin secret, as the WordPress plugin sends it. */
export async function pluginRequest(
  method: string,
  path: string,
  secret: string,
  body = "",
  opts: { at?: number; headers?: Record<string, string> } = {},
) {
  const timestamp = String(Math.floor((opts.at ?? Date.now()) / 1000));
  const signature = await signRequest(secret, timestamp, { method, pathWithQuery: path, body });
  return SELF.fetch(`${BASE}${path}`, {
    method,
    headers: {
      "X-Edgechat-Timestamp": timestamp,
      "X-Edgechat-Signature": signature,
      ...(body ? { "Content-Type": "application/json" } : {}),
      ...opts.headers,
    },
    body: body || undefined,
  });
}

export interface Grant {
  visitorToken: string;
  visitorId: string;
  conversationId: string;
  config: Record<string, any>;
}

/** Starts a visitor session from an allowed origin. */
export async function startSession(
  siteKey: string,
  body: Record<string, unknown> = {},
  origin = ORIGIN,
): Promise<Grant> {
  const res = await post(`/api/v1/sites/${siteKey}/sessions`, body, { Origin: origin });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Grant;
}

/** Logs the owner in; returns the Cookie header value. */
export async function login(siteKey: string, who = OWNER): Promise<string> {
  const res = await post("/api/v1/admin/login", { siteKey, ...who }, { Origin: BASE });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.headers.get("Set-Cookie")!.split(";")[0]!;
}

/** A test WebSocket client that queues frames so tests can wait for the next of a type. */
export class Client {
  readonly frames: any[] = [];
  private waiters: Array<() => void> = [];
  closed = false;
  /** The close code, once closed. */
  closeCode: number | undefined;

  constructor(readonly ws: WebSocket) {
    ws.accept();
    ws.addEventListener("message", (e) => {
      this.frames.push(JSON.parse(e.data as string));
      for (const w of this.waiters.splice(0)) w();
    });
    ws.addEventListener("close", (e) => {
      this.closed = true;
      this.closeCode = e.code;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** Removes and returns the first queued frame of `type`, waiting up to `ms` for it. */
  async next(type: string, ms = 3000): Promise<any> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.frames.findIndex((f) => f.type === type);
      if (i >= 0) return this.frames.splice(i, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0 || this.closed) throw new Error(`no ${type} frame; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, left);
      });
    }
  }

  /** Asserts that no frame of `type` arrives within `ms`. */
  async none(type: string, ms = 150): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    expect(this.frames.filter((f) => f.type === type)).toEqual([]);
  }

  /** Sends a message and waits for its ack. */
  async say(text: string, clientId = crypto.randomUUID()): Promise<number> {
    this.send({ type: "message", clientId, text });
    const ack = await this.next("ack");
    expect(ack.clientId).toBe(clientId);
    return ack.seq;
  }

  /** hello → welcome. */
  async hello(lastSeq = 0): Promise<any> {
    this.send({ type: "hello", lastSeq });
    return this.next("welcome");
  }

  close(): void {
    this.ws.close(1000, "done");
  }
}

/** Opens a socket; returns the upgrade Response when it is refused. */
export async function openSocket(path: string, headers: Record<string, string> = {}): Promise<Client | Response> {
  // The admin's sockets are opened from the admin app's own origin, as a browser would.
  const origin: Record<string, string> = path.startsWith("/api/v1/admin/") ? { Origin: BASE } : {};
  const res = await SELF.fetch(`${BASE}${path}`, { headers: { Upgrade: "websocket", ...origin, ...headers } });
  if (!res.webSocket) return res;
  return new Client(res.webSocket);
}

/** The visitor's socket for a grant. */
export async function visitorSocket(grant: Grant): Promise<Client> {
  const c = await openSocket(
    `/api/v1/conversations/${grant.conversationId}/ws?token=${encodeURIComponent(grant.visitorToken)}`,
  );
  if (c instanceof Response) throw new Error(`visitor socket refused: ${c.status} ${await c.text()}`);
  return c;
}

/** An operator's socket on a conversation. */
export async function operatorSocket(cookie: string, conversationId: string): Promise<Client> {
  const c = await openSocket(`/api/v1/admin/conversations/${conversationId}/ws`, { Cookie: cookie });
  if (c instanceof Response) throw new Error(`operator socket refused: ${c.status} ${await c.text()}`);
  return c;
}

/** Waits until `check` passes (for effects that happen off the message path). */
export async function eventually(check: () => Promise<void> | void, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

/** Saves auto-reply settings with no rules, for tests about other things. */
export async function noAutoReplies(cookie: string): Promise<void> {
  const { SELF } = await import("cloudflare:test");
  const week = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
  const res = await SELF.fetch(`${BASE}/api/v1/admin/autoreply`, {
    method: "PUT",
    headers: { Cookie: cookie, Origin: BASE, "Content-Type": "application/json" },
    body: JSON.stringify({ schedule: { timezone: "UTC", week }, rules: [] }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

/** A ForwardableEmailMessage as the platform hands it to email(), and the reasons it was rejected for. */
export function inboundEmail(raw: string, to: string, from = "ann@example.com") {
  const rejected: string[] = [];
  const bytes = new TextEncoder().encode(raw);
  const message = {
    from,
    to,
    headers: new Headers(),
    rawSize: bytes.length,
    raw: new Response(bytes).body!,
    setReject: (why: string) => void rejected.push(why),
    forward: async () => ({}),
    reply: async () => ({}),
  } as unknown as ForwardableEmailMessage;
  return { message, rejected };
}
