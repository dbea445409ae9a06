/**
 * A visitor driven from Node over the public API (session + WebSocket), for payloads the
 * demo page cannot produce: HTML in the name, in UTM values, in page titles.
 */
import { createHmac } from "node:crypto";

export interface ApiVisitor {
  conversationId: string;
  visitorId: string;
  /** Sent with a later session, it makes the same visitor come back. */
  visitorToken: string;
  say(text: string): Promise<void>;
  close(): void;
}

/** HMAC-SHA256(secret, userId) as a shop's backend computes it. */
export function identityHash(secret: string, userId: string): string {
  return createHmac("sha256", secret).update(userId).digest("hex");
}

/** Starts a session from the server's own origin (allowed for the demo site) and connects. */
export async function apiVisitor(baseUrl: string, siteKey: string, body: Record<string, unknown>): Promise<ApiVisitor> {
  const res = await fetch(`${baseUrl}/api/v1/sites/${siteKey}/sessions`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: baseUrl },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`session refused: ${res.status} ${await res.text()}`);
  const grant = (await res.json()) as { visitorToken: string; visitorId: string; conversationId: string };
  const ws = new WebSocket(
    `${baseUrl.replace(/^http/, "ws")}/api/v1/conversations/${grant.conversationId}/ws?token=${encodeURIComponent(grant.visitorToken)}`,
  );
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error("visitor socket failed"));
  });
  ws.send(JSON.stringify({ type: "hello", lastSeq: 0 }));
  const acks = new Map<string, () => void>();
  ws.onmessage = (e) => {
    const frame = JSON.parse(String(e.data));
    if (frame.type === "ack") acks.get(frame.clientId)?.();
  };
  return {
    conversationId: grant.conversationId,
    visitorId: grant.visitorId,
    visitorToken: grant.visitorToken,
    say: (text) =>
      new Promise<void>((resolve) => {
        const clientId = `e2e-${Math.random().toString(36).slice(2)}`;
        acks.set(clientId, resolve);
        ws.send(JSON.stringify({ type: "message", clientId, text }));
      }),
    close: () => ws.close(1000, "done"),
  };
}
