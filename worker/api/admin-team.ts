/**
 * The team and the operator's own account: operators and roles, invites, and the
 * operator's sessions. Reading the team is open to every operator (they transfer
 * conversations to each other); changing it needs owner or admin.
 */
import { deleteCookie } from "hono/cookie";
import { ApiError, unwrap } from "../lib/errors";
import { readJson } from "./http";
import { inviteBody, operatorPatch } from "../protocol";
import { sha256Hex } from "../lib/crypto";
import { SESSION_COOKIE } from "./admin";
import { adminRoutes, appOrigin, requireRole, siteOf } from "./admin-http";

export const adminTeam = adminRoutes();

adminTeam.get("/team", async (c) => c.json({ operators: await siteOf(c).team() }));

adminTeam.patch("/team/:id", async (c) => {
  requireRole(c, "owner", "admin");
  const patch = await readJson(c, operatorPatch);
  return c.json({ operator: unwrap(await siteOf(c).updateOperator(c.var.operator, c.req.param("id"), patch)) });
});

adminTeam.delete("/team/:id", async (c) => {
  requireRole(c, "owner", "admin");
  unwrap(await siteOf(c).removeOperator(c.var.operator, c.req.param("id")));
  return c.json({ ok: true });
});

adminTeam.get("/team/invites", async (c) => {
  requireRole(c, "owner", "admin");
  return c.json({ invites: await siteOf(c).pendingInvites() });
});

adminTeam.post("/team/invites", async (c) => {
  requireRole(c, "owner", "admin");
  const body = await readJson(c, inviteBody);
  return c.json({ invite: unwrap(await siteOf(c).invite(c.var.operator, body, appOrigin(c))) }, 201);
});

adminTeam.delete("/team/invites/:id", async (c) => {
  requireRole(c, "owner", "admin");
  return c.json(unwrap(await siteOf(c).revokeInvite(c.var.operator, c.req.param("id"))));
});

adminTeam.get("/sessions", async (c) => {
  return c.json({ sessions: await siteOf(c).sessionsOf(c.var.operator.id, c.var.sessionToken) });
});

adminTeam.delete("/sessions/:id", async (c) => {
  const id = c.req.param("id");
  if (!(await siteOf(c).endSessionOf(c.var.operator.id, id))) throw new ApiError(404, "not_found", "no such session");
  const current = (await sha256Hex(c.var.sessionToken)).slice(0, 16) === id;
  if (current) deleteCookie(c, SESSION_COOKIE, { path: "/" });
  return c.json({ ok: true, current });
});
