/**
 * The deployment's VAPID keys (RFC 8292): push services accept a push only when it is signed
 * with the key the device subscribed with. In production they are secrets
 * (`VAPID_PUBLIC_KEY`, `VAPID_PRIVATE_KEY`, checked by /healthz); a local run generates a
 * pair on first use and keeps it in the Deployment object, so every site shares one.
 */
import { DEPLOYMENT_OBJECT } from "../../deployment";
import type { Env } from "../../env";
import { isLocal } from "../../env";
import { toBase64Url } from "../../lib/crypto";

export interface VapidKeys {
  /** Uncompressed P-256 point, base64url: what the browser's `applicationServerKey` takes. */
  publicKey: string;
  /** The private scalar `d`, base64url. */
  privateKey: string;
  subject: string;
}

/** A new P-256 key pair in the format `web-push generate-vapid-keys` prints. */
export async function generateVapidKeys(): Promise<{ publicKey: string; privateKey: string }> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const raw = (await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer;
  const jwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
  return { publicKey: toBase64Url(raw), privateKey: jwk.d! };
}

let localKeys: Promise<{ publicKey: string; privateKey: string }> | null = null;

/** The keys pushes are signed with, or null when Web Push is off (production without the secrets). */
export async function vapidKeysOf(env: Env): Promise<VapidKeys | null> {
  const subject = vapidSubject(env);
  if (env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY) {
    return { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY, subject };
  }
  if (!isLocal(env)) return null;
  localKeys ??= env.DEPLOYMENT.get(env.DEPLOYMENT.idFromName(DEPLOYMENT_OBJECT)).localVapidKeys();
  try {
    return { ...(await localKeys), subject };
  } catch (err) {
    localKeys = null;
    throw err;
  }
}

/** `VAPID_SUBJECT`, else the deployment's https URL, else a local placeholder address. */
function vapidSubject(env: Env): string {
  if (env.VAPID_SUBJECT) return env.VAPID_SUBJECT;
  if (env.PUBLIC_URL?.startsWith("https:")) return env.PUBLIC_URL;
  return "mailto:push@edgechat.localhost";
}
