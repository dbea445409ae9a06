/**
 * `/api/v1/signup-codes`: the deployment owner's one-time signup codes (SIGNUP=invite), all
 * with the admin token. A code is shown once when made; it may be tied to one owner email.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { Env } from "../env";
import { unwrap } from "../lib/errors";
import { email } from "../protocol";
import { MAX_CODE_TTL_DAYS } from "../deployment";
import { readJson } from "./http";
import { deployment, requireAdminToken } from "./signup";

export const signupCodes = new Hono<{ Bindings: Env }>();

const codeBody = z.object({
  email: email.optional(),
  note: z.string().trim().max(200, "note is at most 200 characters").optional(),
  days: z.number().int().min(1).max(MAX_CODE_TTL_DAYS, `days is at most ${MAX_CODE_TTL_DAYS}`).optional(),
});

signupCodes.use("*", async (c, next) => {
  requireAdminToken(c, "signup codes");
  await next();
});

signupCodes.post("/", async (c) => {
  const body = (c.req.header("Content-Length") === "0" ? {} : await readJson(c, codeBody)) as z.infer<typeof codeBody>;
  return c.json(await deployment(c.env).createCode(body), 201);
});

signupCodes.get("/", async (c) => c.json({ codes: await deployment(c.env).listCodes() }));

signupCodes.delete("/:id", async (c) => c.json(unwrap(await deployment(c.env).revokeCode(c.req.param("id")))));
