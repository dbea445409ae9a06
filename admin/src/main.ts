/** The admin app's entry: the shell element; settings screens load later, on demand. */
import "./ui/app";

// The installable app: the service worker keeps the shell and shows push notifications.
if ("serviceWorker" in navigator) {
  addEventListener("load", () => {
    navigator.serviceWorker
      .register("/admin/sw.js", { scope: "/admin/" })
      .catch((err) => console.warn("service worker not registered", err));
  });
}
