/** What the admin's Notifications screen shows an operator: quiet hours, push devices, Telegram. */
import type { NotificationSettings } from "../../protocol";
import type { SiteHost } from "../host";
import { deviceCount, hasDevice } from "../push/subscriptions";
import { vapidKeysOf } from "../push/vapid";
import { botSettings, linkOfOperator, teamGroup } from "../telegram";
import { alertPrefsOf, quietHoursOf } from "./prefs";

/**
 * The notification settings of `operatorId`; with `endpoint`, also whether that device (the
 * browser asking) still gets their pushes: the push service may have dropped it, or a password
 * reset forgotten it, while the browser keeps its subscription.
 */
export async function notificationSettings(
  host: SiteHost,
  operatorId: string,
  endpoint?: string,
): Promise<NotificationSettings> {
  const vapid = await vapidKeysOf(host.env);
  const bot = botSettings(host.sql);
  const link = linkOfOperator(host.sql, operatorId);
  const group = teamGroup(host.sql);
  return {
    quietHours: quietHoursOf(host.sql, operatorId),
    alerts: alertPrefsOf(host.sql, operatorId),
    push: {
      available: !!vapid,
      publicKey: vapid?.publicKey ?? null,
      devices: deviceCount(host.sql, operatorId),
      ...(endpoint === undefined ? {} : { thisDevice: hasDevice(host.sql, operatorId, endpoint) }),
    },
    telegram: {
      connected: !!bot,
      botUsername: bot?.me.username ?? null,
      linked: !!link,
      linkedAs: link ? (link.username ? `@${link.username}` : String(link.user_id)) : null,
      group: group ? { title: group.title } : null,
    },
  };
}
