/**
 * Pure rules of operator notifications: which inbox changes are news, who hears of them,
 * quiet hours, and the words of a notification.
 */
import type { AlertEvent, InboxEntry, PushPayload, QuietHours } from "../../protocol";

import { audienceOf, type TeamMemberScope } from "../../protocol/audience";

export { audienceOf, type TeamMemberScope };

/** True when the summary carries a visitor message newer than `seenSeq` in an open conversation. */
export function isVisitorNews(entry: InboxEntry, seenSeq: number | null): boolean {
  const last = entry.lastMessage;
  return entry.status === "open" && last?.author === "visitor" && last.seq > (seenSeq ?? 0);
}

/**
 * True when the visitor of queued news still waits as the conversation stands now (`current`,
 * null once erased): news waits (the batch 1.5 s, a refused send longer), and a colleague in
 * the admin may have answered or resolved it meanwhile. A note is no answer.
 */
export function stillWaiting(queued: InboxEntry, current: InboxEntry | null): current is InboxEntry {
  return current?.status === "open" && !answeredAfter(current, queued.lastMessage?.seq ?? 0);
}

/** True when the conversation (null once erased) is open and its newest words are not an operator's answer. */
export function awaitsAnswer(current: InboxEntry | null): boolean {
  return current?.status === "open" && !answeredAfter(current, 0);
}

/** True when the conversation's newest words are an operator's answer (not a note) after `seq`. */
function answeredAfter(current: InboxEntry, seq: number): boolean {
  const last = current.lastMessage;
  return last?.author === "operator" && !last.note && last.seq > seq;
}

/** True when queued news is still worth telling `operatorId`: still waiting, and still theirs to hear of. */
export function stillNews(
  queued: InboxEntry,
  current: InboxEntry | null,
  operatorId: string,
  team: TeamMemberScope[],
): boolean {
  return stillWaiting(queued, current) && audienceOf(current, team).includes(operatorId);
}

/** Which kind of news a visitor message is for the operators who hear of it. */
export function eventOf(entry: InboxEntry, isNew: boolean): AlertEvent {
  if (isNew) return "newConversation";
  return entry.assignee ? "myMessages" : "departmentMessages";
}

/** True when `now` falls inside the quiet hours (which may span midnight). */
export function inQuietHours(quiet: QuietHours | null, now: number): boolean {
  if (!quiet || quiet.start === quiet.end) return false;
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: quiet.timezone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(now));
  const hh = Number(parts.find((p) => p.type === "hour")?.value ?? 0);
  const mm = Number(parts.find((p) => p.type === "minute")?.value ?? 0);
  const minute = hh * 60 + mm;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

function minutesOf(clock: string): number {
  const [h, m] = clock.split(":").map(Number);
  return h! * 60 + m!;
}

export interface News {
  entry: InboxEntry;
  isNew: boolean;
  /** The newest visitor line told before this news (0: none). */
  afterSeq: number;
  /** Every visitor line of this news, oldest first, when the conversation gave them. */
  lines?: string[];
}

/** The visitor's name as an operator sees it. */
export function visitorLabel(entry: InboxEntry): string {
  return entry.visitorName ?? entry.email ?? "A visitor";
}

/** The tag of a conversation's notifications: a newer one replaces the older on the device. */
export function tagOf(conversationId: string): string {
  return `c-${conversationId.slice(0, 24)}`;
}

/** The push of a visitor's call: opening it shows the conversation, ringing if it still rings. */
export function callPayloadOf(entry: InboxEntry, audioOnly: boolean): PushPayload {
  return {
    title: `${audioOnly ? "Voice call" : "Video call"}: ${visitorLabel(entry)}`,
    body: "Open the chat to answer",
    url: `/admin/c/${entry.id}`,
    tag: tagOf(entry.id),
    conversationIds: [entry.id],
  };
}

/** One push for an operator's batch: one conversation opens it, several open the inbox. */
export function pushPayloadOf(news: News[]): PushPayload {
  const ids = news.map((n) => n.entry.id);
  if (news.length === 1) {
    const { entry, isNew } = news[0]!;
    return {
      title: isNew ? `New chat: ${visitorLabel(entry)}` : visitorLabel(entry),
      body: entry.lastMessage?.text ?? "",
      url: `/admin/c/${entry.id}`,
      tag: tagOf(entry.id),
      conversationIds: ids,
    };
  }
  const fresh = news.filter((n) => n.isNew).length;
  return {
    title: fresh ? `${news.length} chats waiting (${fresh} new)` : `${news.length} chats waiting`,
    body: news
      .map((n) => `${visitorLabel(n.entry)}: ${n.entry.lastMessage?.text ?? ""}`)
      .join("\n")
      .slice(0, 500),
    url: "/admin/",
    tag: "inbox",
    conversationIds: ids,
  };
}
