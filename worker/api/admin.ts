/**
 * The operators' API under /api/v1/admin: login, logout, who am I, the inbox, and the two
 * sockets (the site's inbox and one conversation). Sessions are HttpOnly SameSite=Strict
 * cookies; every state-changing request must also come from this Worker's own origin.
 */
import { adminEngage } from "./admin-engage";
import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Env } from "../env";
import { ApiError, unwrap } from "../lib/errors";
import { loginBody, siteKey as siteKeySchema } from "../protocol";
import type { Operator } from "../site/team/auth";
import { SESSION_TTL_MS } from "../site/team/auth";
import { isLocalhost, readJson } from "./http";
import { siteStub } from "../lib/jurisdiction";
import { checkUpgrade, toConversation } from "./sockets";
import { adminPublic } from "./admin-public";
import { loginByEmail } from "./admin-login";
import { adminTeam } from "./admin-team";
import { adminSettings } from "./admin-settings";
import { adminInbox } from "./admin-inbox";
import { autoReplyRoutes } from "./admin-autoreply";
import { emailRoutes } from "./admin-email";
import { adminData } from "./admin-data";
import { adminArchive } from "./admin-archive";
import { adminReports } from "./admin-reports";
import { adminNotify } from "./admin-notify";
import { adminBot } from "./admin-bot";
import { pluginWoo } from "./plugin-woo";
import { adminFiles } from "./admin-files";
import { adminCalls } from "./calls";
import { adminAppointments } from "./appointments";

export const SESSION_COOKIE = "edgechat_session";

type AdminEnv = { Bindings: Env; Variables: { operator: Operator; siteKey: string; sessionToken: string } };
export const admin = new Hono<AdminEnv>();

// CSRF: SameSite=Strict already keeps the cookie off cross-site requests; checking Origin
// as well covers browsers and proxies that do not honour SameSite.
admin.use("*", async (c, next) => {
  if (c.req.method !== "GET" && c.req.method !== "HEAD") {
    const origin = c.req.header("Origin");
    if (origin !== new URL(c.req.url).origin) {
      throw new ApiError(403, "csrf", "state-changing admin requests must come from the admin app's own origin");
    }
  }
  await next();
});

function siteOf(c: Context<AdminEnv>, key: string) {
  return siteStub(c.env, key);
}

/** Sets the session cookie (HttpOnly, SameSite=Strict, Secure off localhost) and answers who logged in. */
export function startSession(
  c: Context,
  siteKey: string,
  session: { token: string; operator: Operator; expiresAt: number },
): Response {
  setCookie(c, SESSION_COOKIE, `${siteKey}.${session.token}`, {
    httpOnly: true,
    sameSite: "Strict",
    secure: !isLocalhost(c.req.url),
    path: "/",
    maxAge: SESSION_TTL_MS / 1000,
  });
  return c.json({ operator: session.operator, siteKey, expiresAt: session.expiresAt });
}

// With a site key: that site. Without: the sites the email belongs to (./admin-login.ts).
admin.post("/login", async (c) => {
  const body = await readJson(c, loginBody);
  const client = { ip: c.req.header("CF-Connecting-IP"), userAgent: c.req.header("User-Agent") };
  if (!body.siteKey) {
    const found = await loginByEmail(c.env, body.email, body.password, client);
    if ("choose" in found) return c.json({ chooseSite: found.choose });
    return startSession(c, found.siteKey, unwrap(found.session));
  }
  if (!siteKeySchema.safeParse(body.siteKey).success)
    throw new ApiError(401, "invalid_login", "wrong email or password");
  const result = unwrap(await siteOf(c, body.siteKey).login(body.email, body.password, client));
  return startSession(c, body.siteKey, result);
});

// Accepting an invite and resetting a password work without a session.
admin.route("/", adminPublic);

/** Everything below needs a valid session. */
admin.use("*", async (c, next) => {
  const raw = getCookie(c, SESSION_COOKIE) ?? "";
  const dot = raw.indexOf(".");
  const key = raw.slice(0, dot);
  const token = raw.slice(dot + 1);
  if (dot < 1 || !siteKeySchema.safeParse(key).success || !token) {
    throw new ApiError(401, "not_logged_in", "log in first");
  }
  const operator = await siteOf(c, key).authenticate(token);
  if (!operator) throw new ApiError(401, "session_expired", "your session has ended; log in again");
  c.set("operator", operator);
  c.set("siteKey", key);
  c.set("sessionToken", token);
  await next();
});

admin.post("/logout", async (c) => {
  await siteOf(c, c.var.siteKey).logout(c.var.sessionToken);
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
  return c.json({ ok: true });
});

admin.get("/me", (c) => c.json({ operator: c.var.operator, siteKey: c.var.siteKey }));

admin.get("/conversations", async (c) => {
  const status = c.req.query("status");
  if (status && status !== "open" && status !== "resolved") {
    throw new ApiError(400, "invalid_query", "status is open or resolved");
  }
  const entries = await siteOf(c, c.var.siteKey).inbox({ status: status as "open" | "resolved" | undefined });
  return c.json({ conversations: entries });
});

/**
 * Browsers send no CORS preflight for a WebSocket and the cookie goes along from any page
 * of the same site (another port, a subdomain): the admin's own origin is required.
 */
function checkSocketOrigin(c: Context<AdminEnv>): void {
  if (c.req.header("Origin") !== new URL(c.req.url).origin) {
    throw new ApiError(403, "csrf", "admin sockets must be opened from the admin app's own origin");
  }
}

/** The session's id and expiry for a socket, recorded for a conversation's; 401 when it just ended. */
async function socketSession(c: Context<AdminEnv>, conversationId?: string) {
  const session = await siteOf(c, c.var.siteKey).openSocket(c.var.sessionToken, conversationId);
  if (!session) throw new ApiError(401, "session_expired", "your session has ended; log in again");
  return session;
}

admin.get("/ws", async (c) => {
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "upgrade_required", "expected a WebSocket upgrade");
  }
  checkSocketOrigin(c);
  const session = await socketSession(c);
  return siteOf(c, c.var.siteKey).fetch("https://site/ws", {
    headers: { Upgrade: "websocket", "X-Edgechat-Peer": c.var.operator.id, "X-Edgechat-Session": session.sessionId },
  });
});

admin.get("/conversations/:id/ws", async (c) => {
  const id = c.req.param("id");
  checkUpgrade(id, c.req.header("Upgrade"));
  checkSocketOrigin(c);
  const op = c.var.operator;
  const session = await socketSession(c, id);
  return toConversation(c.env, id, { role: "operator", site: c.var.siteKey, id: op.id, name: op.name }, session);
});

// The admin app: team and account, settings screens, conversation actions.
admin.route("/", adminTeam);
admin.route("/", adminSettings);
admin.route("/", adminInbox);
admin.route("/", autoReplyRoutes);
admin.route("/", emailRoutes);
admin.route("/", adminData); // erasure, retention, secrets
admin.route("/", adminArchive); // the site archive (export, import) and CSV
admin.route("/", adminReports); // figures and their CSV tables
admin.route("/", pluginWoo); // WooCommerce data for the visitor card
admin.route("/", adminNotify); // Web Push devices, quiet hours, Telegram
admin.route("/", adminFiles); // uploads, the gallery, deleting a message
admin.route("/", adminBot); // knowledge base, scenario, leads
admin.route("/", adminCalls); // ICE servers for calls
admin.route("/", adminAppointments); // bookings and consultation hours
admin.route("/", adminEngage); // Online now, proactive messages, greetings, blocks
