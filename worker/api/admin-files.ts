/**
 * Files for operators: upload into a conversation of their site, the conversation's
 * gallery (the visitor card), opening a file (a redirect to a short-lived signed link),
 * and deleting a message with its files. A conversation of another site answers 403.
 */
import { ApiError, unwrap } from "../lib/errors";
import { receiveUpload } from "../files/upload";
import { adminRoutes, siteOf } from "./admin-http";
import { conversationIdOr404, redirectToFile } from "./files";
import { conversationOr404 } from "./http";

export const adminFiles = adminRoutes();

adminFiles.post("/conversations/:id/files", async (c) => {
  const id = conversationIdOr404(c.req.param("id"));
  const op = c.var.operator;
  const uploaded = await receiveUpload(
    c.env,
    c.req.raw,
    { role: "operator", siteKey: c.var.siteKey, id: op.id, name: op.name, note: c.req.query("note") === "1" },
    id,
  );
  return c.json(uploaded, uploaded.duplicate ? 200 : 201);
});

adminFiles.get("/conversations/:id/files", async (c) => {
  const id = conversationIdOr404(c.req.param("id"));
  return c.json({ files: unwrap(await conversationOr404(c.env, id).files(c.var.siteKey)) });
});

adminFiles.get("/conversations/:id/files/:fileId", (c) => {
  const id = conversationIdOr404(c.req.param("id"));
  // The R2 key holds the session's site: another site's file is simply not found.
  return redirectToFile(c.env, c.req.url, {
    siteKey: c.var.siteKey,
    conversationId: id,
    fileId: c.req.param("fileId"),
  });
});

adminFiles.delete("/conversations/:id/messages/:seq", async (c) => {
  const id = conversationIdOr404(c.req.param("id"));
  const seq = Number(c.req.param("seq"));
  if (!Number.isSafeInteger(seq) || seq < 1) throw new ApiError(404, "unknown_message", "no message with this seq");
  const deleted = unwrap(await conversationOr404(c.env, id).deleteMessage(c.var.siteKey, seq));
  // The inbox search keeps the text of messages it was sent: the deleted one's goes too.
  await siteOf(c).forgetMessageText(id, seq);
  return c.json(deleted);
});
