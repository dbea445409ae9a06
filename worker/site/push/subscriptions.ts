/**
 * Web Push subscriptions: one row per operator device (`push_subscriptions`). A device that
 * subscribes again (new keys, or another operator on the same browser) replaces its row.
 */
import { isLocal, type Env } from "../../env";
import { fromBase64Url, randomHex } from "../../lib/crypto";
import { fieldFailure, type Failure } from "../../lib/errors";
import type { PushSubscriptionBody } from "../../protocol";

export type StoredSubscription = {
  id: string;
  operator_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
};

/** At most this many devices per operator; the oldest makes room. */
export const MAX_DEVICES = 10;

/** Push services are https (RFC 8030 §2); a local run also accepts a receiver on this machine. */
export function endpointRefusal(env: Env, endpoint: string): Failure | null {
  const url = new URL(endpoint);
  if (url.protocol === "https:") return null;
  const onThisMachine = url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (onThisMachine && isLocal(env)) return null;
  return fieldFailure(400, "invalid_body", "endpoint", "endpoint must be an https URL of a push service");
}

/**
 * A `p256dh` of the right shape may still be no point on P-256 (a broken client): nothing
 * could be encrypted for it, and the device would read as on while no push ever arrives.
 */
export async function keyRefusal(p256dh: string): Promise<Failure | null> {
  const raw = fromBase64Url(p256dh);
  try {
    if (raw) {
      await crypto.subtle.importKey("raw", raw, { name: "ECDH", namedCurve: "P-256" }, false, []);
      return null;
    }
  } catch {
    /* refused below */
  }
  return fieldFailure(400, "invalid_body", "keys.p256dh", "p256dh is not a P-256 public key");
}

/** Stores a device's subscription for `operatorId`; returns its id. */
export function saveSubscription(
  sql: SqlStorage,
  env: Env,
  operatorId: string,
  sub: PushSubscriptionBody,
  userAgent: string | null,
): { id: string } | Failure {
  const refusal = endpointRefusal(env, sub.endpoint);
  if (refusal) return refusal;
  const id = `ps_${randomHex(8)}`;
  sql.exec(
    `INSERT INTO push_subscriptions (id, operator_id, endpoint, p256dh, auth, user_agent, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (endpoint) DO UPDATE SET operator_id = excluded.operator_id, p256dh = excluded.p256dh, auth = excluded.auth,
       user_agent = excluded.user_agent`,
    id,
    operatorId,
    sub.endpoint,
    sub.keys.p256dh,
    sub.keys.auth,
    userAgent?.slice(0, 300) ?? null,
    Date.now(),
  );
  sql.exec(
    `DELETE FROM push_subscriptions WHERE operator_id = ? AND id NOT IN
       (SELECT id FROM push_subscriptions WHERE operator_id = ? ORDER BY created_at DESC LIMIT ?)`,
    operatorId,
    operatorId,
    MAX_DEVICES,
  );
  return {
    id: sql.exec<{ id: string }>("SELECT id FROM push_subscriptions WHERE endpoint = ?", sub.endpoint).one().id,
  };
}

/** Forgets a device of `operatorId` (the admin turned notifications off there). */
export function removeSubscription(sql: SqlStorage, operatorId: string, endpoint: string): { removed: boolean } {
  const { rowsWritten } = sql.exec(
    "DELETE FROM push_subscriptions WHERE operator_id = ? AND endpoint = ?",
    operatorId,
    endpoint,
  );
  return { removed: rowsWritten > 0 };
}

/** The devices of an operator who is still on the team. */
export function subscriptionsOf(sql: SqlStorage, operatorId: string): StoredSubscription[] {
  return sql
    .exec<StoredSubscription>(
      `SELECT s.id, s.operator_id, s.endpoint, s.p256dh, s.auth FROM push_subscriptions s
     JOIN operators o ON o.id = s.operator_id WHERE s.operator_id = ?`,
      operatorId,
    )
    .toArray();
}

/** One subscription by id, or null (it may have expired meanwhile). */
export function subscription(sql: SqlStorage, id: string): StoredSubscription | null {
  return (
    sql
      .exec<StoredSubscription>(
        "SELECT id, operator_id, endpoint, p256dh, auth FROM push_subscriptions WHERE id = ?",
        id,
      )
      .toArray()[0] ?? null
  );
}

/** Drops a subscription the push service says is gone (404/410). */
export function dropSubscription(sql: SqlStorage, id: string): void {
  sql.exec("DELETE FROM push_subscriptions WHERE id = ?", id);
}

/** True when the device of `endpoint` gets `operatorId`'s pushes. */
export function hasDevice(sql: SqlStorage, operatorId: string, endpoint: string): boolean {
  return (
    sql.exec("SELECT 1 FROM push_subscriptions WHERE operator_id = ? AND endpoint = ?", operatorId, endpoint).toArray()
      .length > 0
  );
}

/** How many devices an operator has subscribed. */
export function deviceCount(sql: SqlStorage, operatorId: string): number {
  return sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM push_subscriptions WHERE operator_id = ?", operatorId).one()
    .n;
}
