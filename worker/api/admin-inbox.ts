/**
 * Conversation actions of the admin app: search, the visitor card, resolve / reopen and
 * assign / transfer. A conversation of another site answers 403, one that does not exist 404.
 */
import { ApiError, unwrap } from "../lib/errors";
import { conversationOr404, readJson } from "./http";
import { assignBody } from "../protocol";
import type { OperatorAction } from "../conversation/operator-actions";
import { adminRoutes, siteOf, type AdminContext } from "./admin-http";

export const adminInbox = adminRoutes();

/** The conversation's stub; 404 for an id that is not one of ours. */
function conversationOf(c: AdminContext, id: string) {
  return conversationOr404(c.env, id);
}

async function act(c: AdminContext, action: OperatorAction) {
  const conversation = unwrap(await conversationOf(c, c.req.param("id")!).operatorAction(c.var.siteKey, action));
  return c.json({ conversation });
}

adminInbox.get("/search", async (c) => {
  const q = (c.req.query("q") ?? "").trim();
  if (q.length > 200) throw new ApiError(400, "invalid_query", "search for at most 200 characters");
  return c.json({ conversations: q ? await siteOf(c).searchInbox(q) : [] });
});

adminInbox.get("/conversations/:id/visitor", async (c) => {
  const id = c.req.param("id");
  const card = await siteOf(c).visitorCard(id);
  if (card) return c.json({ visitor: card });
  const owner = await conversationOf(c, id).belongsTo(c.var.siteKey);
  if (owner === "other") throw new ApiError(403, "forbidden", "this conversation belongs to another site");
  throw new ApiError(404, "not_found", "no such conversation");
});

adminInbox.post("/conversations/:id/resolve", (c) => act(c, { type: "resolve" }));
adminInbox.post("/conversations/:id/reopen", (c) => act(c, { type: "reopen" }));

adminInbox.post("/conversations/:id/assign", async (c) => {
  const body = await readJson(c, assignBody);
  const target = unwrap(await siteOf(c).assignTarget(body));
  const conversation = unwrap(
    await conversationOf(c, c.req.param("id")).operatorAction(c.var.siteKey, { type: "assign", ...target }),
  );
  // Whoever had it may have room now for a queued conversation.
  c.executionCtx.waitUntil(siteOf(c).routeQueue());
  return c.json({ conversation });
});
