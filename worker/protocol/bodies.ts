/**
 * HTTP bodies: the zod schemas of what the widget, the admin app and the plugins send the
 * Worker's routes, and the helpers that turn a zod error into the error envelope's words.
 */
import { z } from "zod";
import { email, messageText } from "./frames";

export const trailEntry = z.object({
  url: z.string().max(2048),
  title: z.string().max(300).optional(),
  at: z.number().int(),
});

/** A shop cart as the page shows it to the widget (`edgechatSettings.cart`), for the operator's card. */
export const trailCart = z.object({
  items: z
    .array(
      z.object({
        id: z.number().int().min(0).optional(),
        name: z.string().max(300),
        qty: z.number().int().min(0).max(1_000_000),
        price: z.number().finite().optional(),
        url: z.string().max(2048).optional(),
      }),
    )
    .max(100),
  total: z.number().finite(),
  currency: z.string().regex(/^[A-Z]{3}$/, "currency is an ISO 4217 code such as EUR"),
});
export type TrailCart = z.infer<typeof trailCart>;

export const trail = z.object({
  landing: z.string().max(2048).optional(),
  referrer: z.string().max(2048).optional(),
  utm: z.record(z.string().max(40), z.string().max(300)).optional(),
  pages: z.array(trailEntry).max(50).optional(),
  /** The guest's cart on the last page (a logged-in customer's is fetched from the shop). */
  cart: trailCart.optional(),
});
export type Trail = z.infer<typeof trail>;

export const identity = z.object({
  userId: z.string().min(1).max(128),
  email: email.optional(),
  name: z.string().trim().max(120).optional(),
  hash: z.string().regex(/^[0-9a-fA-F]{64}$/, "hash must be 64 hex characters (HMAC-SHA256)"),
});
export type Identity = z.infer<typeof identity>;

export const sessionBody = z.object({
  visitorToken: z.string().max(2048).optional(),
  identity: identity.optional(),
  trail: trail.optional(),
  /** The trail on every page view, for who is online now: never stored (worker/site/engage). */
  visit: trail.optional(),
  /** The shop's cart on this page (`edgechatSettings.cart`), for who is online now. */
  cart: trailCart.optional(),
  locale: z.string().max(35).optional(),
  timezone: z.string().max(64).optional(),
});
export type SessionBody = z.infer<typeof sessionBody>;

export const loginBody = z.object({
  /** Optional: without it the deployment finds the sites of the email. */
  siteKey: z.string().max(64).optional(),
  email,
  password: z.string().min(1, "password is required").max(512),
});

export const siteKey = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "site key is 2-63 lowercase letters, digits or dashes");

/** A conversation id is a Durable Object id: 64 hex characters. */
export const conversationId = z.string().regex(/^[0-9a-f]{64}$/, "not a conversation id");

/** Turns a zod error into one sentence naming the field, for `{error:{message}}`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");
}

/** Field-level messages of a zod error, `{"look.color": "color is #RRGGBB"}`; the first issue per path wins. */
export function issueFields(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join(".") || "_";
    fields[path] ??= issue.message;
  }
  return fields;
}

export const role = z.enum(["owner", "admin", "operator"], "role is owner, admin or operator");
export const password = z
  .string()
  .min(10, "password must be at least 10 characters")
  .max(512, "password is at most 512 characters");
const personName = z.string().trim().min(1, "name is required").max(120, "name is at most 120 characters");

export const inviteBody = z.object({
  email,
  name: z.string().trim().max(120, "name is at most 120 characters").optional(),
  role: z.enum(["admin", "operator"], "role is admin or operator"),
});
export const acceptInviteBody = z.object({ siteKey, token: z.string().min(1).max(200), name: personName, password });
/** Without a site key, every site the email belongs to sends its own link. */
export const resetRequestBody = z.object({ siteKey: siteKey.optional(), email });
export const resetCompleteBody = z.object({ siteKey, token: z.string().min(1).max(200), password });

export const operatorPatch = z
  .object({
    name: personName,
    role,
    capacity: z
      .number("capacity is a number")
      .int("capacity is a whole number")
      .min(0, "capacity is 0 or more")
      .max(100, "capacity is at most 100"),
  })
  .partial();

/** Admin → Install: allow an origin the widget was refused on. */
export const allowOriginBody = z.object({
  origin: z.string("origin is a string").max(200, "origin is at most 200 characters"),
});

export const departmentBody = z.object({
  name: z.string().trim().min(1, "name is required").max(60, "name is at most 60 characters"),
  operatorIds: z.array(z.string().max(40)).max(200).default([]),
});

export const cannedBody = z.object({
  shortcut: z
    .string()
    .trim()
    .min(1, "shortcut is required")
    .max(32, "shortcut is at most 32 characters")
    .regex(/^[\p{L}\p{N}_-]+$/u, "shortcut uses letters, digits, _ and - only"),
  title: z.string().trim().max(80, "title is at most 80 characters").default(""),
  text: messageText,
});

export const routingBody = z.object({
  auto: z.boolean(),
  defaultDepartmentId: z.string().max(40).nullable().default(null),
});

export const assignBody = z
  .object({
    operatorId: z.string().max(40).nullable(),
    departmentId: z.string().max(40).nullable(),
  })
  .partial()
  .refine((b) => b.operatorId !== undefined || b.departmentId !== undefined, "give operatorId, departmentId or both");
