/**
 * The Edgechat Worker: HTTP API (Hono), static assets (widget, admin, demo page), inbound
 * email, and the Durable Object classes. Routes are grouped by audience under worker/api/;
 * every error of every route becomes the one JSON envelope here (worker/lib/errors.ts).
 */
import { Hono } from "hono";
import { admin } from "./api/admin";
import { signedFiles, visitorFiles } from "./api/files";
import { visitorCalls } from "./api/calls";
import { manageAppointments, visitorAppointments } from "./api/appointments";
import { handleInboundEmail } from "./api/inbound-email";
import { signupCodes } from "./api/signup-codes";
import { sites } from "./api/sites";
import { telegramWebhook } from "./api/telegram";
import { conversations } from "./api/sockets";
import { unsubscribe } from "./api/unsubscribe";
import { rate } from "./api/rate";
import { digestUnsubscribe } from "./api/digest";
import { checkConfig } from "./config";
import type { Env } from "./env";
import { ApiError, errorResponse } from "./lib/errors";

export { Conversation } from "./conversation";
export { Deployment } from "./deployment";
export { Site } from "./site";

const app = new Hono<{ Bindings: Env }>();

app.onError((err) => errorResponse(err));

// Which optional features are configured, and every missing or malformed secret or binding
// by name; 503 when one of them is fatal (worker/config.ts).
app.get("/healthz", (c) => {
  const report = checkConfig(c.env);
  return c.json(report, report.ok ? 200 : 503, { "Cache-Control": "no-store" });
});

app.route("/api/v1/sites", sites);
app.route("/api/v1/conversations", conversations);
app.route("/api/v1/conversations", visitorFiles);
app.route("/api/v1/conversations", visitorCalls);
app.route("/api/v1/conversations", visitorAppointments);
app.route("/api/v1/appointments", manageAppointments);
app.route("/api/v1/files", signedFiles);
app.route("/api/v1/admin", admin);
app.route("/api/v1/unsubscribe", unsubscribe);
app.route("/api/v1/rate", rate);
app.route("/api/v1/digest", digestUnsubscribe);
app.route("/api/v1/signup-codes", signupCodes);
app.route("/api/v1/telegram", telegramWebhook);

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

/** Logs the configuration's problems once per isolate: the closest a Worker has to "at start". */
let configChecked = false;
function logConfigOnce(env: Env): void {
  if (configChecked) return;
  configChecked = true;
  for (const p of checkConfig(env).problems)
    console[p.fatal ? "error" : "warn"](`edgechat configuration: ${p.name}: ${p.message}`);
}

export default {
  fetch(request, env, ctx) {
    logConfigOnce(env);
    return app.fetch(request, env, ctx);
  },
  async email(message, env) {
    logConfigOnce(env);
    const result = await handleInboundEmail(message, env);
    console.log(`inbound email to ${message.to}: ${JSON.stringify(result)}`);
  },
} satisfies ExportedHandler<Env>;
