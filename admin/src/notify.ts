/**
 * Telling the operator something happened while they look elsewhere: a short chime
 * (Web Audio, no file to load), a desktop notification (permission asked once, on a click,
 * as browsers require), and the unread count in the tab title. Whether and when is the
 * operator's choice (./alerts.ts, AppState.alerts).
 */
const ASKED_KEY = "edgechat.notify.asked";
let audio: AudioContext | null = null;

/** Plays a two-note chime. Browsers allow it only after the page had a user gesture. */
export function chime(): void {
  try {
    audio ??= new AudioContext();
    const now = audio.currentTime;
    for (const [i, freq] of [880, 1320].entries()) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, now + i * 0.12);
      gain.gain.exponentialRampToValueAtTime(0.15, now + i * 0.12 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.12 + 0.25);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + i * 0.12);
      osc.stop(now + i * 0.12 + 0.3);
    }
  } catch {
    // no audio on this device
  }
}

/** Asks for notification permission once per browser, on the first click after login. */
export function askPermissionOnce(): void {
  if (!("Notification" in window) || Notification.permission !== "default" || localStorage.getItem(ASKED_KEY)) return;
  const ask = () => {
    localStorage.setItem(ASKED_KEY, "1");
    void Notification.requestPermission();
  };
  window.addEventListener("click", ask, { once: true, capture: true });
}

/** Shows a desktop notification when the page is not in front; a click brings the conversation. */
export function desktopNotify(title: string, body: string, tag: string, onClick: () => void): void {
  if (
    !("Notification" in window) ||
    Notification.permission !== "granted" ||
    (document.visibilityState === "visible" && document.hasFocus())
  )
    return;
  const n = new Notification(title, { body, tag });
  n.onclick = () => {
    window.focus();
    onClick();
    n.close();
  };
}

/** "(3) Inbox — Shop" when there is something unread. */
export function setTitle(unread: number, page: string): void {
  document.title = `${unread > 0 ? `(${unread}) ` : ""}${page}`;
}
