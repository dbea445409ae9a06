/**
 * Signing in and the account emails' landing pages: log in, ask for a reset link, set a new
 * password from a reset link, and accept an invite. Each form shows the server's message
 * for each field next to it.
 *
 * @fires logged-in - detail `{operator, siteKey}` after login or an accepted invite
 */
import { LitElement, css, html } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { api } from "../api";
import { Localized, t } from "../i18n";
import { failureOf, fieldError, formError, invalid, type FieldErrors } from "./fields";
import { base } from "./styles";

type Mode = "login" | "forgot" | "reset" | "accept";
const SITE_KEY = "edgechat.site";

@customElement("ec-auth")
export class EcAuth extends LitElement {
  static override styles = [
    base,
    css`
    :host { display: grid; place-items: center; min-height: 100vh; padding: 16px; background: var(--ec-bg); }
    form { width: min(380px, 100%); background: var(--ec-surface); border: 1px solid var(--ec-border); border-radius: 12px; padding: 24px; }
    h1 { font-size: 20px; }
    .actions { display: flex; justify-content: space-between; align-items: center; margin-top: 16px; gap: 8px; }
    details { margin-top: 12px; }
    summary { cursor: pointer; color: var(--ec-muted); }
    ul.sites { list-style: none; padding: 0; display: grid; gap: 8px; }
    button.site { width: 100%; text-align: start; display: flex; justify-content: space-between; gap: 8px; }
  `,
  ];

  @property() mode: Mode = "login";
  @property() site = "";
  @property() token = "";
  @state() private errors: FieldErrors = {};
  @state() private message: string | null = null;
  @state() private notice: string | null = null;
  @state() private busy = false;
  @state() private invite: { email: string; name: string | null; role: string; siteName: string } | null = null;
  /** Sites the email signs in to with the password just typed, when there are several. */
  @state() private choices: { siteKey: string; name: string }[] | null = null;
  /** The typed login, kept only while the chooser is shown. */
  private pending: { email: string; password: string } | null = null;

  constructor() {
    super();
    new Localized(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.mode === "accept") void this.loadInvite();
  }

  override render() {
    return html`<form @submit=${this.submit} novalidate aria-labelledby="auth-title">${this.fields()}</form>`;
  }

  private fields() {
    // The site key is needed only to pick one site of several ahead of time: it stays under "Advanced".
    const siteKey = this.site;
    const advanced = html`<details ?open=${!!siteKey || "siteKey" in this.errors}>
      <summary>${t("auth.advanced")}</summary>
      ${this.input("siteKey", t("auth.site"), "text", siteKey, "organization", false)}
    </details>`;
    switch (this.mode) {
      case "login":
        if (this.choices) return this.chooser(this.choices);
        return html`<h1 id="auth-title">${t("auth.loginTitle")}</h1>
          ${formError(this.message)}${this.notice ? html`<p class="ok" role="status">${this.notice}</p>` : ""}
          ${this.input("email", t("auth.email"), "email", "", "username")}
          ${this.input("password", t("auth.password"), "password", "", "current-password")}
          ${advanced}
          <div class="actions">
            <button type="button" class="link" @click=${() => this.switch("forgot")}>${t("auth.forgot")}</button>
            <button class="primary" ?disabled=${this.busy}>${t("auth.login")}</button>
          </div>`;
      case "forgot":
        return html`<h1 id="auth-title">${t("auth.forgotTitle")}</h1>
          ${formError(this.message)}${this.notice ? html`<p class="ok" role="status">${this.notice}</p>` : ""}
          ${this.input("email", t("auth.email"), "email", "", "username")}
          ${advanced}
          <div class="actions">
            <button type="button" class="link" @click=${() => this.switch("login")}>${t("auth.back")}</button>
            <button class="primary" ?disabled=${this.busy}>${t("auth.sendLink")}</button>
          </div>`;
      case "reset":
        return html`<h1 id="auth-title">${t("auth.resetTitle")}</h1>
          ${formError(this.message)}
          ${this.input("password", t("auth.newPassword"), "password", "", "new-password")}
          ${this.input("confirm", t("auth.confirmPassword"), "password", "", "new-password")}
          <div class="actions"><span></span><button class="primary" ?disabled=${this.busy}>${t("auth.setPassword")}</button></div>`;
      case "accept":
        return html`<h1 id="auth-title">${t("auth.acceptTitle", { site: this.invite?.siteName ?? "" })}</h1>
          ${formError(this.message)}
          ${this.invite ? html`<p class="muted">${t("auth.acceptAs", { email: this.invite.email, role: t(`roles.${this.invite.role}`) })}</p>` : ""}
          ${this.input("name", t("auth.yourName"), "text", this.invite?.name ?? "", "name")}
          ${this.input("password", t("auth.newPassword"), "password", "", "new-password")}
          <div class="actions"><span></span><button class="primary" ?disabled=${this.busy || !this.invite}>${t("auth.join")}</button></div>`;
    }
  }

  /** The sites of the email, after the password was found right at each. */
  private chooser(choices: { siteKey: string; name: string }[]) {
    return html`<h1 id="auth-title">${t("auth.chooseSite")}</h1>
      ${formError(this.message)}
      <ul class="sites">
        ${choices.map(
          (c) => html`<li><button type="button" class="site" ?disabled=${this.busy} data-site=${c.siteKey}
            @click=${() => this.pick(c.siteKey)}>${c.name} <span class="muted">${c.siteKey}</span></button></li>`,
        )}
      </ul>
      <div class="actions">
        <button type="button" class="link" @click=${() => this.switch("login")}>${t("auth.back")}</button><span></span>
      </div>`;
  }

  private async pick(siteKey: string): Promise<void> {
    if (!this.pending) return this.switch("login");
    this.busy = true;
    try {
      const me = await api("POST", "/login", { ...this.pending, siteKey });
      this.loggedIn(me, siteKey);
    } catch (err) {
      this.message = failureOf(err, () => false).message;
    } finally {
      this.busy = false;
    }
  }

  private loggedIn(me: { siteKey: string }, siteKey = me.siteKey): void {
    this.pending = null;
    this.choices = null;
    localStorage.setItem(SITE_KEY, siteKey);
    this.dispatchEvent(new CustomEvent("logged-in", { detail: me, bubbles: true, composed: true }));
  }

  private input(name: string, label: string, type: string, value: string, autocomplete: string, required = true) {
    const a = invalid(this.errors, name);
    return html`<label for=${name}>${label}</label>
      <input id=${name} name=${name} type=${type} .value=${value} autocomplete=${autocomplete} ?required=${required}
        aria-invalid=${a.invalid} aria-describedby=${a.describedBy}>
      ${fieldError(this.errors, name)}`;
  }

  private switch(mode: Mode): void {
    this.mode = mode;
    this.choices = null;
    this.pending = null;
    this.errors = {};
    this.message = null;
    this.notice = null;
  }

  private async loadInvite(): Promise<void> {
    try {
      this.invite = await api(
        "GET",
        `/invites/info?site=${encodeURIComponent(this.site)}&token=${encodeURIComponent(this.token)}`,
      );
    } catch (err) {
      this.message = failureOf(err, () => false).message;
    }
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(e.target as HTMLFormElement)) as Record<string, string>;
    this.busy = true;
    this.errors = {};
    this.message = null;
    try {
      await this.send(data);
    } catch (err) {
      const shown = failureOf(err, (p) => p in data);
      this.errors = shown.fields;
      this.message = shown.message;
    } finally {
      this.busy = false;
    }
  }

  private async send(data: Record<string, string>): Promise<void> {
    const siteKey = (data.siteKey ?? "").trim().toLowerCase();
    if (this.mode === "login") {
      const login = { email: data.email ?? "", password: data.password ?? "" };
      const me = await api("POST", "/login", siteKey ? { ...login, siteKey } : login);
      if (me.chooseSite) {
        this.pending = login;
        this.choices = me.chooseSite;
        return;
      }
      this.loggedIn(me);
    } else if (this.mode === "forgot") {
      await api("POST", "/password-reset", siteKey ? { siteKey, email: data.email } : { email: data.email });
      this.notice = t("auth.linkSent");
    } else if (this.mode === "reset") {
      if (data.password !== data.confirm) {
        this.errors = { confirm: t("auth.mismatch") };
        return;
      }
      await api("POST", "/password-reset/complete", { siteKey: this.site, token: this.token, password: data.password });
      history.replaceState(null, "", "/admin/");
      this.switch("login");
      this.notice = t("auth.passwordChanged");
    } else {
      const me = await api("POST", "/invites/accept", {
        siteKey: this.site,
        token: this.token,
        name: data.name,
        password: data.password,
      });
      localStorage.setItem(SITE_KEY, this.site);
      history.replaceState(null, "", "/admin/");
      this.dispatchEvent(new CustomEvent("logged-in", { detail: me, bubbles: true, composed: true }));
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "ec-auth": EcAuth;
  }
}
