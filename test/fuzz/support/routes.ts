/**
 * Every HTTP route of docs/api.md, with a valid body to mutate, the query keys it reads and
 * who may call it. `:params` are filled by the fuzz from pools of real and hostile values.
 */

export type Auth = "none" | "cookie" | "admin" | "plugin";

export interface Route {
  method: string;
  path: string;
  auth: Auth;
  body?: unknown;
  query?: string[];
  /** Routes that answer people with an HTML page (4xx pages are fine there). */
  html?: boolean;
  /** Documented 503 codes (the shop's plugin unreachable or refusing). */
  allow503?: string[];
}

const LOOK = {
  color: "#2563eb",
  position: "right",
  launcherText: "Chat",
  greeting: "Hi",
  teamName: "Team",
  avatarUrl: "",
};
const SCHEDULE = {
  timezone: "UTC",
  week: { mon: [{ from: "09:00", to: "17:00" }] },
  exceptions: [{ date: "2026-12-24", closed: true }],
};

export const ROUTES: Route[] = [
  { method: "GET", path: "/healthz", auth: "none" },
  { method: "GET", path: "/widget.js", auth: "none" },
  { method: "OPTIONS", path: "/api/v1/sites/:siteKey/sessions", auth: "none" },
  {
    method: "POST",
    path: "/api/v1/sites/:siteKey/sessions",
    auth: "none",
    body: {
      visitorToken: "x",
      identity: { userId: "42", email: "ann@example.com", name: "Ann", hash: "0".repeat(64) },
      trail: {
        landing: "https://shop.example/",
        referrer: "https://google.com/",
        utm: { source: "news" },
        pages: [{ url: "https://shop.example/boots", title: "Boots", at: 1 }],
      },
      locale: "en",
      timezone: "Europe/Berlin",
    },
  },
  { method: "GET", path: "/api/v1/conversations/:id/ws", auth: "none", query: ["token"] },
  {
    method: "POST",
    path: "/api/v1/admin/login",
    auth: "none",
    body: { siteKey: "demo", email: "fuzz@example.com", password: "wrong password" },
  },
  { method: "POST", path: "/api/v1/admin/logout", auth: "cookie" },
  { method: "GET", path: "/api/v1/admin/me", auth: "cookie" },
  { method: "GET", path: "/api/v1/admin/conversations", auth: "cookie", query: ["status"] },
  { method: "GET", path: "/api/v1/admin/ws", auth: "cookie" },
  { method: "GET", path: "/api/v1/admin/conversations/:id/ws", auth: "cookie" },
  { method: "GET", path: "/api/v1/admin/invites/info", auth: "none", query: ["site", "token"] },
  {
    method: "POST",
    path: "/api/v1/admin/invites/accept",
    auth: "none",
    body: { siteKey: "demo", token: "abc", name: "Zed", password: "a long password" },
  },
  {
    method: "POST",
    path: "/api/v1/admin/password-reset",
    auth: "none",
    body: { siteKey: "demo", email: "fuzz@example.com" },
  },
  {
    method: "POST",
    path: "/api/v1/admin/password-reset/complete",
    auth: "none",
    body: { siteKey: "demo", token: "abc", password: "a long password" },
  },
  { method: "GET", path: "/api/v1/admin/team", auth: "cookie" },
  {
    method: "PATCH",
    path: "/api/v1/admin/team/:opaque",
    auth: "cookie",
    body: { name: "Zed", role: "operator", capacity: 3 },
  },
  { method: "DELETE", path: "/api/v1/admin/team/:opaque", auth: "cookie" },
  { method: "GET", path: "/api/v1/admin/team/invites", auth: "cookie" },
  {
    method: "POST",
    path: "/api/v1/admin/team/invites",
    auth: "cookie",
    body: { email: "new@example.com", name: "New", role: "operator" },
  },
  { method: "DELETE", path: "/api/v1/admin/team/invites/:opaque", auth: "cookie" },
  { method: "GET", path: "/api/v1/admin/sessions", auth: "cookie" },
  { method: "DELETE", path: "/api/v1/admin/sessions/:opaque", auth: "cookie" },
  { method: "GET", path: "/api/v1/admin/settings", auth: "cookie" },
  {
    method: "PUT",
    path: "/api/v1/admin/settings",
    auth: "cookie",
    body: {
      name: "Demo shop",
      allowedOrigins: ["http://localhost:*", "http://127.0.0.1:*"],
      timezone: "UTC",
      locale: "en",
      look: LOOK,
    },
  },
  { method: "POST", path: "/api/v1/admin/settings/identity-secret", auth: "cookie" },
  { method: "GET", path: "/api/v1/admin/audit", auth: "cookie", query: ["limit", "before"] },
  { method: "GET", path: "/api/v1/admin/departments", auth: "cookie" },
  { method: "POST", path: "/api/v1/admin/departments", auth: "cookie", body: { name: "Sales", operatorIds: ["op_x"] } },
  // docs/api.md says PATCH; the Worker routes PUT. Both are tried.
  {
    method: "PATCH",
    path: "/api/v1/admin/departments/:opaque",
    auth: "cookie",
    body: { name: "Sales", operatorIds: [] },
  },
  {
    method: "PUT",
    path: "/api/v1/admin/departments/:opaque",
    auth: "cookie",
    body: { name: "Sales", operatorIds: [] },
  },
  { method: "DELETE", path: "/api/v1/admin/departments/:opaque", auth: "cookie" },
  { method: "GET", path: "/api/v1/admin/canned", auth: "cookie" },
  {
    method: "POST",
    path: "/api/v1/admin/canned",
    auth: "cookie",
    body: { shortcut: "hi", title: "Hi", text: "Hello!" },
  },
  {
    method: "PATCH",
    path: "/api/v1/admin/canned/:opaque",
    auth: "cookie",
    body: { shortcut: "hi", title: "Hi", text: "Hello!" },
  },
  {
    method: "PUT",
    path: "/api/v1/admin/canned/:opaque",
    auth: "cookie",
    body: { shortcut: "hi", title: "Hi", text: "Hello!" },
  },
  { method: "DELETE", path: "/api/v1/admin/canned/:opaque", auth: "cookie" },
  { method: "GET", path: "/api/v1/admin/routing", auth: "cookie" },
  { method: "PUT", path: "/api/v1/admin/routing", auth: "cookie", body: { auto: true, defaultDepartmentId: null } },
  { method: "GET", path: "/api/v1/admin/search", auth: "cookie", query: ["q"] },
  { method: "GET", path: "/api/v1/admin/conversations/:id/visitor", auth: "cookie" },
  { method: "POST", path: "/api/v1/admin/conversations/:id/resolve", auth: "cookie" },
  { method: "POST", path: "/api/v1/admin/conversations/:id/reopen", auth: "cookie" },
  {
    method: "POST",
    path: "/api/v1/admin/conversations/:id/assign",
    auth: "cookie",
    body: { operatorId: "op_x", departmentId: null },
  },
  { method: "GET", path: "/api/v1/admin/autoreply", auth: "cookie" },
  {
    method: "PUT",
    path: "/api/v1/admin/autoreply",
    auth: "cookie",
    body: {
      schedule: SCHEDULE,
      departmentSchedules: {},
      rules: [
        {
          id: "r1",
          name: "Away",
          periods: ["night", "weekend"],
          timeoutSec: 60,
          variants: [{ when: { emailKnown: false, locale: "en" }, text: "Back {nextOpening}, {name}." }],
        },
      ],
      quietAfterOperatorMinutes: 0,
      askEmail: true,
    },
  },
  {
    method: "POST",
    path: "/api/v1/admin/autoreply/preview",
    auth: "cookie",
    body: {
      at: "2026-12-02T10:00:00Z",
      visitorTimezone: "Europe/Berlin",
      locale: "en",
      emailKnown: false,
      department: null,
    },
  },
  { method: "GET", path: "/api/v1/admin/outbox", auth: "cookie", query: ["limit"] },
  { method: "GET", path: "/api/v1/admin/email-settings", auth: "cookie" },
  {
    method: "PUT",
    path: "/api/v1/admin/email-settings",
    auth: "cookie",
    body: { followupDelayMinutes: 2, notifyOperators: true },
  },
  {
    method: "POST",
    path: "/api/v1/admin/conversations/:id/transcript",
    auth: "cookie",
    body: { to: "ann@example.com" },
  },
  { method: "GET", path: "/api/v1/unsubscribe", auth: "none", query: ["t"], html: true },
  { method: "POST", path: "/api/v1/unsubscribe", auth: "none", query: ["t"], html: true },
  {
    method: "POST",
    path: "/api/v1/sites",
    auth: "admin",
    body: {
      ownerEmail: "o@shop.example",
      url: "https://shop.example",
      name: "Shop",
      ownerPassword: "a long password",
      timezone: "UTC",
      locale: "en",
    },
  },
  { method: "GET", path: "/api/v1/sites/:siteKey/confirm", auth: "none", query: ["token"], html: true },
  { method: "POST", path: "/api/v1/sites/:siteKey/confirm", auth: "none", body: { token: "abc" }, html: true },
  { method: "GET", path: "/api/v1/sites/:siteKey/signup-emails", auth: "admin" },
  {
    method: "POST",
    path: "/api/v1/signup-codes",
    auth: "admin",
    body: { email: "o@shop.example", note: "fuzz", days: 14 },
  },
  { method: "GET", path: "/api/v1/signup-codes", auth: "admin" },
  { method: "DELETE", path: "/api/v1/signup-codes/:opaque", auth: "admin" },
  { method: "GET", path: "/api/v1/sites/:siteKey/status", auth: "plugin" },
  {
    method: "POST",
    path: "/api/v1/sites/:siteKey/events",
    auth: "plugin",
    body: {
      type: "order_placed",
      visitorId: null,
      userId: "42",
      orderId: "1001",
      total: 99.5,
      currency: "EUR",
      at: "2026-12-02T10:00:00Z",
    },
  },
  {
    method: "GET",
    path: "/api/v1/admin/visitors/:visitorId/woo",
    auth: "cookie",
    allow503: ["shop_unreachable", "shop_refused", "shop_error"],
  },
  {
    method: "POST",
    path: "/api/v1/admin/contacts/:visitorId/erase",
    auth: "cookie",
    body: { confirm: "nobody@example.com" },
  },
  {
    method: "POST",
    path: "/api/v1/admin/contacts/erase",
    auth: "cookie",
    body: { email: "nobody@example.com", confirm: "nobody@example.com" },
  },
  { method: "GET", path: "/api/v1/admin/data/retention", auth: "cookie" },
  { method: "PUT", path: "/api/v1/admin/data/retention", auth: "cookie", body: { months: 120 } },
  { method: "GET", path: "/api/v1/admin/secrets", auth: "cookie" },
  { method: "POST", path: "/api/v1/admin/secrets/:secret/rotate", auth: "cookie", body: { graceHours: 24 } },
];
