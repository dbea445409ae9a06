/**
 * ICE servers for a call, for the visitor (with their token, from the shop's page) and for
 * operators (with their session). Both are refused while video is off for the site, so a
 * TURN key's credits are spent only on calls the shop wants. Signalling itself runs over
 * the conversation's socket (worker/conversation/calls.ts).
 */
import { Hono } from "hono";
import { iceServersFor } from "../calls/ice-servers";
import type { Env } from "../env";
import { ApiError } from "../lib/errors";
import { siteStub } from "../lib/jurisdiction";
import { adminRoutes } from "./admin-http";
import { conversationIdOr404 } from "./files";
import { widgetCors } from "./widget-cors";
import { conversationOr404 } from "./http";
import { visitorOf } from "./sockets";

export const visitorCalls = new Hono<{ Bindings: Env }>();
export const adminCalls = adminRoutes();

visitorCalls.use("/:id/ice-servers", widgetCors);

visitorCalls.get("/:id/ice-servers", async (c) => {
  const id = conversationIdOr404(c.req.param("id"));
  const claims = await visitorOf(c.env, c.req.query("token"), id);
  await requireVideo(c.env, claims.s);
  return c.json(await iceServersFor(c.env), 200, { "Cache-Control": "no-store" });
});

adminCalls.get("/conversations/:id/ice-servers", async (c) => {
  const id = conversationIdOr404(c.req.param("id"));
  // "none" (no visitor socket yet) is allowed: the credentials are the session's site's to spend.
  if ((await conversationOr404(c.env, id).belongsTo(c.var.siteKey)) === "other")
    throw new ApiError(404, "not_found", "no such conversation");
  await requireVideo(c.env, c.var.siteKey);
  return c.json(await iceServersFor(c.env), 200, { "Cache-Control": "no-store" });
});

async function requireVideo(env: Env, siteKey: string): Promise<void> {
  const video = await siteStub(env, siteKey).videoSettings();
  if (!video.enabled) throw new ApiError(403, "video_disabled", "video calls are turned off for this site");
}
