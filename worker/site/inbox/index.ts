/**
 * The inbox: one row per conversation, the summary its Conversation sent last (`inbox`
 * table, newer `rev` wins), the search index over it, and the fan-out of each change to
 * operators' admin sockets, routing and the operator notice — in batches (InboxFeed).
 */
import type { InboxEntry } from "../../protocol";
import { defer, type SiteHost } from "../host";
import { notifyOperatorsOfNewChat } from "../mail/notices";
import { announcePresence, operatorsOnline, toOperators, toOperatorsAsIs } from "../presence";
import { inboxChanged as notifyAway } from "../notify";
import { recordSummaries } from "../reports";
import { afterInboxChange, readRouting } from "../routing";
import { indexEntry } from "./search";
import { InboxTraffic } from "./traffic";
import { conversationFrame, decodePreview, listed, PREVIEWS_NOT_WANTED, type Preview } from "../../lib/inbox-preview";

export { forgetMessageText, searchInbox } from "./search";

/** How long summaries gather before they are stored and fanned out together. */
export const INBOX_BATCH_MS = 10;
/** Summaries a second the Site asks its conversations to stay under, together. */
export const SUMMARY_BUDGET_PER_S = 50;
/**
 * The shortest gap it asks for: a second folds a visitor's burst of messages into one stored
 * summary (and one operator notice, see notify/); operators' lists learn of each change
 * sooner, from the summary as it arrives and from previews.
 */
export const MIN_SUMMARY_GAP_MS = 1000;
/**
 * The longest gap a busy site asks of a conversation between two of its summaries: from 500
 * active conversations on, the budget gives way to this. An operator in a conversation sees
 * its messages at once on the conversation's own socket; the list's previews may trail by it.
 */
export const MAX_SUMMARY_GAP_MS = 10_000;
/**
 * Previews are asked for while the site's conversations together take at most this many
 * messages a second. A preview is an event on the Site, which locally runs on the same
 * thread as the conversations: by RPC 90–130 µs of it, on a busy conversation's socket
 * (conversation/preview-link.ts) 30–80 µs (`npm run bench:calls`). Measured with the
 * bench's load on 2 cores, three runs each: at ~430 messages a second (50 conversations)
 * previews left the message path's latency as it was (p50 4–12 ms against 5–21 without)
 * and showed every message in the lists within 2× of its delivery; at ~850 (100
 * conversations), the runtime being nearly full, they lengthened it (p50 5–65 ms, one run
 * in three at the baseline's 5). Above this the Site's time is better spent on the
 * messages, and operators' lists follow the summaries' gap. This also leaves room for the
 * measure's jitter: at 600, bursts at 430 a second read as more and stopped previews for a
 * summary's gap now and then. People chatting send far fewer: 100 visitors typing a line
 * every 10 s are 10 a second.
 */
export const PREVIEWS_UP_TO_MESSAGES_PER_S = 800;
/**
 * More conversations than this starting within CROWD_WITHIN_MS (200 a second and more) are
 * taken as a rush too, before their messages show it: a new conversation's rate shows only
 * in its second summary, a gap later, and what they send meanwhile reaches the Site late, the
 * runtime being busy with them. Measured with the bench's start (every conversation's first
 * message at once, then one every 50–150 ms; 2 cores, state in memory): at 100 conversations
 * the previews let in before the measure saw ~850 messages a second took over a second to
 * stop and held the message path's p50 at 25–590 ms (ten runs); with none, 6–51 ms (five
 * runs; echo + one insert 4–8). 50 starting together still get previews (their lists 6–19 ms
 * behind, p50), and so do conversations starting at 100 a second (the bench's fan-out).
 */
export const CROWD_OF_NEW_CONVERSATIONS = 50;
export const CROWD_WITHIN_MS = 250;
/** What arrives for operators' lists within this of the last fan-out goes out together. */
export const PREVIEW_GATHER_MS = 2;
/**
 * A site found over PREVIEWS_UP_TO_MESSAGES_PER_S asks for previews again only once it has
 * stayed under it this long: summaries fold seconds of messages and come in waves, so a
 * busy site reads as calm between two waves, and previews let back in then cost the
 * message path before the next wave stops them.
 */
export const PREVIEWS_RESUME_AFTER_MS = 3_000;
/** What was shown but never stored (an older summary, a conversation gone) is forgotten after this. */
const SHOWN_KEPT_MS = 60_000;

/**
 * The Site's intake of summaries. Every conversation of a site reports here, so under load
 * a summary apiece would keep the one Site object busy with a write and a fan-out per
 * message. Summaries that arrive within INBOX_BATCH_MS are stored in one transaction (the
 * newest `rev` of each conversation wins) and then handed to the search index, routing,
 * reports and notices; each caller's promise settles once its summary is stored, with the
 * gap the conversation should leave before its next one: the more conversations are active,
 * the longer the gap, so that together they stay within SUMMARY_BUDGET_PER_S.
 *
 * Operators' lists do not wait for the batch: a summary is sent to their sockets as it
 * arrives, and so are the previews a conversation sends between its summaries while the
 * Site asks for them (see SiteReport; the answer to each summary and RPC preview says, and
 * a preview socket is closed when they are no longer wanted): while
 * someone has the admin open and the site takes at most PREVIEWS_UP_TO_MESSAGES_PER_S
 * messages a second, as InboxTraffic tells. They go at once, or gathered within
 * PREVIEW_GATHER_MS when they come thick. What was shown is kept until a summary at least as
 * new is stored, so that an operator who opens the admin in between is greeted with it, and
 * so that nothing is sent twice.
 */
export class InboxFeed {
  private readonly queued = new Map<string, InboxEntry>();
  private batch: Promise<void> | null = null;
  private readonly traffic = new InboxTraffic();
  /** When the site was last found taking more messages than previews are for. */
  private busyAt = Number.NEGATIVE_INFINITY;
  /** When `shown` was last rid of what was never stored (a scan of all of it: not per summary). */
  private shownPrunedAt = 0;
  /** What operators were shown of each conversation and is not stored yet, with when. */
  private readonly shown = new Map<string, Omit<Preview, "lastSeq"> & { at: number }>();
  /** Frames gathered for the next fan-out, by conversation. */
  private readonly due = new Map<string, string>();
  private dueTimer: ReturnType<typeof setTimeout> | undefined;
  private lastSentAt = 0;

  constructor(private readonly host: SiteHost) {}

  /** Takes a Conversation's summary; resolves once stored with the gap to leave before the next. */
  async received(entry: InboxEntry): Promise<{ nextInMs: number; previews: boolean }> {
    const known = this.queued.get(entry.id);
    if (!known || entry.rev > known.rev) this.queued.set(entry.id, entry);
    this.traffic.summary(entry.id, entry.lastSeq);
    if (operatorsOnline(this.host) > 0) this.show(entry.id, entry.rev, () => conversationFrame(entry));
    this.batch ??= new Promise<void>((resolve) => setTimeout(resolve, INBOX_BATCH_MS)).then(() => {
      this.batch = null;
      this.store();
    });
    await this.batch;
    const nextInMs = this.gap();
    return { nextInMs, previews: this.wantsPreviews() };
  }

  /**
   * Conversations erased: their rows are gone from the table, and what was shown or queued of
   * them goes too. Otherwise one begun again under the same id, whose `rev` starts again,
   * would read as older than what operators were shown, and stay out of their lists.
   */
  erased(ids: string[]): void {
    for (const id of ids) {
      this.shown.delete(id);
      this.queued.delete(id);
      this.due.delete(id);
    }
    toOperators(this.host, { type: "erased", conversationIds: ids });
  }

  /** Takes a Conversation's preview: shown to operators, not stored; answers whether to send more. */
  preview(preview: Preview): boolean {
    this.traffic.preview(preview.id, preview.lastSeq);
    this.show(preview.id, preview.rev, () => preview.frame);
    return this.wantsPreviews();
  }

  /** A preview over a busy Conversation's socket (see acceptPreviewSocket): closed when no more are wanted. */
  previewOverSocket(ws: WebSocket, message: string | ArrayBuffer): void {
    const preview = decodePreview(message);
    if (!preview) {
      console.warn("inbox: a preview socket sent something else; closed");
      ws.close(1007, "not a preview");
    } else if (!this.preview(preview)) ws.close(PREVIEWS_NOT_WANTED, "no previews for now");
  }

  /**
   * Previews are wanted while someone has the admin open and the site can afford them (and
   * has for PREVIEWS_RESUME_AFTER_MS): it takes at most PREVIEWS_UP_TO_MESSAGES_PER_S, and
   * no crowd of conversations is starting (see CROWD_OF_NEW_CONVERSATIONS).
   */
  private wantsPreviews(now = Date.now()): boolean {
    const busy =
      this.traffic.messagesPerSecond(now) > PREVIEWS_UP_TO_MESSAGES_PER_S ||
      this.traffic.crowdStarting(CROWD_OF_NEW_CONVERSATIONS, CROWD_WITHIN_MS, now);
    if (busy) this.busyAt = now;
    return now - this.busyAt >= PREVIEWS_RESUME_AFTER_MS && operatorsOnline(this.host) > 0;
  }

  /**
   * The first frames of a new admin socket: the inbox (the stored entries, with newer ones
   * shown to operators already online over them), and presence for everyone.
   */
  greet(ws: WebSocket): void {
    const conversations = listInbox(this.host.sql, { limit: 200 }).map((stored) => {
      const shown = this.shown.get(stored.id);
      if (!shown || shown.rev <= stored.rev) return stored;
      return (JSON.parse(shown.frame) as { conversation: InboxEntry }).conversation;
    });
    ws.send(JSON.stringify({ type: "inbox", conversations }));
    announcePresence(this.host);
  }

  /**
   * Sends a conversation's newest state to operators' lists, unless they have it or a newer
   * one (a summary after its preview, mostly): then its frame is not even serialized.
   */
  private show(id: string, rev: number, frameOf: () => string): void {
    const shown = this.shown.get(id);
    if (shown && shown.rev >= rev) return;
    const frame = frameOf();
    this.shown.set(id, { id, rev, frame, at: Date.now() });
    this.due.set(id, frame);
    if (this.dueTimer) return;
    const wait = this.lastSentAt + PREVIEW_GATHER_MS - Date.now();
    if (wait <= 0) return this.sendDue();
    this.dueTimer = setTimeout(() => this.sendDue(), wait);
  }

  private sendDue(): void {
    this.dueTimer = undefined;
    this.lastSentAt = Date.now();
    for (const frame of this.due.values()) toOperatorsAsIs(this.host, frame);
    this.due.clear();
  }

  /** The gap between summaries that keeps the active conversations within the budget. */
  private gap(now = Date.now()): number {
    if (now - this.shownPrunedAt >= 1000) {
      this.shownPrunedAt = now;
      for (const [id, shown] of this.shown) if (now - shown.at > SHOWN_KEPT_MS) this.shown.delete(id);
    }
    const spread = Math.round((this.traffic.active(now) / SUMMARY_BUDGET_PER_S) * 1000);
    return Math.min(MAX_SUMMARY_GAP_MS, Math.max(MIN_SUMMARY_GAP_MS, spread));
  }

  private store(): void {
    const entries = [...this.queued.values()];
    this.queued.clear();
    const { sql } = this.host;
    const nobodyOnline = operatorsOnline(this.host) === 0;
    const stored = this.host.ctx.storage.transactionSync(() =>
      entries.flatMap((entry) => {
        // Only the notice of a new chat asks whether it is new, and only when nobody is online.
        const newWithNobodyOnline = nobodyOnline && !isListed(sql, entry.id);
        return storeEntry(sql, entry) ? [{ entry, newWithNobodyOnline }] : [];
      }),
    );
    recordSummaries(
      this.host,
      stored.map((s) => s.entry),
    );
    const routing = readRouting(sql);
    for (const { entry, newWithNobodyOnline } of stored) {
      if (!this.shownAlready(entry)) toOperatorsAsIs(this.host, conversationFrame(entry));
      afterInboxChange(this.host, entry, routing);
      if (newWithNobodyOnline && entry.lastMessage?.author === "visitor") {
        defer(this.host, "operator notice", notifyOperatorsOfNewChat(this.host, entry));
      }
    }
    notifyAway(
      this.host,
      stored.map((s) => s.entry),
    );
  }

  /**
   * True when operators were shown this summary (or a newer one) as it arrived; forgets what
   * was shown once it is stored. False for one that came while nobody had the admin open.
   */
  private shownAlready(entry: InboxEntry): boolean {
    const shown = this.shown.get(entry.id);
    if (!shown) return false;
    if (shown.rev <= entry.rev) this.shown.delete(entry.id);
    return shown.rev >= entry.rev;
  }
}

const PREVIEW_TAG = "preview";

/**
 * Accepts the socket a busy Conversation opens for its previews (conversation/preview-link.ts):
 * a message on it costs the Site a fraction of an RPC. Hibernatable, so the Site can still
 * be evicted while conversations hold them.
 */
export function acceptPreviewSocket(host: Pick<SiteHost, "ctx">): Response {
  const { 0: client, 1: server } = new WebSocketPair();
  host.ctx.acceptWebSocket(server, [PREVIEW_TAG]);
  return new Response(null, { status: 101, webSocket: client });
}

/** True for a Conversation's preview socket, false for an operator's. */
export function isPreviewSocket(host: Pick<SiteHost, "ctx">, ws: WebSocket): boolean {
  return host.ctx.getTags(ws).includes(PREVIEW_TAG);
}

/** Inbox entries, newest activity first. */
export function listInbox(
  sql: SqlStorage,
  filter: { status?: "open" | "resolved"; limit?: number } = {},
): InboxEntry[] {
  const limit = Math.min(filter.limit ?? 100, 500);
  const rows = filter.status
    ? sql.exec<{ entry: string }>(
        "SELECT entry FROM inbox WHERE status = ? ORDER BY updated_at DESC LIMIT ?",
        filter.status,
        limit,
      )
    : sql.exec<{ entry: string }>("SELECT entry FROM inbox ORDER BY updated_at DESC LIMIT ?", limit);
  return rows.toArray().map((r) => JSON.parse(r.entry) as InboxEntry);
}

/**
 * Lists a summary, or updates the listed one when it is newer (a summary that arrives late
 * never overwrites a newer one), and indexes its text for search. False when it was older.
 */
export function storeEntry(sql: SqlStorage, entry: InboxEntry): boolean {
  const { rowsWritten } = sql.exec(
    `INSERT INTO inbox (id, visitor_id, status, updated_at, rev, entry) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at,
       rev = excluded.rev, entry = excluded.entry WHERE excluded.rev > inbox.rev`,
    entry.id,
    entry.visitorId,
    entry.status,
    entry.updatedAt,
    entry.rev,
    JSON.stringify(listed(entry)),
  );
  if (rowsWritten === 0) return false;
  indexEntry(sql, entry);
  return true;
}

/** True when the conversation is listed in this site's inbox. */
export function isListed(sql: SqlStorage, id: string): boolean {
  return sql.exec("SELECT 1 FROM inbox WHERE id = ?", id).toArray().length > 0;
}

/** Conversations a visitor had on this site. */
export function conversationsOf(sql: SqlStorage, visitorId: string): number {
  return sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM inbox WHERE visitor_id = ?", visitorId).one().n;
}
