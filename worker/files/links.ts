/**
 * Signed file links: `/api/v1/files/SITE/CONVERSATION/FILE?exp=SECONDS&sig=…`, an HMAC of
 * the path and expiry under the deployment's TOKEN_SECRET. The widget and the admin get
 * one through a redirect after their token or session was checked, valid for minutes, so
 * an `<img>` can load it without credentials; follow-up emails carry ones valid for weeks.
 * A guessed, altered or expired link is refused.
 */
import { fromBase64Url, hmacSha256, sameBytes, toBase64Url } from "../lib/crypto";
import type { FileRef } from "./storage";

/** How long a link from the widget's or the admin's redirect works. */
export const LINK_TTL_SECONDS = 5 * 60;
/** How long a link in a follow-up email works. */
export const EMAIL_LINK_TTL_SECONDS = 30 * 24 * 3600;

const payload = (ref: FileRef, exp: number) => `file.${ref.siteKey}/${ref.conversationId}/${ref.fileId}.${exp}`;

/** The path and query of a signed link to `ref`, valid until `now + ttl`. */
export async function signedFilePath(
  secret: string,
  ref: FileRef,
  now: number,
  ttlSeconds = LINK_TTL_SECONDS,
): Promise<string> {
  const exp = Math.floor(now / 1000) + ttlSeconds;
  const sig = toBase64Url(await hmacSha256(secret, payload(ref, exp)));
  return `/api/v1/files/${encodeURIComponent(ref.siteKey)}/${ref.conversationId}/${ref.fileId}?exp=${exp}&sig=${sig}`;
}

/** Why a link is refused, or null when it is good. */
export async function checkFileLink(
  secret: string,
  ref: FileRef,
  query: { exp?: string; sig?: string },
  now: number,
): Promise<"invalid" | "expired" | null> {
  const exp = Number(query.exp);
  const given = query.sig ? fromBase64Url(query.sig) : null;
  if (!Number.isSafeInteger(exp) || !given) return "invalid";
  if (!sameBytes(given, await hmacSha256(secret, payload(ref, exp)))) return "invalid";
  return exp * 1000 <= now ? "expired" : null;
}
