/** Helpers shared by the HTTP routes: validated bodies and the local-host check. */
import type { Context } from "hono";
import type { z } from "zod";
import type { Env } from "../env";
import { ApiError } from "../lib/errors";
import { conversationStub } from "../lib/jurisdiction";
import { jsonDepthOver } from "../lib/json";
import { MAX_BODY_BYTES, MAX_JSON_DEPTH, describeIssues, issueFields } from "../protocol";

/**
 * Reads and validates a JSON body: 415, 413, 400 `bad_json`, or 400 `invalid_body` whose
 * message names the field and whose `fields` map each wrong field to its message.
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header("Content-Type") ?? "";
  if (!type.toLowerCase().startsWith("application/json")) {
    throw new ApiError(415, "unsupported_media_type", "send the body as application/json");
  }
  const text = await c.req.text();
  if (text.length > MAX_BODY_BYTES)
    throw new ApiError(413, "body_too_large", `body is larger than ${MAX_BODY_BYTES} bytes`);
  if (jsonDepthOver(text, MAX_JSON_DEPTH)) {
    throw new ApiError(400, "bad_json", `body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError(400, "bad_json", "body is not valid JSON");
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiError(400, "invalid_body", describeIssues(parsed.error), {}, issueFields(parsed.error));
  }
  return parsed.data;
}

/** The stub of conversation `id`; 404 when `id` is not one of ours. */
export function conversationOr404(env: Pick<Env, "CONVERSATION">, id: string) {
  const stub = conversationStub(env, id);
  if (!stub) throw new ApiError(404, "not_found", "no such conversation");
  return stub;
}

/** True for requests to this machine, where cookies cannot be Secure over plain http. */
export function isLocalhost(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]";
}
