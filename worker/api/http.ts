/** Helpers shared by the HTTP routes: validated bodies, the error envelope, cookies. */
import type { Context } from "hono";
import type { z } from "zod";
import { ApiError } from "../lib/errors";
import { describeIssues } from "../protocol";

/** Largest JSON body any route accepts. */
const MAX_BODY_BYTES = 64 * 1024;

/** Reads and validates a JSON body; 400/413/415 with a message naming the field otherwise. */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header("Content-Type") ?? "";
  if (!type.toLowerCase().startsWith("application/json")) {
    throw new ApiError(415, "unsupported_media_type", "send the body as application/json");
  }
  const text = await c.req.text();
  if (text.length > MAX_BODY_BYTES) throw new ApiError(413, "body_too_large", `body is larger than ${MAX_BODY_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError(400, "bad_json", "body is not valid JSON");
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ApiError(400, "invalid_body", describeIssues(parsed.error));
  return parsed.data;
}

/** The JSON error envelope every route uses. */
export function errorResponse(err: unknown): Response {
  if (err instanceof ApiError) {
    return Response.json(
      { error: { code: err.code, message: err.message } },
      { status: err.status, headers: err.headers },
    );
  }
  console.error("unhandled error", err);
  return Response.json({ error: { code: "internal", message: "something went wrong on our side" } }, { status: 500 });
}

/** True for requests to this machine, where cookies cannot be Secure over plain http. */
export function isLocalhost(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]";
}
