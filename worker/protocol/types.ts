/**
 * The shapes the server sends: socket frames, inbox entries and the admin app's lists.
 * Type-only, so browser bundles import them for free.
 */
import type { Trail } from "./bodies";
import type { OnlineVisitor } from "./engage";
import type { OutboundEmail } from "./email";

export type Role = "owner" | "admin" | "operator";

/**
 * Who wrote a message. A `guest` is someone other than the visitor whose email an operator
 * let into the conversation (`name` is their address): shown as theirs, never as the visitor's.
 */
export type AuthorKind = "visitor" | "operator" | "bot" | "system" | "guest";
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
  /** Files sent with the message (an upload, or an email reply's attachments). */
  attachments?: Attachment[];
}

/**
 * A file of a conversation as frames carry it. `type` is what the server read from the
 * content, never what the sender claimed; `width`/`height` are set for images. Read it at
 * `GET /api/v1/conversations/:id/files/:fileId?token=` (visitor) or
 * `GET /api/v1/admin/conversations/:id/files/:fileId` (operator).
 */
export interface Attachment {
  id: string;
  name: string;
  type: FileType;
  /** Bytes. */
  size: number;
  width?: number;
  height?: number;
}

/** The content types a conversation accepts (checked by magic bytes). */
export type FileType = "image/jpeg" | "image/png" | "image/gif" | "image/webp" | "application/pdf" | "text/plain";

/** One file of a conversation as the admin's gallery lists it. */
export interface ConversationFile extends Attachment {
  /** The message it came with. */
  seq: number;
  at: number;
  author: AuthorKind;
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
  /** The visitor's rating once given; the widget asks for one when resolved and null. */
  rating: number | null;
}

export type ServerFrame =
  | {
      type: "welcome";
      conversation: ConversationView;
      messages: Message[];
      more: boolean;
      /**
       * Operators only: the conversation's inbox entry as it is now, so a conversation their
       * list does not hold (opened by a link, a search, a notification) or that changed while
       * their socket was down is shown as it is.
       */
      entry?: InboxEntry;
    }
  | { type: "message"; message: Message }
  | { type: "ack"; clientId: string; seq: number }
  | { type: "typing"; author: Author }
  | { type: "read"; seq: number; by: "visitor" | "operator" }
  | { type: "contact"; emailKnown: boolean; askEmail: boolean }
  | { type: "transcript"; sentTo: string }
  | { type: "deleted"; seq: number }
  | CallServerFrame
  | { type: "rated"; rating: number }
  /** An operator resolved or reopened the conversation (the widget then asks for a rating). */
  | { type: "status"; status: ConversationStatus }
  /** The answer to the text "ping", sent by the runtime without waking the conversation (widget/heartbeat.ts). */
  | { type: "pong" }
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
  | "not_sent"
  | "stale_step"
  | "video_disabled"
  | "call_busy"
  | "no_call"
  | "wrong_conversation"
  | "not_resolved"
  | "already_rated"
  /** A held email was already accepted (cannot be discarded) or discarded (cannot be accepted). */
  | "already_decided"
  | "internal";

/** The side of a conversation a call frame comes from. */
export type CallSide = "visitor" | "operator";

/** How a call ended, as its `end` frame and its system message say. */
export type CallOutcome = "completed" | "declined" | "missed" | "cancelled" | "answered_elsewhere";

/** An ICE candidate as RTCIceCandidate.toJSON() gives it. */
export interface IceCandidateJson {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

/** Call signalling relayed to the other party, and the end of a call told to both sides. */
export type CallServerFrame =
  | {
      type: "call";
      action: "request";
      callId: string;
      from: CallSide;
      audioOnly: boolean;
      product?: ProductContext | undefined;
    }
  | { type: "call"; action: "offer" | "answer"; callId: string; sdp: string }
  | { type: "call"; action: "ice"; callId: string; candidate: IceCandidateJson }
  | { type: "call"; action: "screen"; callId: string; on: boolean }
  | { type: "call"; action: "end"; callId: string; outcome: CallOutcome; durationMs: number | null };

/** What a call's system message carries in `meta.call` (for the thread and for reports). */
export interface CallEvent {
  id: string;
  event: "requested" | "answered" | "ended";
  by: CallSide;
  audioOnly?: boolean;
  /** With `requested`: the product the visitor called about. */
  product?: ProductContext;
  outcome?: Exclude<CallOutcome, "answered_elsewhere">;
  durationMs?: number | null;
  screenShared?: boolean;
}

/** A product the visitor asks about (see `productContext`). */
export interface ProductContext {
  name: string;
  url?: string | undefined;
  image?: string | undefined;
  price?: string | undefined;
}

/** What a booking's system message carries in `meta.appointment` (for the thread and for reports). */
export interface AppointmentEvent {
  id: string;
  event: "booked" | "moved" | "cancelled" | "attended" | "no_show";
  start: number;
  end: number;
  product?: ProductContext;
}

/** ICE servers for one call: `GET /api/v1/conversations/:id/ice-servers` and the admin's twin. */
export interface IceServersBody {
  iceServers: { urls: string | string[]; username?: string; credential?: string }[];
  /** Seconds the credentials are good for; null for STUN only. */
  ttl: number | null;
}

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
  /** `note`: an operators' internal note, which the visitor never sees. */
  lastMessage: { seq: number; text: string; author: AuthorKind; at: number; note?: true } | null;
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
  /** An auto-reply asked the visitor for an email address (cleared once one is known). */
  askedEmail?: boolean;
  /** The visitor's CSAT rating (1–5) once given. */
  rating?: number | null;
  /** Increases with every change; the Site ignores a summary older than the one it has. */
  rev: number;
  /** What the bot, calls and appointments did in it, for reports (sent to the Site only). */
  activity?: ConversationActivity;
}

/** A conversation's bot, call and appointment story as reports count it (docs/metrics.md). */
export interface ConversationActivity {
  /** Present when the bot posted at least once. */
  bot?: {
    /** Visitor and bot messages up to the handoff (all of them without one). */
    depth: number;
    /** Answers the visitor rated, and how many of those "yes, it helped". */
    feedback: number;
    helpful: number;
    /** The bot's lead card was completed; the bot booked an appointment. */
    lead: boolean;
    booked: boolean;
    handoffAt: number | null;
    lastBotAt: number;
    /** The last visitor or operator message, or null. */
    lastPersonAt: number | null;
  };
  /** Present when a call was requested. Durations (ms) of answered calls that ended. */
  calls?: {
    requested: number;
    answered: number;
    missed: number;
    declined: number;
    durations: number[];
    screenShared: number;
  };
  /** Appointment events in the thread. */
  appointments?: { booked: number; attended: number; noShow: number };
}

/** Frames on an operator's site socket (`GET /api/v1/admin/ws`). */
export type SiteServerFrame =
  | { type: "inbox"; conversations: InboxEntry[] }
  | { type: "conversation"; conversation: InboxEntry }
  | { type: "presence"; operatorsOnline: number }
  /** A visitor's page view (Online now), and a visitor who left the site. */
  | { type: "online"; visitor: OnlineVisitor }
  | { type: "offline"; visitorId: string }
  /** Conversations erased (a contact's erasure, the retention job): they leave every list. */
  | { type: "erased"; conversationIds: string[] }
  /** A visitor is calling in a conversation (its own socket rings with the `call` request). */
  | { type: "ringing"; conversationId: string; callId: string; audioOnly: boolean };

/** What a session request learns of the visitor's client: `request.cf` and the User-Agent. */
export interface VisitorClient {
  country?: string;
  city?: string;
  userAgent?: string;
  /** The browser's first language (`Accept-Language`), e.g. "ru-RU". */
  language?: string;
}

/** One operator of the site as the admin app lists them. */
export interface TeamMember {
  id: string;
  email: string;
  name: string;
  role: Role;
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
  /** What the server read from the User-Agent: "Chrome 131", "Windows". */
  device: DeviceInfo;
  ip: string | null;
  current: boolean;
}

/** What a User-Agent says of a device. */
export interface DeviceInfo {
  kind: "desktop" | "mobile" | "tablet" | "unknown";
  browser: string | null;
  os: string | null;
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
  device: DeviceInfo;
  /** The widget's language in the conversation. */
  locale: string | null;
  /** The visitor's browser language (its first preference), e.g. "ru-RU". */
  language: string | null;
  timezone: string | null;
  trail: Trail | null;
  /** The visitor's rating (1–5) of this conversation, once given. */
  rating: number | null;
  previous: InboxEntry[];
  /** Until when the visitor is blocked, if they are. */
  blockedUntil?: number;
}

/**
 * What became of an outbound email (worker/site/mail/outbox.ts). `withdrawn`: its sender took it
 * back while it waited for a retry (the booking it was about was cancelled or moved).
 */
export type OutboxStatus = "outbox" | "sent" | "retrying" | "failed" | "suppressed" | "limited" | "withdrawn";
/** What an email is for, as the outbox lists it (the admin has a label for each). */
export type EmailKind =
  | "followup"
  | "transcript"
  | "rating"
  | "invite"
  | "password_reset"
  | "notify"
  | "digest"
  | "lead"
  | "signup_confirm"
  | "site_welcome"
  | "appointment-confirmation"
  | "appointment-moved"
  | "appointment-reminder"
  | "appointment-cancelled";

/** A row of `GET /api/v1/admin/outbox`. */
export interface OutboxEntry {
  id: string;
  kind: EmailKind;
  to: string;
  subject: string;
  status: OutboxStatus;
  provider: string;
  attempts: number;
  lastError: string | null;
  conversationId: string | null;
  createdAt: number;
  sentAt: number | null;
  message: OutboundEmail;
  /** The MIME text as delivered, kept for the local outbox. */
  raw: string | null;
}

/** What a Web Push carries to the admin's service worker (encrypted per RFC 8291). */
export interface PushPayload {
  title: string;
  body: string;
  /** The admin path the notification opens: the conversation, or the inbox for several. */
  url: string;
  /** Notifications of one conversation replace each other. */
  tag: string;
  conversationIds: string[];
}

/**
 * What an operator wants to hear of, one model for the admin tab, Web Push and Telegram:
 * `sound` and `desktop` are the admin tab's chime and desktop notification; `events` choose
 * the news on every channel (an assignment is news in the tab only: away from it, the
 * conversation's next visitor message reaches its assignee anyway).
 */
export interface AlertPrefs {
  sound: boolean;
  desktop: boolean;
  events: {
    /** A conversation appears that concerns me (mine, or unassigned in my departments). */
    newConversation: boolean;
    /** A visitor writes in a conversation assigned to me. */
    myMessages: boolean;
    /** A visitor writes in an unassigned conversation of my departments (or of nobody's). */
    departmentMessages: boolean;
    /** A conversation is assigned to me by someone else or by routing. */
    assigned: boolean;
    /** A visitor calls in a conversation that concerns me. */
    calls: boolean;
  };
}
export type AlertEvent = keyof AlertPrefs["events"];

/** An operator's notification settings as the admin shows them. */
export interface NotificationSettings {
  quietHours: { start: string; end: string; timezone: string } | null;
  alerts: AlertPrefs;
  push: {
    available: boolean;
    publicKey: string | null;
    devices: number;
    /** Whether the device whose endpoint was asked about (`?endpoint=`) gets this operator's pushes. */
    thisDevice?: boolean;
  };
  telegram: {
    connected: boolean;
    botUsername: string | null;
    linked: boolean;
    linkedAs: string | null;
    /** The team's group the notifications go to instead of private chats, if linked. */
    group: { title: string } | null;
  };
}
