/**
 * The bot bundle, /w/bot.<hash>.js: the scenario's buttons and the "did this help?" question.
 * The component loads it when a bot message that waits for the visitor arrives, so pages
 * whose visitors never meet the bot never pay for it. A classic script like the component,
 * it registers itself on the page's `<edge-chat>` as `bot`.
 */
import { BotUi } from "./ui";

const CSS =
  ".bot{display:flex;flex-wrap:wrap;gap:6px;padding:4px 12px 8px}.bot p{width:100%;margin:0;font-size:.85em;opacity:.8}" +
  ".bot button{font:inherit;border:1px solid var(--_c,#2563eb);color:var(--_c,#2563eb);background:transparent;border-radius:999px;padding:5px 12px;cursor:pointer}" +
  ".bot button:hover,.bot button:focus-visible{background:var(--_c,#2563eb);color:var(--_f,#fff)}";

const host = document.querySelector("edge-chat");
if (host && !host.bot) {
  const style = document.createElement("style");
  style.textContent = CSS;
  host.renderRoot.prepend(style);
  host.bot = new BotUi(host);
  host.requestUpdate();
}
