/** The visitor's WebSocket: the token is checked here, then the socket goes to its Conversation. */
import { Hono } from "hono";
import type { Env } from "../env";
import { PEER_HEADERS } from "../conversation";
import { SESSION_HEADERS } from "../conversation/operator-sessions";
import { ApiError } from "../lib/errors";
import { readVisitorToken, type VisitorClaims } from "../lib/token";
import { conversationId } from "../protocol";
import { conversationOr404 } from "./http";

export const conversations = new Hono<{ Bindings: Env }>();

/** Hands an authenticated upgrade to a Conversation object with the peer's identity. */
export function toConversation(
  env: Env,
  id: string,
  peer: { role: "visitor" | "operator"; site: string; id: string; name?: string },
  session?: { sessionId: string; expiresAt: number },
): Promise<Response> {
  const headers = new Headers({
    Upgrade: "websocket",
    [PEER_HEADERS.role]: peer.role,
    [PEER_HEADERS.site]: peer.site,
    [PEER_HEADERS.id]: peer.id,
  });
  if (peer.name) headers.set(PEER_HEADERS.name, encodeURIComponent(peer.name));
  if (session) {
    headers.set(SESSION_HEADERS.session, session.sessionId);
    headers.set(SESSION_HEADERS.until, String(session.expiresAt));
  }
  return conversationOr404(env, id).fetch("https://conversation/ws", { headers });
}

/** Checks the path id and the upgrade header common to both sockets. */
export function checkUpgrade(id: string, upgrade: string | undefined): void {
  if (!conversationId.safeParse(id).success) throw new ApiError(404, "not_found", "no such conversation");
  if (upgrade?.toLowerCase() !== "websocket")
    throw new ApiError(426, "upgrade_required", "expected a WebSocket upgrade");
}

/** The claims of a live visitor token for conversation `id` (401/403 otherwise). */
export async function visitorOf(env: Env, token: string | undefined, id: string): Promise<VisitorClaims> {
  if (!token) throw new ApiError(401, "missing_token", "pass the visitor token as ?token=");
  const check = await readVisitorToken(env.TOKEN_SECRET, token, Date.now());
  if (!check.ok) throw new ApiError(401, "invalid_token", check.message);
  if (check.expired)
    throw new ApiError(401, "token_expired", "visitor token expired; refresh it through the sessions endpoint");
  if (check.claims.c !== id) throw new ApiError(403, "wrong_conversation", "this token is for another conversation");
  return check.claims;
}

conversations.get("/:id/ws", async (c) => {
  const id = c.req.param("id");
  checkUpgrade(id, c.req.header("Upgrade"));
  const claims = await visitorOf(c.env, c.req.query("token"), id);
  return toConversation(c.env, id, { role: "visitor", site: claims.s, id: claims.v });
});
