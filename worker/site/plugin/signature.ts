/**
 * Signatures of server-to-server calls between the Worker and a CMS plugin, in both
 * directions, with the site's plugin secret (the WordPress side is
 * plugins/wordpress/edgechat/includes/class-edgechat-signature.php):
 *
 *   X-Edgechat-Timestamp: unix seconds
 *   X-Edgechat-Signature: hex(HMAC-SHA256(secret, timestamp + "\n" + METHOD + "\n" + path_with_query + "\n" + body))
 *
 * A request is valid for MAX_SKEW_SECONDS either side of now.
 */
import { fromHex, hmacSha256, sameBytes, toHex } from "../../lib/crypto";
import { failure, type Failure } from "../../lib/errors";

export const TIMESTAMP_HEADER = "X-Edgechat-Timestamp";
export const SIGNATURE_HEADER = "X-Edgechat-Signature";
export const MAX_SKEW_SECONDS = 300;

/** What a signature covers. */
export interface SignedRequest {
  method: string;
  /** Path and query exactly as in the request line: `/api/v1/sites/shop/status`. */
  pathWithQuery: string;
  body: string;
}

/** The hex signature of a request at `timestamp` (unix seconds, as sent). */
export async function signRequest(secret: string, timestamp: string, req: SignedRequest): Promise<string> {
  return toHex(
    await hmacSha256(secret, `${timestamp}\n${req.method.toUpperCase()}\n${req.pathWithQuery}\n${req.body}`),
  );
}

/** The two headers that sign `req` now. */
export async function signatureHeaders(
  secret: string,
  req: SignedRequest,
  nowMs = Date.now(),
): Promise<Record<string, string>> {
  const timestamp = String(Math.floor(nowMs / 1000));
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: await signRequest(secret, timestamp, req) };
}

/**
 * Checks a signed request against the given secrets (the current one, and the previous one
 * during a rotation's grace period). 401 with a code that says what is wrong otherwise.
 */
export async function verifySignature(
  secrets: string[],
  headers: { timestamp: string | null; signature: string | null },
  req: SignedRequest,
  nowMs = Date.now(),
): Promise<true | Failure> {
  const { timestamp, signature } = headers;
  if (!secrets.length)
    return failure(
      401,
      "not_connected",
      "this site has no plugin secret; rotate one in the admin (Settings → Secrets)",
    );
  if (!timestamp || !signature) {
    return failure(
      401,
      "unsigned_request",
      `sign the request with ${TIMESTAMP_HEADER} and ${SIGNATURE_HEADER} (HMAC-SHA256 with the plugin secret)`,
    );
  }
  if (!/^\d{1,12}$/.test(timestamp)) return failure(401, "bad_timestamp", `${TIMESTAMP_HEADER} is unix seconds`);
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS) {
    return failure(
      401,
      "stale_signature",
      `${TIMESTAMP_HEADER} is more than ${MAX_SKEW_SECONDS} s away from the server's clock: a replayed request, or a clock to fix`,
    );
  }
  const given = fromHex(signature);
  if (given && given.length === 32) {
    for (const secret of secrets) {
      const expected = fromHex(await signRequest(secret, timestamp, req))!;
      if (sameBytes(given, expected)) return true;
    }
  }
  return failure(401, "bad_signature", "the request signature does not match this site's plugin secret");
}
