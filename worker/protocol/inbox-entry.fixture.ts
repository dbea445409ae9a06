/** An inbox summary for tests that hand one to the Site or to reports: an open chat, with `fields` over it. */
import type { InboxEntry } from "./types";

export function inboxEntry(fields: Partial<InboxEntry> & Pick<InboxEntry, "id">): InboxEntry {
  return {
    visitorId: "v1",
    status: "open",
    channel: "chat",
    assignee: null,
    department: null,
    email: null,
    visitorName: null,
    verified: false,
    lastMessage: null,
    lastSeq: 1,
    unread: 0,
    waitingSince: null,
    createdAt: 1,
    updatedAt: 1,
    firstVisitorAt: 1,
    firstOperatorAt: null,
    resolvedAt: null,
    rev: 1,
    ...fields,
  };
}
