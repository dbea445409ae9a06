/**
 * Which inbox changes the operator hears of in the admin tab, by the rule push and Telegram
 * follow (worker/protocol/audience.ts): a conversation concerns me when it is assigned to
 * me, or unassigned in one of my departments (or in none); and when its assignee left the
 * team or nobody is in its department, everyone. The settings that choose among the events
 * live on the server, per operator (`GET /notifications` → `alerts`).
 */
import type { AlertEvent, AlertPrefs, InboxEntry } from "../../worker/protocol";
import { audienceOf, type TeamMemberScope } from "../../worker/protocol/audience";

/** Until the server's answer arrives: everything on, as the admin always behaved. */
export const DEFAULT_ALERTS: AlertPrefs = {
  sound: true,
  desktop: true,
  events: { newConversation: true, myMessages: true, departmentMessages: true, assigned: true, calls: true },
};

/** True when a conversation concerns operator `me` of `team`. */
export function concernsMe(entry: InboxEntry, me: string, team: TeamMemberScope[]): boolean {
  // Until the team is loaded, what the entry itself says.
  if (!team.some((m) => m.id === me)) return entry.assignee ? entry.assignee === me : !entry.department;
  return audienceOf(entry, team).includes(me);
}

/** The events an inbox change is for `me`: `prev` is the entry as the inbox held it before. */
export function alertEventsOf(
  prev: InboxEntry | undefined,
  next: InboxEntry,
  me: string,
  team: TeamMemberScope[],
): AlertEvent[] {
  if (next.status !== "open" || !concernsMe(next, me, team)) return [];
  if (!prev) return ["newConversation"];
  const events: AlertEvent[] = [];
  if (next.assignee === me && prev.assignee !== me) events.push("assigned");
  const last = next.lastMessage;
  if (last?.author === "visitor" && last.seq > (prev.lastMessage?.seq ?? 0))
    events.push(next.assignee ? "myMessages" : "departmentMessages");
  return events;
}
