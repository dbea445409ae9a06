/**
 * What reports keep of one conversation: the instants and attributes its summaries carried,
 * merged so that facts which only ever become true (an auto-reply asked for the email, the
 * conversation went on by email, a rating) stay true after the summary that showed them.
 */
import type { ConversationActivity, InboxEntry } from "../protocol";

export interface ConversationFacts {
  id: string;
  createdAt: number;
  firstVisitorAt: number | null;
  firstOperatorAt: number | null;
  resolvedAt: number | null;
  channel: "chat" | "email";
  department: string | null;
  assignee: string | null;
  /** An auto-reply asked the visitor for an email address. */
  askedEmail: boolean;
  /** The visitor's email address is known. */
  emailKnown: boolean;
  /** A reply went on by email at some point. */
  continuedByEmail: boolean;
  /** The visitor's CSAT rating, 1–5, or null. */
  rating: number | null;
  /** The page the chat started on (origin and path), or null when the visitor's trail had none. */
  startPage?: string | null;
  /** The bot's part, when it posted (absent in facts recorded before bots were counted). */
  bot?: NonNullable<ConversationActivity["bot"]> | null;
  /** Calls and appointment events, when there were any. */
  calls?: NonNullable<ConversationActivity["calls"]> | null;
  appointments?: NonNullable<ConversationActivity["appointments"]> | null;
}

/** A page as reports group it: origin and path, without query or fragment; null if not an http(s) URL. */
export function pageKey(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? `${u.origin}${u.pathname}` : null;
  } catch {
    return null;
  }
}

/**
 * The facts after a new summary; `prev` is what was known before (or null). `startPage` is
 * the page the visitor was on when the Site first heard of the conversation; it never changes.
 */
export function mergeFacts(
  prev: ConversationFacts | null,
  entry: InboxEntry,
  startPage: string | null = null,
): ConversationFacts {
  return {
    id: entry.id,
    createdAt: entry.createdAt,
    firstVisitorAt: entry.firstVisitorAt,
    firstOperatorAt: entry.firstOperatorAt,
    resolvedAt: entry.resolvedAt,
    channel: entry.channel,
    department: entry.department,
    assignee: entry.assignee,
    askedEmail: (prev?.askedEmail ?? false) || entry.askedEmail === true,
    emailKnown: entry.email !== null,
    continuedByEmail: (prev?.continuedByEmail ?? false) || entry.channel === "email",
    rating: entry.rating ?? prev?.rating ?? null,
    startPage: prev ? (prev.startPage ?? null) : startPage,
    // A summary without activity (an older Conversation) keeps what was known.
    bot: entry.activity ? (entry.activity.bot ?? null) : (prev?.bot ?? null),
    calls: entry.activity ? (entry.activity.calls ?? null) : (prev?.calls ?? null),
    appointments: entry.activity ? (entry.activity.appointments ?? null) : (prev?.appointments ?? null),
  };
}

/** True when the new facts change a figure (so the day must be counted again). */
export function factsDiffer(a: ConversationFacts | null, b: ConversationFacts): boolean {
  return a === null || JSON.stringify(a) !== JSON.stringify(b);
}
