/**
 * Signed addresses and tokens for email: the reply address that routes a visitor's email
 * back into its conversation, and the unsubscribe token of the List-Unsubscribe link.
 * Both are HMAC-SHA256 signatures, so nobody can post into a conversation or unsubscribe
 * someone else by guessing an id. Reply addresses carry the day they were issued and
 * expire REPLY_ADDRESS_LIFETIME_DAYS later: an address that leaked (a forwarded email, an
 * old mailbox) stops working on its own.
 */
import { hmacSha256, sameBytes } from "../lib/crypto";

/** Local-part prefix of reply addresses: `reply+CONVERSATION_ID.DAY.SIGNATURE@domain`. */
export const REPLY_PREFIX = "reply+";

/** A reply address works this many days after the follow-up that carried it was sent. */
export const REPLY_ADDRESS_LIFETIME_DAYS = 180;

/**
 * Addresses of the first form, `reply+CONVERSATION_ID.SIGNATURE@domain` (no issue day), were
 * handed out before addresses expired; they are accepted until this instant (2027-06-01 UTC,
 * a full lifetime after the change) and refused as expired after it.
 */
export const LEGACY_REPLY_CUTOVER = Date.UTC(2027, 5, 1);

const DAY_MS = 86_400_000;

/** Signatures are the first 16 bytes of the HMAC: 128 bits, 26 base32 characters. */
const SIG_BYTES = 16;
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
const encoder = new TextEncoder();

export type ReplyAddressResult =
  | {
      ok: true;
      conversationId: string /** Start of the UTC day it was issued; null for the first form. */;
      issuedAt: number | null;
    }
  | { ok: false; reason: "not_a_reply_address" | "bad_signature" | "expired" };

export type UnsubscribeTokenResult =
  | { ok: true; email: string; siteKey: string }
  | { ok: false; reason: "malformed" | "bad_signature" };

// Conversation ids are Durable Object ids (64 lowercase hex characters). Any lowercase
// letters and digits are accepted so that ids of other shapes still work, but not
// uppercase: mail systems may lowercase the local part, so the id must survive that.
const CONVERSATION_ID = /^[a-z0-9]{1,64}$/;
// The issue day is days since 1970-01-01 UTC in decimal (5 digits until the year 2243).
const REPLY_LOCAL = /^reply\+([a-z0-9]{1,64})\.(?:([0-9]{1,6})\.)?([a-z2-7]{26})$/;

/**
 * The Reply-To address of a follow-up email for one conversation.
 *
 * `issuedAt` (default now) is kept as its UTC day, signed with the id: the address expires
 * REPLY_ADDRESS_LIFETIME_DAYS after that day. The local part is 6 + 64 + 1 + 5 + 1 + 26 =
 * 103 characters, longer than the 64 of RFC 5321 §4.5.3.1.1; we keep the public contract
 * literally because Cloudflare Email Routing and the mail providers we target accept
 * longer local parts.
 *
 * @example await replyAddress(id, env.EMAIL_SECRET, "in.example.com")
 * // → "reply+3f2a…e9.20789.k2v7…q4@in.example.com"
 */
export async function replyAddress(
  conversationId: string,
  secret: string,
  domain: string,
  issuedAt: number = Date.now(),
): Promise<string> {
  const id = conversationId.toLowerCase();
  if (!CONVERSATION_ID.test(id)) {
    throw new Error("conversationId must be 1-64 letters and digits (a Durable Object id)");
  }
  if (!/^[a-z0-9.-]+$/i.test(domain)) throw new Error(`not a valid mail domain: ${domain}`);
  const day = Math.floor(issuedAt / DAY_MS);
  const sig = base32(await hmac(secret, `reply:${id}.${day}`));
  return `${REPLY_PREFIX}${id}.${day}.${sig}@${domain.toLowerCase()}`;
}

/**
 * Reads a reply address back: the conversation id when the signature is right and the
 * address has not expired at `now`. Accepts a bare address or `Name <address>`, in any
 * letter case. The domain is not checked here; the Worker's email route decides which
 * domains reach it. The signature is checked before the age, so "expired" is only ever
 * said of an address we really issued.
 */
export async function parseReplyAddress(
  address: string,
  secret: string,
  now: number = Date.now(),
): Promise<ReplyAddressResult> {
  const bare = address
    .trim()
    .replace(/^.*<([^<>]*)>.*$/s, "$1")
    .toLowerCase();
  const at = bare.lastIndexOf("@");
  const match = REPLY_LOCAL.exec(at > 0 ? bare.slice(0, at) : "");
  if (!match) return { ok: false, reason: "not_a_reply_address" };
  const [, conversationId, day, sig] = match;
  const signed = day === undefined ? `reply:${conversationId}` : `reply:${conversationId}.${day}`;
  const expected = base32(await hmac(secret, signed));
  if (!timingSafeEqual(sig, expected)) return { ok: false, reason: "bad_signature" };
  if (day === undefined) {
    return now < LEGACY_REPLY_CUTOVER ? { ok: true, conversationId, issuedAt: null } : { ok: false, reason: "expired" };
  }
  const issuedAt = Number(day) * DAY_MS;
  // Counted from the end of the issue day: an address works at least the full lifetime.
  if (now >= issuedAt + (REPLY_ADDRESS_LIFETIME_DAYS + 1) * DAY_MS) return { ok: false, reason: "expired" };
  return { ok: true, conversationId, issuedAt };
}

/**
 * A token for the unsubscribe link of follow-up emails: it carries the site and the
 * address, so the link works without any lookup and never expires.
 *
 * @example `${origin}/api/v1/unsubscribe/${await unsubscribeToken(email, siteKey, secret)}`
 */
export async function unsubscribeToken(email: string, siteKey: string, secret: string): Promise<string> {
  if (siteKey.includes("\n")) throw new Error("siteKey must not contain a line break");
  const payload = `${siteKey}\n${email.trim().toLowerCase()}`;
  const sig = base32(await hmac(secret, `unsubscribe:${payload}`));
  return `${base64url(encoder.encode(payload))}.${sig}`;
}

/** Checks an unsubscribe token and returns the site and address it was made for. */
export async function verifyUnsubscribeToken(token: string, secret: string): Promise<UnsubscribeTokenResult> {
  const match = /^([A-Za-z0-9_-]{4,1000})\.([a-z2-7]{26})$/.exec(token.trim());
  if (!match) return { ok: false, reason: "malformed" };
  let payload: string;
  try {
    payload = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(fromBase64url(match[1]));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const newline = payload.indexOf("\n");
  if (newline < 1 || newline === payload.length - 1) return { ok: false, reason: "malformed" };
  const expected = base32(await hmac(secret, `unsubscribe:${payload}`));
  if (!timingSafeEqual(match[2], expected)) return { ok: false, reason: "bad_signature" };
  return { ok: true, siteKey: payload.slice(0, newline), email: payload.slice(newline + 1) };
}

/** The first SIG_BYTES of HMAC-SHA256: short enough for a mail address's local part. */
async function hmac(secret: string, message: string): Promise<Uint8Array> {
  if (!secret) throw new Error("the email signing secret is empty");
  return (await hmacSha256(secret, message)).slice(0, SIG_BYTES);
}

/** Compares two signatures in time that does not depend on where they differ. */
function timingSafeEqual(a: string, b: string): boolean {
  return sameBytes(encoder.encode(a), encoder.encode(b));
}

/** RFC 4648 base32, lowercase, no padding: survives mail systems that change case. */
function base32(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
