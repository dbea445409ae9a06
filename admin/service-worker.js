/**
 * The admin's service worker (scope /admin/). It keeps the app shell — index.html, the
 * built scripts and styles, icons, the offline page — so the installed app opens at once;
 * it never stores API answers or messages (everything under /api/ goes to the network).
 * It shows Web Push notifications and opens the conversation a click is about.
 *
 * The build prepends `const SHELL = [...]` and `const VERSION = "..."` (admin/build.mjs).
 */
/* global SHELL, VERSION */
const CACHE = `edgechat-shell-${VERSION}`;
// Served without the .html (the assets binding redirects that away): a redirect cannot answer a navigation.
const OFFLINE = "/admin/offline";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("edgechat-shell-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin || !url.pathname.startsWith("/admin")) return;
  if (event.request.mode === "navigate") {
    // The page itself comes fresh from the network. Offline, the app could show nothing true
    // (no message is ever cached), so the offline screen says so instead of a login form.
    event.respondWith(fetch(event.request).catch(() => caches.match(OFFLINE)));
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((hit) => hit ?? fetch(event.request)));
  }
});

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { title: "Edgechat", body: event.data ? event.data.text() : "" };
  }
  event.waitUntil(
    self.registration.showNotification(data.title || "Edgechat", {
      body: data.body || "",
      tag: data.tag || "edgechat",
      renotify: true,
      icon: "/admin/icon-192.png",
      data: { url: data.url || "/admin/" },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url || "/admin/", location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((wins) => {
      const open = wins.find((w) => w.url.startsWith(`${location.origin}/admin`));
      if (open) return open.navigate(target).then((w) => (w ?? open).focus());
      return self.clients.openWindow(target);
    }),
  );
});
