/**
 * Baseline for the benchmarks: a bare echo Durable Object. It speaks the same paths and
 * frames as Edgechat (docs/api.md) so one load client drives both, but does nothing more
 * than a chat must: a `message` from one socket is acknowledged to the sender and relayed to
 * the other sockets of the same object. No storage; `seq` is a counter in memory.
 * test/bench/echo-insert/ adds one SQLite INSERT per message.
 */
import { DurableObject } from "cloudflare:workers";

const json = (body, status = 200, headers = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

/** Relays frames between the sockets of one conversation; `store()` is the subclass's hook. */
export class Echo extends DurableObject {
  seq = 0;

  async fetch(request) {
    const role = request.headers.get("X-Role") === "operator" ? "operator" : "visitor";
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [role]);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Gives the message its seq; no storage here. */
  store(_message) {
    return ++this.seq;
  }

  async webSocketMessage(ws, data) {
    let frame;
    try {
      frame = JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data));
    } catch {
      return ws.send(JSON.stringify({ type: "error", code: "bad_json", message: "frame is not valid JSON" }));
    }
    if (frame?.type === "hello") {
      return ws.send(JSON.stringify({ type: "welcome", conversation: { lastSeq: this.seq }, messages: [], more: false }));
    }
    if (frame?.type !== "message") return;
    const [role] = this.ctx.getTags(ws);
    const message = { clientId: String(frame.clientId), author: { kind: role }, text: String(frame.text), at: Date.now() };
    message.seq = this.store(message);
    const out = JSON.stringify({ type: "message", message });
    for (const peer of this.ctx.getWebSockets()) {
      if (peer === ws) continue;
      try {
        peer.send(out);
      } catch {
        // closing
      }
    }
    ws.send(JSON.stringify({ type: "ack", clientId: message.clientId, seq: message.seq }));
  }

  async webSocketClose(ws, code) {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "bye");
    } catch {
      // already closed
    }
  }
}

/** The Worker: Edgechat's paths, minus everything but the sockets. */
export function echoWorker() {
  return {
    async fetch(request, env) {
      const url = new URL(request.url);
      const path = url.pathname;
      if (path === "/healthz") return json({ ok: true });
      if (request.method === "POST" && /^\/api\/v1\/sites\/[^/]+\/sessions$/.test(path)) {
        const bytes = crypto.getRandomValues(new Uint8Array(32));
        const conversationId = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
        return json({ visitorToken: "bench", visitorId: `v_${conversationId.slice(0, 12)}`, conversationId, config: {} });
      }
      if (request.method === "POST" && path === "/api/v1/admin/login") {
        return json({ operator: { id: "op_bench" } }, 200, { "Set-Cookie": "edgechat_session=bench; Path=/; HttpOnly" });
      }
      const socket = path.match(/^\/api\/v1\/(admin\/)?conversations\/([0-9a-f]{64})\/ws$/);
      if (socket && request.headers.get("Upgrade")?.toLowerCase() === "websocket") {
        const stub = env.ECHO.get(env.ECHO.idFromName(socket[2]));
        return stub.fetch("https://echo/ws", { headers: { Upgrade: "websocket", "X-Role": socket[1] ? "operator" : "visitor" } });
      }
      // No inbox: the baselines measure the conversation path only.
      return json({ error: { code: "not_found", message: "not part of the echo baseline" } }, 404);
    },
  };
}

export default echoWorker();
