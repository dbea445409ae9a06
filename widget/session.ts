/**
 * The visitor's session with the server: `POST /api/v1/sites/:site/sessions` to start, resume
 * or refresh it. Kept in localStorage so every tab and page of the site shares one visitor,
 * one token and one conversation.
 */
import type { Identity, SessionBody, Trail } from "../worker/protocol";
import type { WidgetConfig } from "../worker/protocol";
import { cachedLook } from "./look";
import type { SiteStorage } from "./storage";

export type { WidgetConfig };

/** The server's answer, plus when we got it and whose identity it carries. */
export interface Session {
  visitorToken: string;
  visitorId: string;
  conversationId: string;
  config: WidgetConfig;
  /** Epoch ms of the answer. */
  at: number;
  /** The userId of the identity last sent with this session (accepted or not): not sent again. */
  uid?: string;
}

/** What the host page may pass as identity (`edgechatSettings.identity`, `edgechat.identify`). */
export interface HostIdentity {
  id: string | number;
  email?: string;
  name?: string;
  hash: string;
}

/** A refusal from the sessions endpoint: the HTTP status and the server's error code. */
export type SessionError = Error & { status: number; code: string };

/** Tokens last a day; refresh well before, so a long-open tab never meets a refused socket. */
export const TOKEN_FRESH_MS = 12 * 3600_000;
/** Cached look and greeting are used without asking the server for this long. */
export const CONFIG_FRESH_MS = 15 * 60_000;

/** The visitor's IANA time zone, read in a task of its own. */
function timeZone(): Promise<string> {
  return new Promise((resolve) => setTimeout(() => resolve(Intl.DateTimeFormat().resolvedOptions().timeZone)));
}

/** The host page's identity in the server's shape (`id` → `userId`), or undefined if unusable. */
export function toIdentity(id: HostIdentity | undefined | null): Identity | undefined {
  if (!id || id.id == null || id.id === "" || typeof id.hash !== "string") return undefined;
  // Empty fields become undefined, which JSON leaves out.
  return { userId: String(id.id), hash: id.hash, email: id.email || undefined, name: id.name || undefined };
}

/** True when the session was granted less than `ms` ago. */
export function isFresh(s: Session | null, ms: number): s is Session {
  return !!s && Date.now() - s.at < ms;
}

/** One POST to the sessions endpoint. Throws a SessionError on a refusal, a TypeError when offline. */
export async function requestSession(server: string, site: string, body: SessionBody): Promise<Session> {
  const res = await fetch(`${server}/api/v1/sites/${encodeURIComponent(site)}/sessions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    credentials: "omit",
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) {
    const error = json?.error ?? {};
    throw Object.assign(new Error(error.message ?? res.statusText), {
      status: res.status,
      code: error.code,
    }) as SessionError;
  }
  return { ...json, at: Date.now() } as Session;
}

/**
 * Starts, resumes or refreshes the session and stores it. An expired or foreign token starts
 * a new visitor; a wrong identity hash is reported once and dropped, so the chat still works.
 */
export async function openSession(
  server: string,
  store: SiteStorage,
  body: { identity?: Identity; trail?: Trail; locale: string; timezone?: string },
): Promise<Session> {
  const old = store.get<Session>("session");
  const send = async (b: SessionBody): Promise<Session> => {
    try {
      return await requestSession(server, store.site, b);
    } catch (e) {
      const err = e as SessionError;
      if (!err.status) throw err;
      if (b.visitorToken && (err.code === "invalid_token" || err.code === "token_expired")) {
        return send({ ...b, visitorToken: undefined });
      }
      if (b.identity && err.code === "bad_identity") {
        console.warn("edgechat:", err.message); // the server's message says what is wrong with the identity
        return send({ ...b, identity: undefined });
      }
      throw err;
    }
  };
  const session = await send({ ...body, visitorToken: old?.visitorToken });
  session.uid = body.identity?.userId ?? (old?.visitorId === session.visitorId ? old.uid : undefined);
  store.set("session", session);
  // The shop's server reads this first-party cookie (the WordPress plugin signs orders with it).
  // biome-ignore lint/suspicious/noDocumentCookie: one write, no need for the async Cookie Store API
  document.cookie = `edgechat_vid=${encodeURIComponent(session.visitorId)}; path=/; max-age=31536000; SameSite=Lax`;
  return session;
}

/**
 * Keeps this page's session: one request at a time, the identity sent once per user, the
 * trail sent when asked for, and the newest answer shared with the other tabs via storage.
 */
export class SessionKeeper {
  session: Session | null;
  /** True when the site refused this page (origin not allowed, unknown site). */
  unavailable = false;
  identity?: Identity;
  /** The visitor's trail (see trail.ts). */
  trail: Trail = {};
  /** Send the trail with the next request (a conversation starts, or the visitor is identified). */
  wantsTrail = false;
  #queue: Promise<unknown> = Promise.resolve();

  #server: string;
  #store: SiteStorage;
  #locale: () => string;
  #changed: (now: Session, before: Session | null) => void;

  /** `changed` is called with each new session and the one it replaces. */
  constructor(
    server: string,
    store: SiteStorage,
    locale: () => string,
    changed: (now: Session, before: Session | null) => void,
  ) {
    this.#server = server;
    this.#store = store;
    this.#locale = locale;
    this.#changed = changed;
    this.session = store.get<Session>("session");
    this.identity = toIdentity(window.edgechatSettings?.identity);
  }

  /** The identity when the server has not seen it yet for this session. */
  identityToSend(): Identity | undefined {
    return this.identity && this.identity.userId !== this.session?.uid ? this.identity : undefined;
  }

  /** True when the trail has not reached the server for this conversation. */
  trailPending(): boolean {
    return this.#store.get("trailSent") !== this.session?.conversationId;
  }

  /** One sessions request at a time; the newest answer wins. */
  refresh(): Promise<Session> {
    const run = this.#queue.catch(() => {}).then(() => this.#request());
    this.#queue = run;
    return run;
  }

  /** A session another tab stored. */
  adopt(session: Session): void {
    const before = this.session;
    this.session = session;
    this.unavailable = false;
    this.#store.set("look", cachedLook(session.config.look));
    this.#changed(session, before);
  }

  async #request(): Promise<Session> {
    const withTrail = this.wantsTrail;
    const identity = this.identityToSend();
    const trail = withTrail ? this.trail : undefined;
    let session: Session;
    try {
      session = await openSession(this.#server, this.#store, {
        identity,
        trail,
        locale: this.#locale(),
        // The server keeps the zone only with a trail or an identity, and reading it costs a
        // long task the first time (the browser loads its time zone data): only then, apart.
        timezone: identity || trail ? await timeZone() : undefined,
      });
    } catch (err) {
      const status = (err as SessionError).status;
      if (status === 403 || status === 404) {
        this.unavailable = true;
        console.warn("edgechat:", (err as Error).message);
      }
      throw err;
    }
    if (withTrail) {
      this.wantsTrail = false;
      this.#store.set("trailSent", session.conversationId);
    }
    this.adopt(session);
    return session;
  }
}
