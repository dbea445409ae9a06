/**
 * Settings → Identity secret: what it is for, and rotating it. The new secret is shown once,
 * right after rotation; the server never returns it again.
 */
import { html, nothing } from "lit";
import { customElement, state as litState } from "lit/decorators.js";
import { api } from "../api";
import { fullTime } from "../format";
import { t } from "../i18n";
import { Screen } from "./screen";

@customElement("ec-settings-identity")
export class EcSettingsIdentity extends Screen {
  @litState() private secret: string | null = null;
  @litState() private copied = false;
  @litState() private refused: { count: number; lastAt: number } | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    // Identities that did not verify: those customers chatted unverified, and were asked for their email again.
    api("GET", "/install").then(
      (r) => (this.refused = r.identityRefused),
      () => {},
    );
  }

  override render() {
    return html`<h2>${t("settings.identity.title")}</h2>
      ${this.refused ? html`<p class="form-error" role="status" id="identity-refused">${t("settings.identity.refused", { n: this.refused.count, when: fullTime(this.refused.lastAt) })}</p>` : nothing}
      <div class="card">
        <p>${t("settings.identity.intro")}</p>
        <pre>hash = HMAC-SHA256(identity secret, userId + "\n" + email)  // hex; without an email: HMAC-SHA256(identity secret, userId)
&lt;script&gt;window.edgechatSettings = { identity: { id: userId, email, name, hash } }&lt;/script&gt;</pre>
        <p class="muted">${t("settings.identity.hidden")}</p>
        ${
          this.secret
            ? html`<p><strong>${t("settings.identity.newSecret")}</strong></p>
          <p class="row"><code id="secret">${this.secret}</code>
            <button @click=${this.copy}>${this.copied ? t("settings.identity.copied") : t("settings.identity.copy")}</button></p>
          <p class="form-error">${t("settings.identity.onlyOnce")}</p>`
            : nothing
        }
        <div class="actions"><button class="danger" ?disabled=${this.busy} @click=${this.rotate}>${t("settings.identity.rotate")}</button>${this.status()}</div>
      </div>`;
  }

  private async rotate(): Promise<void> {
    if (!confirm(t("settings.identity.confirm"))) return;
    this.copied = false;
    await this.attempt(async () => {
      this.secret = (await api("POST", "/settings/identity-secret")).identitySecret;
    });
    this.saved = false;
  }

  private async copy(): Promise<void> {
    await navigator.clipboard?.writeText(this.secret ?? "").catch(() => {});
    this.copied = true;
  }
}
