/**
 * Helpers of the admin app's routes (worker/api/admin-*.ts): the session's variables,
 * role checks, the site of the session and the admin app's origin.
 */
import { Hono, type Context } from "hono";
import { isLocal, type Env } from "../env";
import { isLocalhost } from "./http";
import { ApiError } from "../lib/errors";
import { siteStub } from "../lib/jurisdiction";
import type { Operator, Role } from "../site/team/auth";

/** Hono environment of routes behind the session middleware of worker/api/admin.ts. */
export type AdminEnv = { Bindings: Env; Variables: { operator: Operator; siteKey: string; sessionToken: string } };
export type AdminContext = Context<AdminEnv>;

/** A Hono app for admin routes; errors reach the Worker's one `onError`. */
export function adminRoutes<E extends { Bindings: Env } = AdminEnv>(): Hono<E> {
  return new Hono<E>();
}

/** 403 unless the session's operator has one of `roles`. */
export function requireRole(c: AdminContext, ...roles: Role[]): void {
  if (!roles.includes(c.var.operator.role)) {
    throw new ApiError(403, "forbidden", `only ${roles.join(" or ")} may do this`);
  }
}

/** The Site object of the session. */
export function siteOf(c: AdminContext) {
  return siteStub(c.env, c.var.siteKey);
}

/**
 * The origin of links in account emails: PUBLIC_URL, never the request's Host header (a
 * forged Host would send a reset link to an attacker's server). Locally, where the admin
 * may be opened as localhost or 127.0.0.1, the admin's own origin.
 */
export function appOrigin(c: { env: Env; req: { url: string } }): string {
  const own = new URL(c.req.url).origin;
  if (!c.env.PUBLIC_URL || (isLocal(c.env) && isLocalhost(c.req.url))) return own;
  return c.env.PUBLIC_URL.replace(/\/$/, "");
}
