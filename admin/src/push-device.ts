/**
 * This browser's Web Push subscription, as the operator turns it off in Settings or logs
 * out: the server forgets the device first (it still has the session to ask with), then the
 * browser drops the subscription, so a shared or borrowed computer stops showing visitors'
 * words once its operator has left it.
 */
import { api } from "./api";

/** This browser's push subscription for the admin, or null (none, or no service worker). */
export async function thisDeviceSubscription(): Promise<PushSubscription | null> {
  const reg = await navigator.serviceWorker?.getRegistration("/admin/");
  return (await reg?.pushManager.getSubscription()) ?? null;
}

/** Stops push notifications on this device, for the signed-in operator. */
export async function forgetThisDevice(): Promise<void> {
  const sub = await thisDeviceSubscription();
  if (!sub) return;
  await api("DELETE", "/push/subscriptions", { endpoint: sub.endpoint });
  await sub.unsubscribe();
}
