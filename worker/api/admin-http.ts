/**
 * Helpers of the admin app's routes (worker/api/admin-*.ts): the session's variables,
 * role checks, the site of the session and the admin app's origin.
 */
import { Hono, type Context } from "hono";
import type { Env } from "../env";
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

/** The origin the admin app runs on, for links in emails. */
export function appOrigin(c: Context): string {
  return new URL(c.req.url).origin;
}
