/** Helpers for the admin app's Worker tests: calls with session and Origin, captured email, extra operators. */
import { SELF, env } from "cloudflare:test";
import { expect } from "vitest";
import { hmacSha256, toHex } from "../../worker/lib/crypto";
import { BASE, startSession, type Grant } from "./helpers";

export interface SentMail {
  to: string;
  toName?: string;
  subject: string;
  text: string;
  html?: string;
  kind: string;
}

/** A request to the admin API with a session cookie, from the admin app's own origin. */
export function call(
  method: string,
  path: string,
  cookie: string | null,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return SELF.fetch(`${BASE}/api/v1/admin${path}`, {
    method,
    headers: {
      ...(cookie ? { Cookie: cookie } : {}),
      ...(method === "GET" ? {} : { Origin: BASE }),
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** Calls and checks the status; returns the JSON body. */
export async function expectJson(res: Promise<Response> | Response, status: number): Promise<any> {
  const r = await res;
  const text = await r.text();
  expect(r.status, text).toBe(status);
  return text ? JSON.parse(text) : null;
}

/**
 * Watches the site's real outbox (the local email provider) from now on, so tests read
 * invite and reset links as a person would in the admin. `sent()` lists what arrived since,
 * oldest first.
 */
export async function captureMail(siteKey: string): Promise<{ sent(): Promise<SentMail[]> }> {
  const site = env.SITE.get(env.SITE.idFromName(siteKey));
  const before = new Set((await site.outbox(500)).map((m) => m.id));
  return {
    async sent() {
      // Each email as its recipient reads it (links unredacted), as in their own mailbox.
      const fresh = (await site.outbox(500)).filter((m) => !before.has(m.id));
      const full = new Map<string, (typeof fresh)[number]>();
      for (const to of new Set(fresh.map((m) => m.to))) {
        for (const m of await site.outbox(500, to)) if (m.to === to) full.set(m.id, m);
      }
      return fresh
        .map((m) => full.get(m.id) ?? m)
        .reverse()
        .map((m) => ({
          to: m.to,
          subject: m.subject,
          text: m.message.text,
          kind: m.kind,
          ...(m.message.to.name ? { toName: m.message.to.name } : {}),
          ...(m.message.html ? { html: m.message.html } : {}),
        }));
    },
  };
}

/** The first http(s) link of an email's text. */
export function linkIn(mail: SentMail): URL {
  const m = mail.text.match(/https?:\/\/\S+/);
  expect(m, mail.text).toBeTruthy();
  return new URL(m![0]);
}

let counter = 0;

/** Invites someone as the given role, accepts the invite, and returns their session. */
export async function addOperator(
  siteKey: string,
  ownerCookie: string,
  role: "admin" | "operator",
  name = `${role} ${++counter}`,
) {
  const mail = await captureMail(siteKey);
  const email = `${role}${++counter}@shop.example`;
  const { invite } = await expectJson(call("POST", "/team/invites", ownerCookie, { email, role }), 201);
  const link = linkIn((await mail.sent()).at(-1)!);
  const password = "a long password 123";
  const res = await call("POST", "/invites/accept", null, {
    siteKey,
    token: link.searchParams.get("token"),
    name,
    password,
  });
  const body = await expectJson(res, 200);
  const cookie = res.headers.get("Set-Cookie")!.split(";")[0]!;
  return { cookie, id: body.operator.id as string, email, password, inviteId: invite.id as string };
}

/** The emails `to` received from a site, newest first, as in their own mailbox (links not redacted). */
export async function mailboxOf(siteKey: string, to: string) {
  const site = env.SITE.get(env.SITE.idFromName(siteKey));
  return (await site.outbox(500, to)).filter((m) => m.to === to);
}

/** A push subscription's keys as a browser gives them: a P-256 public key and 16 random bytes, base64url. */
export async function deviceKeys() {
  const pair = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, [
    "deriveBits",
  ])) as CryptoKeyPair;
  const raw = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
  const b64 = (b: Uint8Array) =>
    btoa(String.fromCharCode(...b))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
  return { p256dh: b64(raw), auth: b64(crypto.getRandomValues(new Uint8Array(16))) };
}

/**
 * A shop customer the shop's identity names, on a page, to whom an operator writes first from
 * Online now ("Can I help you choose a lamp?"), and who never wrote: their session's grant.
 */
export async function customerGreetedFirst(
  site: string,
  cookie: string,
  identitySecret: string,
  userId: string,
  address: string,
): Promise<Grant> {
  const hash = toHex(await hmacSha256(identitySecret, `${userId}\n${address}`));
  const url = "https://shop.example/lamps";
  const grant = await startSession(site, {
    identity: { userId, email: address, name: "Ann", hash },
    visit: { landing: url, pages: [{ url, title: "Lamps", at: Date.now() }] },
  });
  const started = await SELF.fetch(`${BASE}/api/v1/admin/online/${grant.visitorId}/message`, {
    method: "POST",
    headers: { Cookie: cookie, Origin: BASE, "Content-Type": "application/json" },
    body: JSON.stringify({ text: "Hello! Can I help you choose a lamp?" }),
  });
  expect(started.status).toBe(200);
  return grant;
}
