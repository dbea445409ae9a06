/**
 * Sending one push to one device: the payload is encrypted per RFC 8291 (aes128gcm) and the
 * request signed per RFC 8292 (VAPID) by @block65/webcrypto-web-push, which is built on Web
 * Crypto and runs in workerd. A push service that answers 404/410 has dropped the
 * subscription (we forget it); 429 and 5xx are tried again with backoff on a Site timer.
 */
import { buildPushPayload } from "@block65/webcrypto-web-push";
import type { PushPayload } from "../../protocol";
import type { SiteHost } from "../host";
import { dropSubscription, subscription, type StoredSubscription } from "./subscriptions";
import { vapidKeysOf } from "./vapid";

export const PUSH_RETRY_TIMER = "push-retry";
/** Tries in all of one push (the first and the retries). */
export const MAX_PUSH_ATTEMPTS = 5;
/** A push older than this is of no use to an operator: push services keep it no longer. */
export const PUSH_TTL_S = 3600;

export type PushOutcome = "sent" | "gone" | "retrying" | "failed";

/** Encrypts and sends `payload` to a device; never throws. */
export async function sendPush(
  host: SiteHost,
  sub: StoredSubscription,
  payload: PushPayload,
  attempt = 1,
): Promise<PushOutcome> {
  let res: Response;
  try {
    res = await post(host, sub, payload);
  } catch (err) {
    console.error(`push: ${sub.id} failed before an answer`, err);
    return retryLater(host, sub, payload, attempt, null);
  }
  if (res.ok) {
    host.sql.exec("UPDATE push_subscriptions SET last_sent_at = ? WHERE id = ?", Date.now(), sub.id);
    return "sent";
  }
  if (res.status === 404 || res.status === 410) {
    dropSubscription(host.sql, sub.id);
    return "gone";
  }
  if (res.status === 429 || res.status >= 500)
    return retryLater(host, sub, payload, attempt, res.headers.get("Retry-After"));
  console.error(`push: ${sub.id} refused with ${res.status}: ${(await res.text()).slice(0, 200)}`);
  return "failed";
}

/** A push the service refused for now, sent again by the `push-retry` timer. */
export interface PushRetry {
  subscriptionId: string;
  payload: PushPayload;
  attempt: number;
}

/** Sends the push of `job` again to its device, if the device is still there. */
export async function retryPush(host: SiteHost, job: PushRetry): Promise<void> {
  const sub = subscription(host.sql, job.subscriptionId);
  if (sub) await sendPush(host, sub, job.payload, job.attempt);
}

async function post(host: SiteHost, sub: StoredSubscription, payload: PushPayload): Promise<Response> {
  const vapid = await vapidKeysOf(host.env);
  if (!vapid) throw new Error("Web Push is off: VAPID keys are not configured");
  // The library signs for https push services only (RFC 8030 §2). A receiver on this machine
  // (allowed only in local runs) is signed for as the https origin of the same host.
  const signedFor = sub.endpoint.startsWith("http:") ? sub.endpoint.replace(/^http:/, "https:") : sub.endpoint;
  const request = await buildPushPayload(
    {
      data: payload as unknown as Record<string, string>,
      options: { ttl: PUSH_TTL_S, urgency: "high", topic: topicOf(payload.tag) },
    },
    { endpoint: signedFor, expirationTime: null, keys: { p256dh: sub.p256dh, auth: sub.auth } },
    vapid,
  );
  return fetch(sub.endpoint, { method: "POST", headers: request.headers, body: request.body });
}

/** A Topic header is at most 32 base64url characters (RFC 8030 §5.4): a newer push replaces an older one. */
function topicOf(tag: string): string {
  return tag.replace(/[^A-Za-z0-9_-]/g, "").slice(-32) || "edgechat";
}

async function retryLater(
  host: SiteHost,
  sub: StoredSubscription,
  payload: PushPayload,
  attempt: number,
  retryAfter: string | null,
): Promise<PushOutcome> {
  if (attempt >= MAX_PUSH_ATTEMPTS) {
    console.error(`push: ${sub.id} gave up after ${attempt} tries`);
    return "failed";
  }
  const due = Date.now() + backoffMs(attempt, retryAfter);
  const job: PushRetry = { subscriptionId: sub.id, payload, attempt: attempt + 1 };
  await host.timers.set(PUSH_RETRY_TIMER, due, job, sub.id);
  return "retrying";
}

/** 2 s, 4 s, 8 s … (capped at 5 minutes), or the push service's Retry-After when it says more. */
export function backoffMs(attempt: number, retryAfter: string | null): number {
  const backoff = Math.min(2000 * 2 ** (attempt - 1), 300_000);
  const asked = retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : 0;
  return Math.min(Math.max(backoff, asked), 3600_000);
}
