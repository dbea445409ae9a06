/**
 * Each operator's notification settings (`notify_prefs`): quiet hours, and which news they
 * hear of with the admin tab's sound and desktop switches. An operator who never saved
 * anything hears of everything that concerns them, as the admin always did.
 */
import type { AlertEvent, AlertPrefs, NotificationPrefsBody, QuietHours } from "../../protocol";

export const DEFAULT_ALERTS: AlertPrefs = {
  sound: true,
  desktop: true,
  events: { newConversation: true, myMessages: true, departmentMessages: true, assigned: true, calls: true },
};

type PrefsRow = { quiet_hours: string | null; alerts: string | null };

function rowOf(sql: SqlStorage, operatorId: string): PrefsRow | null {
  return (
    sql.exec<PrefsRow>("SELECT quiet_hours, alerts FROM notify_prefs WHERE operator_id = ?", operatorId).toArray()[0] ??
    null
  );
}

/** An operator's quiet hours, or null. */
export function quietHoursOf(sql: SqlStorage, operatorId: string): QuietHours | null {
  const raw = rowOf(sql, operatorId)?.quiet_hours;
  return raw ? (JSON.parse(raw) as QuietHours) : null;
}

/** What an operator hears of (defaults filled in for events added since they saved). */
export function alertPrefsOf(sql: SqlStorage, operatorId: string): AlertPrefs {
  const raw = rowOf(sql, operatorId)?.alerts;
  const saved = raw ? (JSON.parse(raw) as Partial<AlertPrefs>) : {};
  return { ...DEFAULT_ALERTS, ...saved, events: { ...DEFAULT_ALERTS.events, ...saved.events } };
}

/** True when the operator wants to hear of `event` away from the admin tab too. */
export function wants(sql: SqlStorage, operatorId: string, event: AlertEvent): boolean {
  return alertPrefsOf(sql, operatorId).events[event];
}

/** Applies a change: only the fields sent change. Returns the settings in force. */
export function savePrefs(
  sql: SqlStorage,
  operatorId: string,
  patch: NotificationPrefsBody,
): { quietHours: QuietHours | null; alerts: AlertPrefs } {
  const quiet = patch.quietHours === undefined ? quietHoursOf(sql, operatorId) : patch.quietHours;
  const now = alertPrefsOf(sql, operatorId);
  const alerts: AlertPrefs = {
    sound: patch.alerts?.sound ?? now.sound,
    desktop: patch.alerts?.desktop ?? now.desktop,
    events: { ...now.events, ...patch.alerts?.events },
  };
  sql.exec(
    `INSERT INTO notify_prefs (operator_id, quiet_hours, alerts) VALUES (?, ?, ?)
     ON CONFLICT (operator_id) DO UPDATE SET quiet_hours = excluded.quiet_hours, alerts = excluded.alerts`,
    operatorId,
    quiet ? JSON.stringify(quiet) : null,
    JSON.stringify(alerts),
  );
  return { quietHours: quiet, alerts };
}
