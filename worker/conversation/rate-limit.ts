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
    let recent = this.hits.get(sender);
    if (!recent) this.hits.set(sender, (recent = []));
    // Oldest first: drop what left the window, in place (a frame per message is no time for copies).
    while (recent.length > 0 && now - recent[0]! >= RATE_LIMIT.windowMs) recent.shift();
    if (recent.length >= RATE_LIMIT.messages) return RATE_LIMIT.windowMs - (now - recent[0]!);
    recent.push(now);
    return 0;
  }
}
