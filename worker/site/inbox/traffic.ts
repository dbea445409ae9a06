/**
 * A site's traffic as the Site can tell it from what reaches it, without reading anything:
 * which conversations are active (reported within ACTIVE_MS), and how many messages a
 * second they take together. Two measures, the larger wins:
 * - each conversation's own rate, from the seqs of its last two summaries: slow to learn (a
 *   summary gap), but it holds whether previews come or not;
 * - the messages arriving in the second under way (from a quarter second on) or in the one
 *   before, each counted once, when the first summary or preview that shows it arrives (a
 *   summary that folds twenty messages counts twenty): quick to see a rush from quiet, and
 *   true whether previews come or not.
 * And when it first heard of its newest conversations: a crowd starting at once may be a
 * rush that neither measure shows in time, since a new conversation's rate shows only a
 * summary's gap later, and the Site, busy with them, takes what they send late.
 */

/** A conversation that has not reported for this long is no longer active. */
export const ACTIVE_MS = 5_000;
/** How many newcomers' times are kept: more than the largest crowd asked about. */
const NEWCOMERS_KEPT = 100;
/** The shortest part of a second whose arrivals are taken as a rate. */
const SHORTEST_WINDOW_MS = 250;

export class InboxTraffic {
  /**
   * Active conversations: when their last summary came with which seq, their rate from it,
   * and the last seq counted as arrived (a preview's, when one showed it first).
   */
  private readonly conversations = new Map<string, { at: number; lastSeq: number; perS: number; counted: number }>();
  /** The sum of the active conversations' own rates. */
  private ratesPerS = 0;
  private windowAt = 0;
  /** Messages counted in the second under way. */
  private arrivals = 0;
  private lastWindowPerS = 0;
  /** When the Site first heard of its newest conversations, oldest first (at most NEWCOMERS_KEPT). */
  private readonly newcomerTimes: number[] = [];

  /** A conversation's summary arrived. */
  summary(id: string, lastSeq: number, now = Date.now()): void {
    const last = this.conversations.get(id);
    this.arrived(last ? lastSeq - last.counted : 1, now);
    if (!last) {
      this.newcomerTimes.push(now);
      if (this.newcomerTimes.length > NEWCOMERS_KEPT) this.newcomerTimes.shift();
    }
    const perS = last ? (Math.max(0, lastSeq - last.lastSeq) * 1000) / Math.max(now - last.at, 100) : 0;
    this.ratesPerS += perS - (last?.perS ?? 0);
    this.conversations.set(id, {
      at: now,
      lastSeq: Math.max(lastSeq, last?.lastSeq ?? 0),
      perS,
      counted: Math.max(lastSeq, last?.counted ?? 0),
    });
  }

  /** A conversation's preview arrived (one the Site has no summary of yet counts one message). */
  preview(id: string, lastSeq: number, now = Date.now()): void {
    const known = this.conversations.get(id);
    this.arrived(known ? lastSeq - known.counted : 1, now);
    if (known && lastSeq > known.counted) known.counted = lastSeq;
  }

  /**
   * True when more than `count` conversations new to the Site (or back after ACTIVE_MS without
   * a summary) came within `withinMs` of each other, the last of them within `withinMs` of now.
   */
  crowdStarting(count: number, withinMs: number, now = Date.now()): boolean {
    const times = this.newcomerTimes;
    if (count >= times.length) return false;
    const newest = times[times.length - 1]!;
    return now - newest <= withinMs && newest - times[times.length - 1 - count]! <= withinMs;
  }

  /** How many conversations are active. */
  active(now = Date.now()): number {
    this.roll(now);
    return this.conversations.size;
  }

  /** The site's messages a second. */
  messagesPerSecond(now = Date.now()): number {
    this.roll(now);
    const underWay = (this.arrivals * 1000) / Math.max(now - this.windowAt, SHORTEST_WINDOW_MS);
    return Math.max(this.ratesPerS, this.lastWindowPerS, underWay);
  }

  private arrived(messages: number, now: number): void {
    this.roll(now);
    // A preview from an object of an older version carries no seq: NaN counts nothing.
    this.arrivals += Math.max(0, messages) || 0;
  }

  /** Once a second: closes the window, and forgets the conversations that went quiet (a scan of all). */
  private roll(now: number): void {
    if (now - this.windowAt < 1000) return;
    this.lastWindowPerS = now - this.windowAt < 2000 ? (this.arrivals * 1000) / (now - this.windowAt) : 0;
    this.arrivals = 0;
    this.windowAt = now;
    for (const [id, c] of this.conversations) {
      if (now - c.at <= ACTIVE_MS) continue;
      this.ratesPerS -= c.perS;
      this.conversations.delete(id);
    }
    if (this.conversations.size === 0) this.ratesPerS = 0; // no drift from the sums
  }
}
