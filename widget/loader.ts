/**
 * `/widget.js`, the loader (budget: 1 KB gzip). Runs on every page of the shop, so it does
 * almost nothing: it creates `<edge-chat>` with the launcher drawn in its shadow root at once
 * (fixed position: nothing moves on the page), a `window.edgechat` that queues calls, and
 * loads the component when the page is idle or the visitor reaches for the launcher — at
 * once, with the chat open, when the page was reached by an email's "Open the chat" link
 * (`?edgechat=open`).
 */
import type { CachedLook } from "./storage";
import { CHAT_ICON, LAUNCHER_CSS } from "./launcher";

/** The hashed component path, e.g. "/w/edge-chat.3F2A9C.js"; set by widget/build.mjs. */
declare const __EDGECHAT_COMPONENT__: string;

const d = document;
const w = window;
const script = (d.currentScript ?? d.querySelector('[src*="/widget.js"]')) as HTMLScriptElement | null;
const site = script?.dataset.site;
// Once per page, even if the tag is there twice.
if (site && !w.edgechat) {
  let look: Partial<CachedLook> = {};
  try {
    look = JSON.parse(localStorage.getItem(`edgechat:${site}:look`)!) ?? {};
  } catch {
    // no storage: the default look
  }
  const host = d.createElement("edge-chat");
  host.setAttribute("site", site);
  if (look.l) host.setAttribute("left", "");
  if (look.c) host.style.cssText = `--_c:${look.c};--_f:${look.f}`;
  const root = host.attachShadow({ mode: "open" });
  // Left open at the end: the parser closes the path, the svg and the button (and a viewBox
  // may be written with commas, unquoted): bytes for the stand-in's stop below.
  root.innerHTML = `<style>${LAUNCHER_CSS}</style><button class=launcher part=launcher aria-label=${
    /^ru/i.test(w.edgechatSettings?.locale ?? d.documentElement.lang) ? "Чат" : "Chat"
  }><svg viewBox=0,0,24,24><path d="${CHAT_ICON}">`;
  const button = root.lastChild as HTMLButtonElement;
  if (look.t) button.append(look.t);

  let loading = 0;
  const load = () => {
    if (loading++) return;
    const s = d.createElement("script");
    // A URL assigned to src is read as its href.
    s.src = new URL(__EDGECHAT_COMPONENT__, script!.src) as unknown as string;
    d.head.append(s);
  };
  const q: unknown[][] = [];
  const api: Record<string, unknown> = { q };
  for (const m of ["open", "close", "identify", "on"]) {
    // `on` answers a stop, as the real API does. The component keeps the real one on the
    // call's arguments (`s`) when it replays it, and replays no call already stopped here.
    api[m] = (...args: unknown[] & { s?: () => void }) => {
      q.push([m, args]);
      if (m == "open") load();
      return () => (args.s ||= () => {})();
    };
  }
  w.edgechat = api as unknown as Window["edgechat"];
  button.onclick = api.open as () => void;
  button.onpointerenter = button.onfocus = load;
  // An email's "Open the chat" link (`?edgechat=open`) opens the chat at once; else the
  // component comes when the page is idle.
  if (/edgechat=open/.test(location as unknown as string)) (api.open as () => void)();
  else if (w.requestIdleCallback) w.requestIdleCallback(load, { timeout: 5000 });
  else setTimeout(load, 2000);
  (d.body ?? d.documentElement).append(host);
}
