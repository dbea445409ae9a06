/**
 * Which inbox changes the operator hears of in the admin tab, by the same rules as push and
 * Telegram (worker/site/notify/rules.ts): a conversation concerns me when it is assigned to
 * me, or unassigned in one of my departments (or in none). The settings that choose among
 * the events live on the server, per operator (`GET /notifications` → `alerts`).
 */
import type { AlertEvent, AlertPrefs, InboxEntry } from "../../worker/protocol";

/** Until the server's answer arrives: everything on, as the admin always behaved. */
export const DEFAULT_ALERTS: AlertPrefs = {
  sound: true,
  desktop: true,
  events: { newConversation: true, myMessages: true, departmentMessages: true, assigned: true, calls: true },
};

/** True when a conversation concerns operator `me` (member of `myDepartments`). */
export function concernsMe(entry: InboxEntry, me: string, myDepartments: readonly string[]): boolean {
  if (entry.assignee) return entry.assignee === me;
  return !entry.department || myDepartments.includes(entry.department);
}

/** The events an inbox change is for `me`: `prev` is the entry as the inbox held it before. */
export function alertEventsOf(
  prev: InboxEntry | undefined,
  next: InboxEntry,
  me: string,
  myDepartments: readonly string[],
): AlertEvent[] {
  if (next.status !== "open" || !concernsMe(next, me, myDepartments)) return [];
  if (!prev) return ["newConversation"];
  const events: AlertEvent[] = [];
  if (next.assignee === me && prev.assignee !== me) events.push("assigned");
  const last = next.lastMessage;
  if (last?.author === "visitor" && last.seq > (prev.lastMessage?.seq ?? 0))
    events.push(next.assignee ? "myMessages" : "departmentMessages");
  return events;
}
