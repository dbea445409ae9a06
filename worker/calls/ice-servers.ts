/**
 * ICE servers for one call. Without a TURN key the browsers get public STUN only (enough
 * when one side can reach the other directly). With `TURN_KEY_ID` and `TURN_KEY_API_TOKEN`
 * set, each call gets short-lived Cloudflare Realtime TURN credentials minted by the
 * documented API (https://developers.cloudflare.com/realtime/turn/generate-credentials/):
 * the long-lived key stays here; browsers only ever see the minted username and credential.
 */
import { z } from "zod";
import type { Env } from "../env";
import type { IceServersBody } from "../protocol";

/** STUN used when nothing else is configured (`ICE_STUN_URLS` overrides it, comma-separated). */
export const DEFAULT_STUN = ["stun:stun.cloudflare.com:3478"];
/** Where credentials are minted; `TURN_API_URL` points elsewhere (tests use a local server). */
export const TURN_API_URL = "https://rtc.live.cloudflare.com/v1";
/** Seconds minted credentials live: longer than a consultation, short enough to be useless if leaked. */
export const TURN_TTL_SECONDS = 4 * 3600;

const iceServer = z.object({
  urls: z.union([z.string(), z.array(z.string()).min(1)]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
const mintedBody = z.object({ iceServers: z.array(iceServer).min(1) });

/** The ICE servers a browser should use for a call now. */
export async function iceServersFor(env: Env): Promise<IceServersBody> {
  const stun = { iceServers: [{ urls: stunUrls(env) }], ttl: null };
  const keyId = env.TURN_KEY_ID?.trim();
  const token = env.TURN_KEY_API_TOKEN?.trim();
  if (!keyId || !token) return stun;
  try {
    return { iceServers: await mintTurnCredentials(env, keyId, token), ttl: TURN_TTL_SECONDS };
  } catch (err) {
    // A call may still connect over STUN; the operator would rather try than see nothing.
    console.error("calls: TURN credentials could not be minted; STUN only", err);
    return stun;
  }
}

/** POSTs `{ttl}` with the key's Bearer token and returns the `iceServers` of the 201 answer. */
async function mintTurnCredentials(env: Env, keyId: string, token: string): Promise<IceServersBody["iceServers"]> {
  const base = (env.TURN_API_URL?.trim() || TURN_API_URL).replace(/\/+$/, "");
  const res = await fetch(`${base}/turn/keys/${encodeURIComponent(keyId)}/credentials/generate-ice-servers`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ ttl: TURN_TTL_SECONDS }),
  });
  if (!res.ok) throw new Error(`TURN credentials API answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  const parsed = mintedBody.safeParse(await res.json());
  if (!parsed.success)
    throw new Error(`TURN credentials API answered an unexpected body: ${parsed.error.message.slice(0, 200)}`);
  // Browsers refuse port 53 (Cloudflare lists it for native clients); leaving it out saves a failed try.
  return parsed.data.iceServers
    .map((s) => ({ ...s, urls: (Array.isArray(s.urls) ? s.urls : [s.urls]).filter((u) => !/:53(\?|$)/.test(u)) }))
    .filter((s) => s.urls.length > 0);
}

function stunUrls(env: Env): string[] {
  const configured = env.ICE_STUN_URLS?.split(",")
    .map((s) => s.trim())
    .filter((s) => /^stuns?:/.test(s));
  return configured?.length ? configured : DEFAULT_STUN;
}
