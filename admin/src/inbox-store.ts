/**
 * The live inbox: the site socket (`/api/v1/admin/ws`) with reconnect, the entries it
 * brings, the views (Open / Mine / Unassigned / Resolved / All), local search, and a
 * callback for each change (sound, desktop notification).
 */
import type { InboxEntry, SiteServerFrame } from "../../worker/protocol";
import { Connection } from "../../widget/connection";
import { Heartbeat } from "../../widget/heartbeat";
import { socketUrl } from "./api";

/** The site socket only listens: a ping this often keeps proxies from closing it as idle, and finds a dead link. */
const KEEP_ALIVE_MS = 30_000;

export type View = "open" | "mine" | "unassigned" | "resolved" | "all";
/** "waiting": visitors waiting for an answer first, longest wait on top; "activity": newest activity first. */
export type InboxSort = "waiting" | "activity";

/** True when the visitor is waiting for an answer. */
export function isWaiting(e: InboxEntry): boolean {
  return e.status === "open" && e.waitingSince !== null && e.waitingSince !== undefined;
}

/** The order of a list: waiting first by how long they wait, then newest activity first. */
export function inboxOrder(sort: InboxSort): (a: InboxEntry, b: InboxEntry) => number {
  const byActivity = (a: InboxEntry, b: InboxEntry) => b.updatedAt - a.updatedAt;
  if (sort === "activity") return byActivity;
  return (a, b) => {
    const wa = isWaiting(a);
    const wb = isWaiting(b);
    if (wa !== wb) return wa ? -1 : 1;
    return wa ? a.waitingSince! - b.waitingSince! : byActivity(a, b);
  };
}
export const VIEWS: readonly View[] = ["open", "mine", "unassigned", "resolved", "all"];

/** True when an entry belongs in a view for operator `me`. */
export function inView(entry: InboxEntry, view: View, me: string): boolean {
  switch (view) {
    case "open":
      return entry.status === "open";
    case "mine":
      return entry.status === "open" && entry.assignee === me;
    case "unassigned":
      return entry.status === "open" && !entry.assignee;
    case "resolved":
      return entry.status === "resolved";
    case "all":
      return true;
  }
}

/** True when an entry's visitor name, email or last message contains `query` (any case). */
export function matches(entry: InboxEntry, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [entry.visitorName, entry.email, entry.lastMessage?.text].some((s) => s?.toLowerCase().includes(q));
}

export class InboxStore extends EventTarget {
  readonly entries = new Map<string, InboxEntry>();
  operatorsOnline = 0;
  live = false;
  private readonly socket = new Connection<SiteServerFrame, "ping">({
    url: () => socketUrl("/ws"),
    open: () => {},
    frame: (frame) => {
      this.beat.heard();
      this.onFrame(frame);
    },
    down: () => this.socketDown(),
  });
  /**
   * The Site answers each ping with presence, and checks the socket's session on it; a ping
   * without any answer means a link that died without closing (widget/heartbeat.ts).
   */
  private readonly beat = new Heartbeat(this.socket, KEEP_ALIVE_MS);

  /**
   * `onChange` hears of each entry that changed while the socket is live, with the entry as
   * held before (undefined for a conversation new to this inbox). `heldOpen` tells the
   * conversations the operator has in front of them (open as tabs, found by the search shown).
   */
  constructor(
    private readonly onChange: (prev: InboxEntry | undefined, next: InboxEntry) => void = () => {},
    private readonly heldOpen: (id: string) => boolean = () => false,
  ) {
    super();
  }

  /** Opens the site socket; reconnects with backoff until `close()`. */
  connect(): void {
    this.socket.start();
    this.beat.start();
  }

  close(): void {
    this.socket.stop();
    this.beat.stop();
    this.socketDown();
  }

  /** Adds or replaces an entry unless we hold a newer one (e.g. from an action's answer). */
  upsert(entry: InboxEntry): void {
    const known = this.entries.get(entry.id);
    if (known && known.rev >= entry.rev) return;
    this.entries.set(entry.id, entry);
    this.changed();
  }

  /** Entries of a view in `sort` order (waiting visitors first by default), filtered by `query`. */
  list(view: View, me: string, query = "", sort: InboxSort = "waiting"): InboxEntry[] {
    return [...this.entries.values()].filter((e) => inView(e, view, me) && matches(e, query)).sort(inboxOrder(sort));
  }

  /** Conversations of a view with unread visitor messages. */
  unreadIn(view: View, me: string): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.unread > 0 && inView(e, view, me)) n++;
    return n;
  }

  /** Unread visitor messages in open conversations: the tab title's count. */
  unreadTotal(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.status === "open") n += e.unread;
    return n;
  }

  private onFrame(frame: SiteServerFrame): void {
    if (frame.type === "inbox") {
      // The greeting lists the newest conversations only: an older one open in a tab or found
      // by the search shown keeps what was known of it, or its tab and header would lose name
      // and status and its row would leave the search's results.
      const kept = [...this.entries.values()].filter((e) => this.heldOpen(e.id));
      this.entries.clear();
      for (const e of kept) this.entries.set(e.id, e);
      for (const e of frame.conversations) this.entries.set(e.id, e);
      this.live = true;
      this.socket.healthy();
    } else if (frame.type === "conversation") {
      const prev = this.entries.get(frame.conversation.id);
      this.upsert(frame.conversation);
      // An entry we already hold at this revision (our own action's answer) is no news.
      if (this.live && this.entries.get(frame.conversation.id) === frame.conversation && prev !== frame.conversation)
        this.onChange(prev, frame.conversation);
    } else if (frame.type === "erased") {
      for (const id of frame.conversationIds) this.entries.delete(id);
      this.dispatchEvent(new CustomEvent("erased", { detail: frame.conversationIds }));
    } else if (frame.type === "ringing") {
      this.dispatchEvent(new CustomEvent("ringing", { detail: frame }));
    } else if (frame.type === "online" || frame.type === "offline") {
      // Online now listens (admin/src/online); the inbox itself does not change.
      this.dispatchEvent(new CustomEvent("online", { detail: frame }));
      return;
    } else if (frame.type === "presence") {
      const changed = frame.operatorsOnline !== this.operatorsOnline;
      this.operatorsOnline = frame.operatorsOnline;
      if (changed) this.dispatchEvent(new Event("presence"));
    }
    this.changed();
  }

  private socketDown(): void {
    this.live = false;
    this.changed();
  }

  private changed(): void {
    this.dispatchEvent(new Event("change"));
  }
}
