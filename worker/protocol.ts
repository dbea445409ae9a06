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
/** The visitor asks for the conversation by email (to the email we know). */
export const transcriptFrame = z.object({ type: z.literal("transcript") });

export const clientFrame = z.discriminatedUnion("type", [
  helloFrame,
  messageFrame,
  typingFrame,
  readFrame,
  contactFrame,
  transcriptFrame,
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
  | { type: "transcript"; sentTo: string }
  | { type: "error"; code: ErrorCode; message: string; clientId?: string };

export type ErrorCode =
  | "bad_json"
  | "bad_frame"
  | "empty_text"
  | "text_too_long"
  | "rate_limited"
  | "forbidden"
  | "not_found"
  | "no_email"
  | "not_sent";

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

// ---- admin app (issue 6) ----

/** An internal note: operator-only client frame, stored with `meta.internal`, never shown to visitors. */
export const noteFrame = z.object({ type: z.literal("note"), clientId, text: messageText });
export type NoteFrame = z.infer<typeof noteFrame>;

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
export const resetRequestBody = z.object({ siteKey, email });
export const resetCompleteBody = z.object({ siteKey, token: z.string().min(1).max(200), password });

export const operatorPatch = z
  .object({
    name: personName,
    role,
    capacity: z.number("capacity is a number").int("capacity is a whole number").min(0, "capacity is 0 or more").max(100, "capacity is at most 100"),
  })
  .partial();

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

/** What a session request learns of the visitor's client: `request.cf` and the User-Agent. */
export interface VisitorClient {
  country?: string;
  city?: string;
  userAgent?: string;
}

/** One operator of the site as the admin app lists them. */
export interface TeamMember {
  id: string;
  email: string;
  name: string;
  role: z.infer<typeof role>;
  capacity: number;
  online: boolean;
  departmentIds: string[];
}

export interface PendingInvite {
  id: string;
  email: string;
  name: string | null;
  role: "admin" | "operator";
  createdAt: number;
  expiresAt: number;
}

export interface OperatorSession {
  id: string;
  createdAt: number;
  lastSeen: number;
  expiresAt: number;
  userAgent: string | null;
  ip: string | null;
  current: boolean;
}

export interface Department {
  id: string;
  name: string;
  operatorIds: string[];
}

export interface CannedResponse {
  id: string;
  shortcut: string;
  title: string;
  text: string;
}

export interface Routing {
  auto: boolean;
  defaultDepartmentId: string | null;
}

/** One settings change: who, what, when. */
export interface AuditEntry {
  id: number;
  at: number;
  actor: { id: string; name: string };
  action: string;
  target: string | null;
  details: Record<string, unknown> | null;
}

/** The visitor card of a conversation. Strings come from visitors: show them as text. */
export interface VisitorCard {
  visitorId: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  verified: boolean;
  country: string | null;
  city: string | null;
  device: { kind: "desktop" | "mobile" | "tablet" | "unknown"; browser: string | null; os: string | null };
  locale: string | null;
  timezone: string | null;
  trail: Trail | null;
  previous: InboxEntry[];
}

// ---- email ----

/** What became of an outbound email (worker/site/outbox.ts). */
export type OutboxStatus = "outbox" | "sent" | "retrying" | "failed" | "suppressed" | "limited";

/** A row of `GET /api/v1/admin/outbox`. */
export interface OutboxEntry {
  id: string;
  kind: string;
  to: string;
  subject: string;
  status: OutboxStatus;
  provider: string;
  attempts: number;
  lastError: string | null;
  conversationId: string | null;
  createdAt: number;
  sentAt: number | null;
  message: import("./email/mime").OutboundEmail;
  /** The MIME text as delivered, kept for the local outbox. */
  raw: string | null;
}
