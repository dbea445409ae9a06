/**
 * Visitor tokens: `base64url(JSON claims).base64url(HMAC-SHA256)`. They bind a visitor to a
 * site and to one conversation, expire after a day, and can be refreshed through the
 * sessions endpoint for a long while after, so a returning visitor keeps their history.
 */
import { fromBase64Url, hmacSha256, sameBytes, toBase64Url } from "./crypto";

export const TOKEN_TTL_SECONDS = 24 * 3600;
/** How long after expiry a token may still be exchanged for a fresh one. */
export const TOKEN_REFRESH_SECONDS = 180 * 24 * 3600;

export interface VisitorClaims {
  /** Site key. */
  s: string;
  /** Visitor id. */
  v: string;
  /** Conversation id. */
  c: string;
  /** Issued / expires, epoch seconds. */
  iat: number;
  exp: number;
}

export type TokenCheck =
  | { ok: true; claims: VisitorClaims; expired: boolean }
  | { ok: false; code: "invalid_token"; message: string };

const encoder = new TextEncoder();

/** Signs claims into a visitor token. */
export async function signVisitorToken(secret: string, claims: VisitorClaims): Promise<string> {
  const body = toBase64Url(encoder.encode(JSON.stringify(claims)));
  const sig = toBase64Url(await hmacSha256(secret, `visitor.${body}`));
  return `${body}.${sig}`;
}

/** New claims for a visitor and conversation, valid for TOKEN_TTL_SECONDS from `now` (ms). */
export function freshClaims(site: string, visitor: string, conversation: string, now: number) {
  const iat = Math.floor(now / 1000);
  return { s: site, v: visitor, c: conversation, iat, exp: iat + TOKEN_TTL_SECONDS };
}

/** Checks a token's signature and shape; says whether it is past its expiry. */
export async function readVisitorToken(secret: string, token: string, now: number): Promise<TokenCheck> {
  const forged = { ok: false, code: "invalid_token", message: "visitor token is not valid" } as const;
  const [body, sig, extra] = token.split(".");
  if (!body || !sig || extra !== undefined) return forged;
  const given = fromBase64Url(sig);
  if (!given || !sameBytes(given, await hmacSha256(secret, `visitor.${body}`))) return forged;
  let claims: VisitorClaims;
  try {
    claims = JSON.parse(new TextDecoder().decode(fromBase64Url(body)!));
  } catch {
    return forged;
  }
  if (
    typeof claims?.s !== "string" ||
    typeof claims.v !== "string" ||
    typeof claims.c !== "string" ||
    typeof claims.exp !== "number"
  )
    return forged;
  return { ok: true, claims, expired: claims.exp * 1000 <= now };
}
