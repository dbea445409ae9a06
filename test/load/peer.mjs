/**
 * A WebSocket client for load, reliability and fuzz runs (Node 22's global WebSocket):
 * frames are JSON, parsed once and handed to listeners; `keep` also queues them for `next()`.
 */

/** One socket to the Worker. */
export class Peer {
  /** @param {WebSocket} ws */
  constructor(ws, { keep = true } = {}) {
    this.ws = ws;
    this.keep = keep;
    /** Frames not yet taken by next(), oldest first (only with `keep`). */
    this.frames = [];
    this.listeners = new Set();
    /** Wakes next() on a new frame or the close. */
    this.waiters = new Set();
    /** Called once when the socket closes. */
    this.closeWaiters = new Set();
    this.closeCode = null;
    this.closed = new Promise((resolve) => {
      ws.addEventListener("close", (e) => {
        this.closeCode = e.code;
        for (const w of this.waiters) w();
        for (const w of this.closeWaiters) w();
        resolve(e.code);
      });
    });
    ws.addEventListener("message", (e) => {
      const at = performance.now();
      let frame;
      try {
        frame = JSON.parse(typeof e.data === "string" ? e.data : Buffer.from(e.data).toString("utf8"));
      } catch {
        frame = { type: "__unparsable__", raw: String(e.data).slice(0, 200) };
      }
      for (const fn of this.listeners) fn(frame, at);
      if (this.keep) {
        this.frames.push(frame);
        for (const w of this.waiters) w();
      }
    });
  }

  /** Opens a socket; rejects when the upgrade is refused or takes longer than `timeoutMs`. */
  static open(url, { headers, keep = true, timeoutMs = 20_000 } = {}) {
    const ws = new WebSocket(url, headers ? /** @type {any} */ ({ headers }) : undefined);
    const peer = new Peer(ws, { keep });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        try {
          ws.close();
        } catch {
          /* not open */
        }
        reject(new Error(`opening ${url.split("?")[0]} took over ${timeoutMs} ms`));
      }, timeoutMs);
      ws.addEventListener("open", () => {
        clearTimeout(timer);
        resolve(peer);
      });
      ws.addEventListener("error", () => {
        clearTimeout(timer);
        reject(new Error(`cannot open ${url.split("?")[0]}`));
      });
    });
  }

  get open() {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Calls `fn(frame, receivedAt)` for every frame; returns the function that stops it. */
  onFrame(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Sends a frame as JSON; false when the socket is not open. */
  send(frame) {
    return this.sendRaw(JSON.stringify(frame));
  }

  /** Sends text or bytes as they are; false when the socket is not open. */
  sendRaw(data) {
    if (!this.open) return false;
    this.ws.send(data);
    return true;
  }

  /** Takes the first kept frame of `type` that matches `where`, waiting up to `ms`. */
  async next(type, where = () => true, ms = 15_000) {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.frames.findIndex((f) => f.type === type && where(f));
      if (i >= 0) return this.frames.splice(i, 1)[0];
      if (this.closeCode !== null) throw new Error(`socket closed (${this.closeCode}) before a ${type} frame`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no ${type} frame within ${ms} ms; have ${JSON.stringify(this.frames.slice(-5)).slice(0, 500)}`,
        );
      await new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve(undefined);
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }

  /**
   * Resolves with the first frame from now on for which `match(frame)` is true (kept or
   * not); rejects after `ms` or when the socket closes.
   */
  waitFor(match, ms = 15_000, what = "frame") {
    return new Promise((resolve, reject) => {
      const done = (fn, value) => {
        clearTimeout(timer);
        stop();
        this.closeWaiters.delete(onClose);
        fn(value);
      };
      const stop = this.onFrame((frame) => {
        if (match(frame)) done(resolve, frame);
      });
      const onClose = () => done(reject, new Error(`socket closed (${this.closeCode}) while waiting for ${what}`));
      const timer = setTimeout(() => done(reject, new Error(`no ${what} within ${ms} ms`)), ms);
      if (this.closeCode !== null) return onClose();
      this.closeWaiters.add(onClose);
    });
  }

  /** Sends `hello {lastSeq}` and resolves with the `welcome`. */
  hello(lastSeq = 0, ms = 15_000) {
    const welcome = this.waitFor((f) => f.type === "welcome", ms, "welcome");
    this.send({ type: "hello", lastSeq });
    return welcome;
  }

  /** Closes the socket (a client going away); resolves when it is closed. */
  close(code = 1000) {
    try {
      this.ws.close(code);
    } catch {
      // already closing
    }
    return this.closed;
  }
}

/** Runs `fn` over `items` with at most `concurrency` at once; results in order. */
export async function pool(items, concurrency, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
