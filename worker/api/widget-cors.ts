/**
 * CORS for the widget's routes. The widget runs on the shop's page, so its answers —
 * refusals included — must be readable there: a refused origin gets the error envelope
 * (what went wrong, never data), which is how the widget learns to say "chat is unavailable
 * on this page" instead of leaving a message at "Sending…". The routes themselves check
 * the origin or the visitor token; this only makes their answers readable.
 */
import type { Context } from "hono";
import { errorResponse } from "../lib/errors";

/** Middleware: runs the route, turns a thrown error into its envelope, and adds the CORS headers. */
export async function widgetCors(c: Context, next: () => Promise<void>): Promise<void> {
  try {
    await next();
  } catch (err) {
    c.res = errorResponse(err);
  }
  const origin = c.req.header("Origin");
  if (origin) {
    c.res.headers.set("Access-Control-Allow-Origin", origin);
    c.res.headers.append("Vary", "Origin");
  }
}
