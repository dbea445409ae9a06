/**
 * The signed Reply-To address of a conversation, computed from the test server's secret as
 * worker/email/address.ts does (RFC 4648 base32 of the first 16 bytes of
 * HMAC-SHA256(secret, "reply:" + id + "." + day), day = the UTC day of issue since 1970). Written out here because the e2e type check does not
 * load the Worker's types; if the two ever differ, the Worker rejects the mail and the test says so.
 */
import { createHmac } from "node:crypto";

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** `reply+ID.DAY.SIGNATURE@domain` for a conversation of the test server, issued at `issuedAt`. */
export function replyAddress(conversationId: string, secret: string, domain: string, issuedAt = Date.now()): string {
  const id = conversationId.toLowerCase();
  const day = Math.floor(issuedAt / 86_400_000);
  const bytes = createHmac("sha256", secret).update(`reply:${id}.${day}`).digest().subarray(0, 16);
  let sig = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      sig += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) sig += BASE32[(buffer << (5 - bits)) & 31];
  return `reply+${id}.${day}.${sig}@${domain.toLowerCase()}`;
}
