/**
 * Files of conversations over HTTP, for visitors and for anyone holding a signed link.
 * A visitor uploads with their token (`POST /api/v1/conversations/:id/files`, from the
 * shop's page, so with CORS) and opens a file through a redirect to a short-lived signed
 * link (`GET /api/v1/conversations/:id/files/:fileId?token=`); the signed link
 * (`GET /api/v1/files/:site/:conversation/:file?exp=&sig=`) serves the bytes with the
 * headers of worker/files/serve.ts. The operators' routes are in ./admin-files.ts.
 */
import { Hono } from "hono";
import type { Env } from "../env";
import { ApiError } from "../lib/errors";
import { checkFileLink, signedFilePath } from "../files/links";
import { fileResponse } from "../files/serve";
import { getFile, isFileId, type FileRef } from "../files/storage";
import { receiveUpload } from "../files/upload";
import { conversationId as conversationIdSchema, siteKey as siteKeySchema } from "../protocol";
import { visitorOf } from "./sockets";
import { widgetCors } from "./widget-cors";

export const visitorFiles = new Hono<{ Bindings: Env }>();
export const signedFiles = new Hono<{ Bindings: Env }>();

// The widget runs on the shop's origin: answers, errors included, must be readable there.
// The token authenticates, not a cookie, so any origin may call.
visitorFiles.use("/:id/files/*", widgetCors);
visitorFiles.use("/:id/files", widgetCors);

visitorFiles.options("/:id/files", (c) =>
  c.body(null, 204, {
    "Access-Control-Allow-Methods": "POST",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Max-Age": "86400",
  }),
);

visitorFiles.post("/:id/files", async (c) => {
  const id = conversationIdOr404(c.req.param("id"));
  const claims = await visitorOf(c.env, c.req.query("token"), id);
  const uploaded = await receiveUpload(
    c.env,
    c.req.raw,
    { role: "visitor", siteKey: claims.s, visitorId: claims.v },
    id,
  );
  return c.json(uploaded, uploaded.duplicate ? 200 : 201);
});

visitorFiles.get("/:id/files/:fileId", async (c) => {
  const id = conversationIdOr404(c.req.param("id"));
  const claims = await visitorOf(c.env, c.req.query("token"), id);
  return redirectToFile(c.env, c.req.url, { siteKey: claims.s, conversationId: id, fileId: c.req.param("fileId") });
});

signedFiles.get("/:site/:conversation/:file", async (c) => {
  const ref = {
    siteKey: c.req.param("site"),
    conversationId: c.req.param("conversation"),
    fileId: c.req.param("file"),
  };
  if (
    !siteKeySchema.safeParse(ref.siteKey).success ||
    !conversationIdSchema.safeParse(ref.conversationId).success ||
    !isFileId(ref.fileId)
  ) {
    throw new ApiError(404, "file_not_found", "no such file");
  }
  const bad = await checkFileLink(
    c.env.TOKEN_SECRET,
    ref,
    { exp: c.req.query("exp"), sig: c.req.query("sig") },
    Date.now(),
  );
  if (bad === "invalid") throw new ApiError(403, "invalid_link", "this file link is not valid");
  if (bad === "expired")
    throw new ApiError(403, "link_expired", "this file link has expired; open the file from the chat again");
  const file = await getFile(c.env.FILES, ref);
  if (!file) throw new ApiError(404, "file_not_found", "this file was deleted");
  return fileResponse(file);
});

/** 302 to a short-lived signed link of a file (after the caller's token or session was checked). */
export async function redirectToFile(env: Env, requestUrl: string, ref: FileRef): Promise<Response> {
  if (!isFileId(ref.fileId)) throw new ApiError(404, "file_not_found", "no such file");
  const path = await signedFilePath(env.TOKEN_SECRET, ref, Date.now());
  return new Response(null, {
    status: 302,
    headers: { Location: new URL(path, requestUrl).toString(), "Cache-Control": "no-store" },
  });
}

/** The path's conversation id, or 404. */
export function conversationIdOr404(id: string): string {
  if (!conversationIdSchema.safeParse(id).success) throw new ApiError(404, "not_found", "no such conversation");
  return id;
}
