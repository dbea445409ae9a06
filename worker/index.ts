/**
 * The Edgechat Worker: HTTP API (Hono), static assets (widget, admin, demo page), and the
 * Durable Object classes. Routes are grouped by audience under worker/api/.
 */
import { Hono } from "hono";
import type { Env } from "./env";
import { admin } from "./api/admin";
import { errorResponse } from "./api/http";
import { sites } from "./api/sites";
import { conversations } from "./api/sockets";
import { ApiError } from "./lib/errors";
import { handleInboundEmail } from "./api/inbound-email";
import { unsubscribe } from "./api/unsubscribe";

export { Conversation } from "./conversation";
export { Site } from "./site";

const app = new Hono<{ Bindings: Env }>();

app.onError((err) => errorResponse(err));

app.get("/healthz", (c) => c.json({ ok: true }));

app.route("/api/v1/sites", sites);
app.route("/api/v1/conversations", conversations);
app.route("/api/v1/admin", admin);
app.route("/api/v1/unsubscribe", unsubscribe);

// The admin app is a single page: deep links get its index.html.
app.get("/admin", (c) => c.redirect("/admin/"));
app.get("/admin/*", async (c) => {
  const asset = await c.env.ASSETS.fetch(c.req.raw);
  if (asset.status !== 404) return asset;
  return c.env.ASSETS.fetch(new URL("/admin/index.html", c.req.url));
});

app.all("/api/*", () => {
  throw new ApiError(404, "not_found", "no such API path");
});
app.notFound((c) => c.env.ASSETS.fetch(c.req.raw));

export default {
  fetch: app.fetch,
  async email(message, env) {
    const result = await handleInboundEmail(message, env);
    console.log(`inbound email to ${message.to}: ${JSON.stringify(result)}`);
  },
} satisfies ExportedHandler<Env>;
