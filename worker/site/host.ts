/**
 * What the Site's capability modules may use of the Site object: its storage, its state
 * (sockets, waitUntil), the platform's env, its timers and mailer, and its key. Each module
 * owns its own tables and reaches the object only through this, the way a scheduler owns
 * its table behind a narrow host in Cloudflare's agents.
 */
import type { Env } from "../env";
import type { Timers } from "../lib/timers";
import type { Mailer } from "./mail/outbox";

export interface SiteHost {
  readonly sql: SqlStorage;
  readonly ctx: DurableObjectState;
  readonly env: Env;
  readonly timers: Timers;
  readonly mailer: Mailer;
  /** The site's key, or null before the site was created. */
  siteKey(): string | null;
  /**
   * Conversations were erased: operators' lists drop them, and the inbox's fan-out forgets
   * what it showed of them, so one begun again under the same id (its `rev` from 1) is listed.
   */
  conversationsErased(ids: string[]): void;
}

/** Runs work after the answer; a failure is logged with `what`, never thrown at a caller. */
export function defer(host: Pick<SiteHost, "ctx">, what: string, work: Promise<unknown>): void {
  host.ctx.waitUntil(work.catch((err) => console.error(`site: ${what} failed`, err)));
}
