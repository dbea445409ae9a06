/**
 * The settings screens. Other features add theirs (schedules and auto-replies, email, bot,
 * video, webhooks, reports) by pushing an entry; each screen is a custom element in its
 * own chunk, loaded when first opened.
 *
 *   SCREENS.push({ id: "email", title: "settings.email.title", roles: ["owner", "admin"],
 *     tag: "ec-settings-email", load: () => import("./email") });
 */
export type Role = "owner" | "admin" | "operator";

export interface SettingsScreen {
  id: string;
  /** i18n key of the screen's name. */
  title: string;
  /** Who sees it (the server checks again). */
  roles: readonly Role[];
  /** Custom element that draws the screen. */
  tag: string;
  load: () => Promise<unknown>;
}

const MANAGERS: Role[] = ["owner", "admin"];

export const SCREENS: SettingsScreen[] = [
  {
    id: "install",
    title: "settings.install.title",
    roles: MANAGERS,
    tag: "ec-settings-install",
    load: () => import("./install"),
  },
  { id: "look", title: "settings.look.title", roles: MANAGERS, tag: "ec-settings-look", load: () => import("./look") },
  {
    id: "origins",
    title: "settings.origins.title",
    roles: MANAGERS,
    tag: "ec-settings-origins",
    load: () => import("./origins"),
  },
  { id: "team", title: "settings.team.title", roles: MANAGERS, tag: "ec-settings-team", load: () => import("./team") },
  {
    id: "departments",
    title: "settings.departments.title",
    roles: MANAGERS,
    tag: "ec-settings-departments",
    load: () => import("./departments"),
  },
  {
    id: "canned",
    title: "settings.canned.title",
    roles: MANAGERS,
    tag: "ec-settings-canned",
    load: () => import("./canned"),
  },
  {
    id: "autoreplies",
    title: "settings.autoreplies.title",
    roles: MANAGERS,
    tag: "ec-settings-autoreplies",
    load: () => import("./autoreplies"),
  },
  {
    id: "greetings",
    title: "settings.greetings.title",
    roles: MANAGERS,
    tag: "ec-settings-greetings",
    load: () => import("./greetings"),
  },
  {
    id: "blocked",
    title: "settings.blocked.title",
    roles: MANAGERS,
    tag: "ec-settings-blocked",
    load: () => import("./blocked"),
  },
  {
    id: "email",
    title: "settings.email.title",
    roles: MANAGERS,
    tag: "ec-settings-email",
    load: () => import("./email"),
  },
  {
    id: "video",
    title: "settings.video.title",
    roles: MANAGERS,
    tag: "ec-settings-video",
    load: () => import("./video"),
  },
  {
    id: "rating",
    title: "settings.rating.title",
    roles: MANAGERS,
    tag: "ec-settings-rating",
    load: () => import("./rating"),
  },
  {
    id: "outbox",
    title: "settings.outbox.title",
    roles: MANAGERS,
    tag: "ec-settings-outbox",
    load: () => import("./outbox"),
  },
  { id: "bot", title: "settings.bot.title", roles: MANAGERS, tag: "ec-settings-bot", load: () => import("./bot") },
  {
    id: "reports",
    title: "settings.reports.title",
    roles: MANAGERS,
    tag: "ec-settings-reports",
    load: () => import("./reports"),
  },
  { id: "data", title: "settings.data.title", roles: MANAGERS, tag: "ec-settings-data", load: () => import("./data") },
  {
    id: "identity",
    title: "settings.identity.title",
    roles: MANAGERS,
    tag: "ec-settings-identity",
    load: () => import("./identity"),
  },
  {
    id: "audit",
    title: "settings.audit.title",
    roles: ["owner"],
    tag: "ec-settings-audit",
    load: () => import("./audit"),
  },
  {
    id: "account",
    title: "settings.account.title",
    roles: ["owner", "admin", "operator"],
    tag: "ec-settings-account",
    load: () => import("./account"),
  },
  {
    id: "notifications",
    title: "settings.notifications.title",
    roles: ["owner", "admin", "operator"],
    tag: "ec-settings-notifications",
    load: () => import("./notifications"),
  },
  {
    id: "leads",
    title: "settings.leads.title",
    roles: ["owner", "admin", "operator"],
    tag: "ec-settings-leads",
    load: () => import("./leads"),
  },
  {
    id: "appointments",
    title: "settings.appointments.title",
    roles: ["owner", "admin", "operator"],
    tag: "ec-settings-appointments",
    load: () => import("./appointments"),
  },
];
