/**
 * How a Conversation tells its Site what changed, without putting the Site on the message
 * path. The Site is one object per site and serves every conversation of it, so a summary
 * per message would queue every message of the site behind it. Instead: the first change
 * after a quiet spell is sent at once; changes while a summary is on its way, or within the
 * gap the Site asked for after the last one (longer the busier the site), are folded into
 * one summary built when it leaves (it carries the newest state, so nothing is lost by
 * skipping the ones in between). A failed send is retried by a timer, so an evicted object
 * still delivers it.
 *
 * So that operators' inbox lists do not trail by that gap, a change folded that way is also
 * sent at once as a preview while the Site asks for them (someone has the admin open and it
 * can afford them; its answer to each summary and preview says): the newest summary, which
 * the Site only passes on to operators' sockets, writing nothing. Nothing waits for it; the
 * summary that follows is the one stored, and when its `rev` is the one a preview already
 * showed, the Site does not send it to operators again.
 */
import type { Timers } from "../lib/timers";

export const SITE_SYNC_TIMER = "site-sync";
/** The gap between two summaries of one conversation until the Site names one. */
export const DEFAULT_GAP_MS = 100;
const RETRY_MS = 5_000;

/** The Site's answer to a summary: the gap to leave before the next, and whether it wants previews. */
export interface SummaryAnswer {
  nextInMs: number;
  previews: boolean;
}

export class SiteReport {
  private dirty = false;
  private sending = false;
  private waiting: ReturnType<typeof setTimeout> | undefined;
  private lastSentAt = 0;
  private gapMs = DEFAULT_GAP_MS;
  /** Unknown until the Site answers a summary of this object's lifetime. */
  private previews = false;
  /** A change since the last summary or preview left, which no preview has shown yet. */
  private unpreviewed = false;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly timers: Timers,
    /**
     * Builds the newest summary and sends it; answers the gap the Site asks for before the
     * next one, or null when there was nothing to list yet. Rejects when the Site did not take it.
     */
    private readonly send: () => Promise<SummaryAnswer | null>,
    /**
     * Sends the newest summary as a preview; answers whether the Site wants more (it stops
     * them within a second of a rush, before the next summary would), or nothing when there
     * was nothing to list yet or the preview went over the socket of a busy conversation
     * (see preview-link.ts: the Site refuses more by closing it, and `refused` is called).
     */
    private readonly preview: () => Promise<boolean> | undefined,
  ) {}

  /** The Site wants no previews until its answer to a summary says otherwise. */
  previewsRefused(): void {
    this.previews = false;
  }

  /** Something the inbox shows changed. */
  changed(): void {
    this.dirty = true;
    this.unpreviewed = true;
    if (this.sending || this.waiting) return this.previewIfWanted();
    this.sendOrWait();
  }

  /** Sends the folded changes now if the gap is over, else when it is (previewing them meanwhile). */
  private sendOrWait(): void {
    const wait = this.lastSentAt + this.gapMs - Date.now();
    if (wait <= 0) return this.flush();
    this.previewIfWanted();
    this.waiting = setTimeout(() => {
      this.waiting = undefined;
      this.flush();
    }, wait);
  }

  /** Previews the newest state, unless the Site wants none or it was previewed already. */
  private previewIfWanted(): void {
    if (!this.previews || !this.unpreviewed) return;
    this.unpreviewed = false;
    const sent = this.preview()?.then(
      (wanted) => {
        this.previews = wanted;
      },
      (err) => console.error("conversation: preview failed", err),
    );
    if (sent) this.ctx.waitUntil(sent);
  }

  private flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.unpreviewed = false;
    this.sending = true;
    const startedAt = Date.now();
    const sent = this.send()
      .then(
        (answer) => {
          if (!answer) return;
          this.lastSentAt = startedAt;
          this.gapMs = answer.nextInMs;
          this.previews = answer.previews;
        },
        async (err) => {
          console.error("conversation: site sync failed, retrying", err);
          await this.timers.set(SITE_SYNC_TIMER, Date.now() + RETRY_MS);
        },
      )
      .finally(() => {
        this.sending = false;
        if (this.dirty) this.sendOrWait();
      });
    this.ctx.waitUntil(sent);
  }
}
