/**
 * What one object telling another something costs the runtime, by how it is told: an RPC
 * call, or a message on a WebSocket the sender opened to the receiver (accepted plainly, or
 * hibernatable as the Site accepts a conversation's preview socket). Senders stand for
 * conversations, the one receiver for their Site; the message is the size of a preview.
 * Run by test/bench/object-calls.mjs (`npm run bench:calls`).
 */
import { DurableObject } from "cloudflare:workers";

const PREVIEW = JSON.stringify({
  type: "conversation",
  conversation: {
    id: "0".repeat(64),
    rev: 12,
    lastSeq: 12,
    unread: 3,
    status: "open",
    lastMessage: { seq: 12, text: "Is the blue kettle in stock? I would need two of them by Friday.", author: "visitor", at: 1 },
    visitor: { name: "Anna", page: "https://shop.example/kettles/blue" },
  },
});

export class Receiver extends DurableObject {
  received = 0;

  preview(_id, _rev, _frame) {
    this.received++;
    return true;
  }
  count() {
    return this.received;
  }
  reset() {
    this.received = 0;
  }

  async fetch(request) {
    const { 0: client, 1: server } = new WebSocketPair();
    if (new URL(request.url).searchParams.get("hibernatable") === "1") this.ctx.acceptWebSocket(server);
    else {
      server.accept();
      server.addEventListener("message", () => this.received++);
    }
    return new Response(null, { status: 101, webSocket: client });
  }

  webSocketMessage() {
    this.received++;
  }
}

export class Sender extends DurableObject {
  socket = null;

  /** Sends `count` previews `gapMs` apart by `how`: "none" (only the waiting), "rpc", "socket", "hibernatable". */
  async send(how, count, gapMs) {
    const receiver = this.env.RECEIVER.get(this.env.RECEIVER.idFromName("receiver"));
    if ((how === "socket" || how === "hibernatable") && !this.socket) {
      const res = await receiver.fetch(`https://receiver/?hibernatable=${how === "hibernatable" ? 1 : 0}`, {
        headers: { Upgrade: "websocket" },
      });
      this.socket = res.webSocket;
      this.socket.accept();
    }
    for (let i = 0; i < count; i++) {
      if (how === "rpc") this.ctx.waitUntil(receiver.preview("id", i, PREVIEW));
      else if (how !== "none") this.socket.send(`id ${i}\n${PREVIEW}`);
      if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
    }
    this.socket?.close(1000, "done");
    this.socket = null;
  }
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const receiver = env.RECEIVER.get(env.RECEIVER.idFromName("receiver"));
    if (url.pathname === "/healthz") return new Response("ok");
    if (url.pathname === "/count") return Response.json(await receiver.count());
    if (url.pathname === "/reset") return Response.json(await receiver.reset());
    const how = url.searchParams.get("how");
    const senders = Number(url.searchParams.get("senders"));
    const count = Number(url.searchParams.get("count"));
    const gapMs = Number(url.searchParams.get("gap"));
    await Promise.all(
      Array.from({ length: senders }, (_, i) =>
        env.SENDER.get(env.SENDER.idFromName(`sender-${i}`)).send(how, count, gapMs),
      ),
    );
    return new Response("sent");
  },
};
