/**
 * The visitor's trail, kept in the browser only: landing page, outside referrer, UTM
 * parameters and the last 50 pages. It leaves the browser only when the visitor starts a
 * conversation (or is identified), in the sessions body (`Trail` in worker/protocol/).
 */
import type { Trail } from "../worker/protocol";
import type { SiteStorage } from "./storage";

const MAX_PAGES = 50;

/** Adds the current page to the stored trail and returns the trail. */
export function recordPage(store: SiteStorage, now = Date.now()): Trail {
  const trail = store.get<Trail>("trail") ?? {};
  const url = location.href.slice(0, 2048);
  if (!trail.landing) {
    trail.landing = url;
    const ref = document.referrer;
    if (ref && !ref.startsWith(location.origin)) trail.referrer = ref.slice(0, 2048);
  }
  const utm: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(location.search)) {
    if (key.startsWith("utm_") && key.length <= 40 && value) utm[key] = value.slice(0, 300);
  }
  if (Object.keys(utm).length) trail.utm = utm;
  const pages = (trail.pages ?? []).filter((p) => p.url !== url || now - p.at > 30 * 60_000);
  pages.push({ url, title: document.title.slice(0, 300), at: now });
  trail.pages = pages.slice(-MAX_PAGES);
  store.set("trail", trail);
  return trail;
}
