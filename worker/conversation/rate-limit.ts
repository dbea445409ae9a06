/**
 * Sliding-window limit of `message` frames per sender (the visitor, or one operator), across
 * all of their sockets and reconnects: a visitor with ten tabs gets the same budget as with
 * one. Kept in memory: a window is ten seconds, and an object evicted for longer than that
 * has nothing worth remembering.
 */
import { RATE_LIMIT } from "../protocol";

export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  /** Records a hit of `sender`; returns the ms to wait when over the limit, or 0. */
  hit(sender: string, now: number): number {
    const recent = (this.hits.get(sender) ?? []).filter((t) => now - t < RATE_LIMIT.windowMs);
    if (recent.length >= RATE_LIMIT.messages) {
      this.hits.set(sender, recent);
      return RATE_LIMIT.windowMs - (now - recent[0]!);
    }
    recent.push(now);
    this.hits.set(sender, recent);
    return 0;
  }
}
