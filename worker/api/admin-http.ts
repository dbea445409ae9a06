/**
 * Helpers of the admin app's routes (worker/api/admin-*.ts): bodies validated with
 * field-level messages, role checks, the site of the session, and the error envelope with
 * `fields` that forms show next to their inputs:
 * `{"error":{"code":"invalid_body","message":"…","fields":{"look.color":"color is #RRGGBB"}}}`.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { Env } from "../env";
import { ApiError, isFailure } from "../lib/errors";
import { issueFields } from "../protocol";
import type { Operator, Role } from "../site/auth";
import { errorResponse, readJson } from "./http";

/** Hono environment of routes behind the session middleware of worker/api/admin.ts. */
export type AdminEnv = { Bindings: Env; Variables: { operator: Operator; siteKey: string; sessionToken: string } };
export type AdminContext = Context<AdminEnv>;

/** An ApiError that names the fields it is about. */
export class FieldsError extends ApiError {
  constructor(status: ApiError["status"], code: string, message: string, readonly fields: Record<string, string>) {
    super(status, code, message);
  }
}

/** The error envelope with `fields` when there are any; everything else as usual. */
export function adminErrorResponse(err: unknown): Response {
  if (err instanceof FieldsError) {
    return Response.json({ error: { code: err.code, message: err.message, fields: err.fields } }, { status: err.status });
  }
  return errorResponse(err);
}

/** A Hono app for admin routes, answering errors with the envelope above. */
export function adminRoutes<E extends { Bindings: Env } = AdminEnv>(): Hono<E> {
  const app = new Hono<E>();
  app.onError((err) => adminErrorResponse(err));
  return app;
}

/** Reads a JSON body; a zod failure becomes a 400 naming each wrong field. */
export async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const json = await readJson(c, z.unknown());
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const fields = issueFields(parsed.error);
    const message = Object.entries(fields).map(([k, v]) => (k === "_" ? v : `${k}: ${v}`)).slice(0, 3).join("; ");
    throw new FieldsError(400, "invalid_body", message, fields);
  }
  return parsed.data;
}

/** Throws the error a Site or Conversation returned (with its fields); returns the value otherwise. */
export function check<T>(value: T): Exclude<T, { error: unknown }> {
  if (isFailure(value)) {
    const e = value.error as typeof value.error & { fields?: Record<string, string> };
    if (e.fields) throw new FieldsError(e.status, e.code, e.message, e.fields);
    throw new ApiError(e.status, e.code, e.message, e.retryAfter ? { "Retry-After": String(e.retryAfter) } : {});
  }
  return value as Exclude<T, { error: unknown }>;
}

/** 403 unless the session's operator has one of `roles`. */
export function requireRole(c: AdminContext, ...roles: Role[]): void {
  if (!roles.includes(c.var.operator.role)) {
    throw new ApiError(403, "forbidden", `only ${roles.join(" or ")} may do this`);
  }
}

/** The Site object of the session. */
export function siteOf(c: AdminContext) {
  return c.env.SITE.get(c.env.SITE.idFromName(c.var.siteKey));
}

/** The origin the admin app runs on, for links in emails. */
export function appOrigin(c: Context): string {
  return new URL(c.req.url).origin;
}
