/**
 * Settings → Identity secret: what it is for, and rotating it with the same control (and
 * words) as Settings → Data and secrets (./secret-rotation.ts). The new secret is shown
 * once, right after rotation; the server never returns it again.
 */
import { html, nothing } from "lit";
import { customElement, state as litState } from "lit/decorators.js";
import { api } from "../api";
import { fullTime } from "../format";
import { t } from "../i18n";
import { Screen } from "./screen";
import "./secret-rotation";

@customElement("ec-settings-identity")
export class EcSettingsIdentity extends Screen {
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
        <pre>hash = HMAC-SHA256(identity secret, userId + "\\n" + email)  // hex; without an email: HMAC-SHA256(identity secret, userId)
&lt;script&gt;window.edgechatSettings = { identity: { id: userId, email, name, hash } }&lt;/script&gt;</pre>
        <ec-secret-rotation name="identity"></ec-secret-rotation>
      </div>`;
  }
}
