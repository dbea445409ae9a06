/**
 * Browserless clients of the real Worker for tests that need no page: a throwaway local
 * runtime with extra variables (a fake service's URL), the owner's admin API calls with the
 * session cookie and the admin origin, and sockets (Node's WebSocket, which sends headers).
 */
import path from "node:path";
import { pathToFileURL } from "node:url";

export interface LocalServer {
  url: string;
  owner: { email: string; password: string };
  stop(): Promise<void>;
}

/** Starts wrangler's local runtime with the demo site and `extraVars` (scripts/local-server.mjs). */
export async function startServerWith(extraVars: Record<string, string>): Promise<LocalServer> {
  const file = path.resolve(import.meta.dirname, "../../../scripts/local-server.mjs");
  const m = await import(pathToFileURL(file).href);
  return m.startTestServer({ extraVars });
}

/** A socket whose frames are queued for `next`. */
export class FrameSocket {
  readonly frames: any[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.addEventListener("message", (e) => this.frames.push(JSON.parse(String(e.data))));
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<FrameSocket> {
    const ws = new WebSocket(url, { headers } as unknown as string[]);
    await new Promise((resolve, reject) => {
      ws.addEventListener("open", resolve, { once: true });
      ws.addEventListener("error", () => reject(new Error(`socket ${url} failed`)), { once: true });
    });
    return new FrameSocket(ws);
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** The first queued frame of `type` that `match` accepts, waiting up to `ms`. */
  async next(type: string, match: (f: any) => boolean = () => true, ms = 8000): Promise<any> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.frames.findIndex((f) => f.type === type && match(f));
      if (i >= 0) return this.frames.splice(i, 1)[0];
      if (Date.now() > deadline)
        throw new Error(`no ${type} frame; got ${JSON.stringify(this.frames.map((f) => f.type))}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    this.ws.close();
  }
}

/** The demo site's owner, logged in over HTTP. */
export class OwnerClient {
  private constructor(
    readonly server: LocalServer,
    readonly cookie: string,
  ) {}

  static async login(server: LocalServer): Promise<OwnerClient> {
    const res = await fetch(`${server.url}/api/v1/admin/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: server.url },
      body: JSON.stringify({ siteKey: "demo", ...server.owner }),
    });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
    return new OwnerClient(server, res.headers.get("set-cookie")!.split(";")[0]!);
  }

  /** An admin API call from the admin origin. */
  async api(method: string, p: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.server.url}/api/v1/admin${p}`, {
      method,
      headers: {
        Cookie: this.cookie,
        Origin: this.server.url,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  /** The admin's site socket: while it is open, the owner counts as at the admin. */
  siteSocket(): Promise<FrameSocket> {
    return FrameSocket.open(`${this.server.url.replace(/^http/, "ws")}/api/v1/admin/ws`, {
      Cookie: this.cookie,
      Origin: this.server.url,
    });
  }
}

/** A visitor with a session and an open socket on the demo site. */
export async function newVisitor(
  server: LocalServer,
  trail?: unknown,
): Promise<{ conversationId: string; socket: FrameSocket }> {
  const res = await fetch(`${server.url}/api/v1/sites/demo/sessions`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: server.url },
    body: JSON.stringify(trail ? { trail } : {}),
  });
  if (res.status !== 200) throw new Error(`session failed: ${res.status} ${await res.text()}`);
  const grant = (await res.json()) as { visitorToken: string; conversationId: string };
  const socket = await FrameSocket.open(
    `${server.url.replace(/^http/, "ws")}/api/v1/conversations/${grant.conversationId}/ws?token=${encodeURIComponent(grant.visitorToken)}`,
    { Origin: server.url },
  );
  socket.send({ type: "hello", lastSeq: 0 });
  await socket.next("welcome");
  return { conversationId: grant.conversationId, socket };
}

/** Sends a visitor message and waits for its ack; returns when it was sent. */
export async function visitorSays(socket: FrameSocket, text: string): Promise<number> {
  const clientId = `c-${Math.random().toString(36).slice(2)}`;
  const sentAt = Date.now();
  socket.send({ type: "message", clientId, text });
  await socket.next("ack", (f) => f.clientId === clientId);
  return sentAt;
}
