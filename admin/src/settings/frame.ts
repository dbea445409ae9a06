/**
 * The settings frame: a list of the screens this operator may use and the open screen,
 * each loaded on first use. On a phone the list sits above the screen.
 */
import { LitElement, css, html } from "lit";
import { customElement, property, state as litState } from "lit/decorators.js";
import { state } from "../app-state";
import { Localized, t } from "../i18n";
import { go } from "../router";
import { base } from "../ui/styles";
import { SCREENS, type SettingsScreen } from "./registry";

@customElement("ec-settings")
export class EcSettings extends LitElement {
  static override styles = [
    base,
    css`
    :host { flex: 1; min-height: 0; display: grid; grid-template-columns: 220px 1fr; background: var(--ec-bg); }
    nav { background: var(--ec-surface); border-right: 1px solid var(--ec-border); padding: 8px; overflow-y: auto; }
    nav a { display: block; padding: 8px 10px; border-radius: 8px; color: inherit; text-decoration: none; }
    nav a[aria-current="page"] { background: var(--ec-hover); font-weight: 600; }
    .screen { overflow-y: auto; padding: 16px 24px; min-width: 0; }
    @media (max-width: 760px) {
      :host { grid-template-columns: 1fr; grid-template-rows: auto 1fr; }
      nav { display: flex; overflow-x: auto; border-right: 0; border-bottom: 1px solid var(--ec-border); }
      nav a { white-space: nowrap; }
      .screen { padding: 12px; }
    }
  `,
  ];

  @property() screen = "";
  @litState() private loaded = new Set<string>();
  private readonly elements = new Map<string, HTMLElement>();

  constructor() {
    super();
    new Localized(this);
  }

  private visible(): SettingsScreen[] {
    const role = state.operator?.role ?? "operator";
    return SCREENS.filter((s) => s.roles.includes(role));
  }

  override render() {
    const screens = this.visible();
    const active = screens.find((s) => s.id === this.screen) ?? screens[0]!;
    return html`
      <nav aria-label=${t("app.settings")}>
        ${screens.map(
          (s) => html`<a href=${`/admin/settings/${s.id}`} aria-current=${s.id === active.id ? "page" : "false"}
          @click=${(e: MouseEvent) => {
            e.preventDefault();
            go({ name: "settings", screen: s.id });
          }}>${t(s.title)}</a>`,
        )}
      </nav>
      <div class="screen">${this.element(active)}</div>`;
  }

  private element(screen: SettingsScreen) {
    if (!this.loaded.has(screen.id)) {
      void screen.load().then(() => (this.loaded = new Set([...this.loaded, screen.id])));
      return html`<p class="muted">${t("app.loading")}</p>`;
    }
    let el = this.elements.get(screen.id);
    if (!el) this.elements.set(screen.id, (el = document.createElement(screen.tag)));
    return el;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "ec-settings": EcSettings;
  }
}
