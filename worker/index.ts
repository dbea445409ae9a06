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
import { signupCodes } from "./api/signup-codes";
import { checkConfig } from "./config";
import { Conversation as ConversationObject } from "./conversation";
import { Site as SiteObject } from "./site";
import { withJurisdictions } from "./site/jurisdiction";

// The Durable Object classes get an env whose SITE.idFromName(key) finds an `eu-` site in the
// EU jurisdiction, and an EU Site makes its conversations there (worker/site/jurisdiction.ts).
export class Conversation extends ConversationObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, withJurisdictions(env));
  }
}
export class Site extends SiteObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, withJurisdictions(env, ctx.id));
  }
}
export { Deployment } from "./site/deployment";

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
app.route("/api/v1/admin", admin);
app.route("/api/v1/unsubscribe", unsubscribe);
app.route("/api/v1/signup-codes", signupCodes);

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
  for (const p of checkConfig(env).problems) console[p.fatal ? "error" : "warn"](`edgechat configuration: ${p.name}: ${p.message}`);
}

export default {
  fetch(request, env, ctx) {
    logConfigOnce(env);
    return app.fetch(request, withJurisdictions(env), ctx);
  },
  async email(message, env) {
    logConfigOnce(env);
    const result = await handleInboundEmail(message, withJurisdictions(env));
    console.log(`inbound email to ${message.to}: ${JSON.stringify(result)}`);
  },
} satisfies ExportedHandler<Env>;
