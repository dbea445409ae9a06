/**
 * A small history router for the admin app under /admin/. Routes are plain objects; the
 * app listens for `route` events and renders what `current()` says.
 */

export type Route =
  | { name: "inbox"; conversationId?: string }
  | { name: "settings"; screen: string }
  | { name: "online" }
  | { name: "accept-invite"; site: string; token: string }
  | { name: "reset-password"; site: string; token: string };

const BASE = "/admin";

/** Parses a location into a route. */
export function parse(loc: { pathname: string; search: string }): Route {
  const path = loc.pathname.startsWith(BASE) ? loc.pathname.slice(BASE.length) : loc.pathname;
  const q = new URLSearchParams(loc.search);
  const parts = path.split("/").filter(Boolean);
  if (parts[0] === "c" && parts[1]) return { name: "inbox", conversationId: parts[1] };
  if (parts[0] === "settings") return { name: "settings", screen: parts[1] ?? "" };
  if (parts[0] === "online") return { name: "online" };
  if (parts[0] === "accept-invite")
    return { name: "accept-invite", site: q.get("site") ?? "", token: q.get("token") ?? "" };
  if (parts[0] === "reset-password")
    return { name: "reset-password", site: q.get("site") ?? "", token: q.get("token") ?? "" };
  return { name: "inbox" };
}

/** The path of a route. */
export function href(route: Route): string {
  switch (route.name) {
    case "inbox":
      return route.conversationId ? `${BASE}/c/${route.conversationId}` : `${BASE}/`;
    case "settings":
      return `${BASE}/settings/${route.screen}`;
    case "online":
      return `${BASE}/online`;
    default:
      return `${BASE}/`;
  }
}

/** The route of the current location. */
export function current(): Route {
  return parse(location);
}

/** Goes to a route (pushState) and tells listeners. */
export function go(route: Route, replace = false): void {
  const url = href(route);
  if (url !== location.pathname) history[replace ? "replaceState" : "pushState"](null, "", url);
  window.dispatchEvent(new Event("route"));
}

window.addEventListener("popstate", () => window.dispatchEvent(new Event("route")));
