/**
 * The wire contract: zod schemas of every frame and HTTP body exchanged between the
 * widget, the admin app, the plugins and the Worker. `docs/api.md` describes the same
 * shapes for people; keep the two in step.
 */
import { z } from "zod";

/** Longest message text a visitor or operator may send, in characters. */
export const MAX_TEXT = 4000;
/** A socket may send at most this many `message` frames per window. */
export const RATE_LIMIT = { messages: 20, windowMs: 10_000 } as const;
/** A `welcome` carries at most this many messages; `more: true` says ask again. */
export const WELCOME_PAGE = 500;

export const clientId = z
  .string()
  .min(1, "clientId is required")
  .max(64, "clientId is at most 64 characters")
  .regex(/^[A-Za-z0-9_.:-]+$/, "clientId may use letters, digits and _ . : -");

export const messageText = z
  .string()
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, "text is empty")
      .max(MAX_TEXT, `text is longer than ${MAX_TEXT} characters`),
  );

export const email = z
  .string()
  .trim()
  .max(254, "email is at most 254 characters")
  .pipe(z.email("not a valid email address"));

// ---- client → server frames ----

export const helloFrame = z.object({
  type: z.literal("hello"),
  lastSeq: z.number().int().min(0).default(0),
});
export const messageFrame = z.object({
  type: z.literal("message"),
  clientId,
  text: messageText,
});
export const typingFrame = z.object({ type: z.literal("typing") });
export const readFrame = z.object({ type: z.literal("read"), seq: z.number().int().min(0) });
export const contactFrame = z.object({ type: z.literal("contact"), email });

export const clientFrame = z.discriminatedUnion("type", [
  helloFrame,
  messageFrame,
  typingFrame,
  readFrame,
  contactFrame,
]);
export type ClientFrame = z.infer<typeof clientFrame>;
export const CLIENT_FRAME_TYPES = clientFrame.options.map((o) => o.shape.type.value);

// ---- server → client shapes ----

export type AuthorKind = "visitor" | "operator" | "bot" | "system";
export type Channel = "chat" | "email";

export interface Author {
  kind: AuthorKind;
  name?: string;
  /** Operator id for operator messages; never sent for visitors. */
  id?: string;
}

export interface Message {
  seq: number;
  clientId?: string;
  author: Author;
  text: string;
  /** Epoch milliseconds. */
  at: number;
  channel?: Channel;
  /** Extra data of bot and system messages (e.g. `{ask: "email"}`). */
  meta?: Record<string, unknown>;
}

export type ConversationStatus = "open" | "resolved";

export interface ConversationView {
  id: string;
  status: ConversationStatus;
  lastSeq: number;
  /** Highest seq each side has read. */
  readSeq: { visitor: number; operator: number };
  emailKnown: boolean;
  /** True when the server wants the visitor's email (the widget shows its field). */
  askEmail: boolean;
}

export type ServerFrame =
  | { type: "welcome"; conversation: ConversationView; messages: Message[]; more: boolean }
  | { type: "message"; message: Message }
  | { type: "ack"; clientId: string; seq: number }
  | { type: "typing"; author: Author }
  | { type: "read"; seq: number; by: "visitor" | "operator" }
  | { type: "contact"; emailKnown: boolean; askEmail: boolean }
  | { type: "error"; code: ErrorCode; message: string };

export type ErrorCode =
  | "bad_json"
  | "bad_frame"
  | "empty_text"
  | "text_too_long"
  | "rate_limited"
  | "forbidden"
  | "not_found";

// ---- HTTP bodies ----

export const trailEntry = z.object({
  url: z.string().max(2048),
  title: z.string().max(300).optional(),
  at: z.number().int(),
});

export const trail = z.object({
  landing: z.string().max(2048).optional(),
  referrer: z.string().max(2048).optional(),
  utm: z.record(z.string().max(40), z.string().max(300)).optional(),
  pages: z.array(trailEntry).max(50).optional(),
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
  locale: z.string().max(35).optional(),
  timezone: z.string().max(64).optional(),
});
export type SessionBody = z.infer<typeof sessionBody>;

export const loginBody = z.object({
  siteKey: z.string().min(1).max(64),
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

// ---- what a Conversation tells its Site, and what operators' inbox shows ----

/** One row of a site's inbox: the summary a Conversation sends its Site after each change. */
export interface InboxEntry {
  id: string;
  visitorId: string;
  status: ConversationStatus;
  channel: Channel;
  assignee: string | null;
  department: string | null;
  email: string | null;
  visitorName: string | null;
  verified: boolean;
  lastMessage: { seq: number; text: string; author: AuthorKind; at: number } | null;
  lastSeq: number;
  /** Visitor messages no operator has read. */
  unread: number;
  /** When the oldest unanswered visitor message arrived; null when operators answered. */
  waitingSince: number | null;
  createdAt: number;
  updatedAt: number;
  firstVisitorAt: number | null;
  firstOperatorAt: number | null;
  resolvedAt: number | null;
  /** Increases with every change; the Site ignores a summary older than the one it has. */
  rev: number;
}

/** Frames on an operator's site socket (`GET /api/v1/admin/ws`). */
export type SiteServerFrame =
  | { type: "inbox"; conversations: InboxEntry[] }
  | { type: "conversation"; conversation: InboxEntry }
  | { type: "presence"; operatorsOnline: number };
