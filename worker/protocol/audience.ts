/**
 * Who hears of news in a conversation, the one rule the Site's notifications (push, Telegram,
 * email) and the admin tab's own alerts follow. Pure and import-free, so the admin bundle
 * takes it without the protocol's schemas.
 */
import type { InboxEntry } from "./types";

/** An operator and the departments they are in. */
export interface TeamMemberScope {
  id: string;
  departmentIds: string[];
}

/**
 * Its assignee; else, unassigned, the members of its department; else everyone on the team.
 * An assignee no longer on the team, or a department nobody is in (deleted, or emptied),
 * would leave the visitor unheard: everyone hears then.
 */
export function audienceOf(entry: Pick<InboxEntry, "assignee" | "department">, team: TeamMemberScope[]): string[] {
  if (entry.assignee && team.some((m) => m.id === entry.assignee)) return [entry.assignee];
  if (entry.department) {
    const members = team.filter((m) => m.departmentIds.includes(entry.department!)).map((m) => m.id);
    if (members.length > 0) return members;
  }
  return team.map((m) => m.id);
}
