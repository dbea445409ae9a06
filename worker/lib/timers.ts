/**
 * Many timers, one alarm. Jobs are rows of a `timers` table (kind, key, due, payload);
 * the object's single alarm is armed for the earliest row. Alarms are at-least-once, so
 * every handler must be idempotent: a handler that runs twice for one row does no harm.
 * No row, no alarm: an idle object with nothing due sleeps.
 */
/** The table every object with timers creates in its first migration. */
export const TIMERS_TABLE = `CREATE TABLE timers (
     kind TEXT NOT NULL,
     key TEXT NOT NULL DEFAULT '',
     due INTEGER NOT NULL,
     payload TEXT,
     attempts INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (kind, key)
   );`;

export interface TimerRow {
  kind: string;
  key: string;
  due: number;
  payload: unknown;
  attempts: number;
}

export type TimerHandler = (payload: any, timer: TimerRow) => Promise<void> | void;

/** A failing job is tried again after 10 s, 20 s, 40 s … and dropped after this many tries. */
export const MAX_TIMER_ATTEMPTS = 8;

/** One name for a timer's kind and key. */
const idOf = (kind: string, key: string) => `${kind}\n${key}`;

export class Timers {
  /** Alarm time we last set; undefined until read back after a wake. */
  private armed: number | null | undefined;
  /**
   * Timers whose handler is running, and whether one was set again meanwhile. A running
   * handler has read its work already and its row is deleted when it ends, so to anyone
   * asking meanwhile (an answer posted while the follow-up email is on its way) the timer
   * is not set: they set it again, and that row is kept.
   */
  private readonly running = new Map<string, { setAgain: boolean }>();

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly handlers: Record<string, TimerHandler>,
  ) {}

  /** Sets (or moves) timer `kind`/`key` to fire at `due` (epoch ms). */
  async set(kind: string, due: number, payload: unknown = null, key = ""): Promise<void> {
    this.storage.sql.exec(
      `INSERT INTO timers (kind, key, due, payload, attempts) VALUES (?, ?, ?, ?, 0)
       ON CONFLICT (kind, key) DO UPDATE SET due = excluded.due, payload = excluded.payload, attempts = 0`,
      kind,
      key,
      due,
      JSON.stringify(payload),
    );
    const run = this.running.get(idOf(kind, key));
    if (run) run.setAgain = true;
    await this.arm();
  }

  /** Removes a timer if it is set. */
  async cancel(kind: string, key = ""): Promise<void> {
    const { rowsWritten } = this.storage.sql.exec("DELETE FROM timers WHERE kind = ? AND key = ?", kind, key);
    if (rowsWritten > 0) await this.arm();
  }

  /** The timer `kind`/`key`, or null (also while its handler runs and it was not set again). */
  get(kind: string, key = ""): TimerRow | null {
    if (this.running.has(idOf(kind, key))) return null;
    const row = this.storage.sql
      .exec<{ kind: string; key: string; due: number; payload: string; attempts: number }>(
        "SELECT * FROM timers WHERE kind = ? AND key = ?",
        kind,
        key,
      )
      .toArray()[0];
    return row ? { ...row, payload: JSON.parse(row.payload ?? "null") } : null;
  }

  /** Every pending timer, earliest first. */
  list(): TimerRow[] {
    return this.storage.sql
      .exec<{ kind: string; key: string; due: number; payload: string; attempts: number }>(
        "SELECT * FROM timers ORDER BY due",
      )
      .toArray()
      .map((row) => ({ ...row, payload: JSON.parse(row.payload ?? "null") }));
  }

  /** Runs every job due at `now`, then re-arms the alarm for the next one. Call from alarm(). */
  async run(now = Date.now()): Promise<void> {
    this.armed = undefined;
    const due = this.list().filter((t) => t.due <= now);
    for (const timer of due) await this.runOne(timer, now);
    await this.arm();
  }

  private async runOne(timer: TimerRow, now: number): Promise<void> {
    const handler = this.handlers[timer.kind];
    const id = idOf(timer.kind, timer.key);
    const run = { setAgain: false };
    this.running.set(id, run);
    try {
      if (handler) await handler(timer.payload, timer);
      else console.warn(`timers: no handler for kind ${timer.kind}; dropped`);
      // The handler, or someone while it ran, may have set the same timer again; keep that one.
      if (!run.setAgain)
        this.storage.sql.exec(
          "DELETE FROM timers WHERE kind = ? AND key = ? AND due = ?",
          timer.kind,
          timer.key,
          timer.due,
        );
    } catch (err) {
      const attempts = timer.attempts + 1;
      console.error(`timers: ${timer.kind}/${timer.key} failed (try ${attempts}):`, err);
      if (attempts >= MAX_TIMER_ATTEMPTS) {
        this.storage.sql.exec("DELETE FROM timers WHERE kind = ? AND key = ?", timer.kind, timer.key);
        return;
      }
      this.storage.sql.exec(
        "UPDATE timers SET due = ?, attempts = ? WHERE kind = ? AND key = ?",
        now + 10_000 * 2 ** (attempts - 1),
        attempts,
        timer.kind,
        timer.key,
      );
    } finally {
      this.running.delete(id);
    }
  }

  /** Points the alarm at the earliest timer, or clears it when none is left. */
  async arm(): Promise<void> {
    const next = this.storage.sql.exec<{ due: number | null }>("SELECT MIN(due) AS due FROM timers").one().due;
    if (this.armed === undefined) this.armed = await this.storage.getAlarm();
    if (next === this.armed) return;
    if (next === null) await this.storage.deleteAlarm();
    else await this.storage.setAlarm(next);
    this.armed = next;
  }
}
