/**
 * Settings → Notifications (every operator): what to hear of (one choice for the admin tab,
 * push and Telegram) with the tab's sound and desktop switches, push notifications on this
 * device, quiet hours, and linking a Telegram account; owners and admins also connect the
 * site's bot.
 */
import { html, nothing } from "lit";
import { customElement, state as litState } from "lit/decorators.js";
import type { AlertEvent, NotificationSettings } from "../../../worker/protocol";
import { api } from "../api";
import { state } from "../app-state";
import { forgetThisDevice, thisDeviceSubscription } from "../push-device";
import { t } from "../i18n";
import { Screen } from "./screen";

/** The VAPID public key as the bytes `applicationServerKey` takes. */
function keyBytes(base64url: string): Uint8Array {
  const bin = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

const EVENTS: readonly AlertEvent[] = ["newConversation", "myMessages", "departmentMessages", "assigned", "calls"];

@customElement("ec-settings-notifications")
export class EcSettingsNotifications extends Screen {
  @litState() private settings: NotificationSettings | null = null;
  @litState() private subscribed = false;
  @litState() private linkCode: string | null = null;
  @litState() private groupCode: string | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    const sub = await thisDeviceSubscription();
    const ask = sub ? `?endpoint=${encodeURIComponent(sub.endpoint)}` : "";
    this.settings = await api<NotificationSettings>("GET", `/notifications${ask}`);
    // The browser may keep a subscription the server no longer sends to: then it reads as off.
    this.subscribed = !!sub && this.settings.push.thisDevice === true;
  }

  override render() {
    const s = this.settings;
    if (!s) return nothing;
    const q = s.quietHours;
    const a = state.alerts;
    return html`<h2>${t("settings.notifications.title")}</h2>
      <fieldset class="card alerts" ?disabled=${this.busy}>
        <legend>${t("settings.notifications.alerts")}</legend>
        ${EVENTS.map(
          (event) => html`<label><input type="checkbox" name=${`event-${event}`} .checked=${a.events[event]}
            @change=${(e: Event) => this.saveAlert({ events: { [event]: (e.target as HTMLInputElement).checked } })} />
            ${t(`settings.notifications.events.${event}`)}</label>`,
        )}
        <p class="hint">${t("settings.notifications.alertsHint")}</p>
        <label><input type="checkbox" name="sound" .checked=${a.sound}
          @change=${(e: Event) => this.saveAlert({ sound: (e.target as HTMLInputElement).checked })} />
          ${t("settings.notifications.sound")}</label>
        <label><input type="checkbox" name="desktop" .checked=${a.desktop}
          @change=${(e: Event) => this.saveAlert({ desktop: (e.target as HTMLInputElement).checked })} />
          ${t("settings.notifications.desktop")}</label>
        ${this.status()}
      </fieldset>
      <div class="card">
        <h3>${t("settings.notifications.push")}</h3>
        <p class="muted">${t("settings.notifications.pushHint")}</p>
        ${
          s.push.available && "PushManager" in window
            ? html`<button ?disabled=${this.busy} @click=${this.subscribed ? this.pushOff : this.pushOn}>
              ${this.subscribed ? t("settings.notifications.pushOff") : t("settings.notifications.pushOn")}</button>`
            : html`<p>${t("settings.notifications.pushUnavailable")}</p>`
        }
      </div>
      <form @submit=${this.saveQuiet}>
        <h3>${t("settings.notifications.quiet")}</h3>
        <div class="two">
          ${this.input("quietHours.start", t("settings.notifications.from"), q?.start ?? "", { type: "time" })}
          ${this.input("quietHours.end", t("settings.notifications.to"), q?.end ?? "", { type: "time" })}
        </div>
        <p class="hint">${t("settings.notifications.quietHint")}</p>
        <div class="actions"><button type="submit" ?disabled=${this.busy}>${t("settings.save")}</button>${this.status()}</div>
      </form>
      <div class="card">
        <h3>Telegram</h3>
        ${
          s.telegram.connected
            ? html`<p>${t("settings.notifications.bot", { bot: `@${s.telegram.botUsername}` })}</p>
              ${
                s.telegram.linked
                  ? html`<p>${t("settings.notifications.linkedAs", { who: s.telegram.linkedAs ?? "" })}</p>
                    <button ?disabled=${this.busy} @click=${this.unlinkMe}>${t("settings.notifications.unlink")}</button>`
                  : nothing
              }
              <button ?disabled=${this.busy} @click=${this.newCode}>${t("settings.notifications.link")}</button>
              ${
                this.linkCode
                  ? html`<p>${t("settings.notifications.sendCode")} <code>/start ${this.linkCode}</code>
                <a href=${`https://t.me/${s.telegram.botUsername}?start=${this.linkCode}`} target="_blank" rel="noopener">t.me/${s.telegram.botUsername}</a></p>`
                  : nothing
              }`
            : html`<p class="muted">${t("settings.notifications.noBot")}</p>`
        }
        ${s.telegram.connected && state.canManage ? this.groupCard(s) : nothing}
        ${
          state.canManage
            ? html`<form @submit=${this.connect}>
            ${this.input("token", t("settings.notifications.token"), "", { hint: t("settings.notifications.tokenHint") })}
            <div class="actions"><button type="submit" ?disabled=${this.busy}>${t("settings.notifications.connect")}</button>
              ${
                s.telegram.connected
                  ? html`<button type="button" ?disabled=${this.busy} @click=${this.disconnect}>${t("settings.notifications.disconnect")}</button>`
                  : nothing
              }</div>
          </form>`
            : nothing
        }
      </div>`;
  }

  /** The team's group: linked (with a way back to private chats) or a code to post there. */
  private groupCard(s: NotificationSettings) {
    const group = s.telegram.group;
    return html`<div class="group">
      <h4>${t("settings.notifications.group")}</h4>
      ${
        group
          ? html`<p>${t("settings.notifications.groupLinked", { title: group.title })}</p>
            <button ?disabled=${this.busy} @click=${this.unlinkGroup}>${t("settings.notifications.groupUnlink")}</button>`
          : html`<p class="muted">${t("settings.notifications.groupHint")}</p>
            <button ?disabled=${this.busy} @click=${this.newGroupCode}>${t("settings.notifications.groupLink")}</button>
            ${this.groupCode ? html`<p>${t("settings.notifications.groupSend")} <code>/link ${this.groupCode}</code></p>` : nothing}`
      }
    </div>`;
  }

  private async newGroupCode(): Promise<void> {
    await this.attempt(async () => {
      this.groupCode = (await api<{ code: string }>("POST", "/telegram/group-code")).code;
    });
  }

  private async unlinkGroup(): Promise<void> {
    if (await this.attempt(() => api("DELETE", "/telegram/group"))) await this.load();
  }

  private async unlinkMe(): Promise<void> {
    if (await this.attempt(() => api("DELETE", "/telegram/link"))) await this.load();
  }

  /** Forgets the bot and every operator's link: nobody hears from it or answers through it any more. */
  private async disconnect(): Promise<void> {
    if (!confirm(t("settings.notifications.confirmDisconnect"))) return;
    if (await this.attempt(() => api("DELETE", "/telegram"))) await this.load();
  }

  private async saveAlert(patch: Parameters<typeof state.saveAlerts>[0]): Promise<void> {
    await this.attempt(() => state.saveAlerts(patch));
  }

  private async pushOn(): Promise<void> {
    await this.attempt(async () => {
      if ((await Notification.requestPermission()) !== "granted") throw new Error(t("settings.notifications.denied"));
      const reg = await navigator.serviceWorker.ready;
      const sub = await reg.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(this.settings!.push.publicKey!) as BufferSource,
      });
      await api("POST", "/push/subscriptions", sub.toJSON());
      this.subscribed = true;
    });
  }

  private async pushOff(): Promise<void> {
    await this.attempt(async () => {
      await forgetThisDevice();
      this.subscribed = false;
    });
  }

  private async saveQuiet(e: Event): Promise<void> {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const start = String(form.get("quietHours.start") ?? "");
    const end = String(form.get("quietHours.end") ?? "");
    const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    await this.attempt(() =>
      api("PUT", "/notifications", { quietHours: start && end ? { start, end, timezone } : null }),
    );
  }

  private async newCode(): Promise<void> {
    await this.attempt(async () => {
      this.linkCode = (await api<{ code: string }>("POST", "/telegram/link-code")).code;
    });
  }

  private async connect(e: Event): Promise<void> {
    e.preventDefault();
    const token = String(new FormData(e.target as HTMLFormElement).get("token") ?? "");
    if (await this.attempt(() => api("PUT", "/telegram", { token }))) await this.load();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "ec-settings-notifications": EcSettingsNotifications;
  }
}
