/**
 * The extras bundle, /w/extras.<hash>.js: the parts of the chat that most visitors never
 * need: the email field (shown when the server asks) and the "More" menu's features (the
 * transcript by email; later video calls and ratings). The component loads it on first need,
 * so a shop's pages never pay for it. A classic script like the component, it registers
 * itself on the page's `<edge-chat>` as `extras`.
 */
import css from "./extras.css";
import { Extras } from "./extras";

const host = document.querySelector("edge-chat");
if (host && !host.extras) {
  const style = document.createElement("style");
  style.textContent = css;
  // First in the shadow root: before the part Lit renders into, so no re-render removes it.
  host.renderRoot.prepend(style);
  host.extras = new Extras(host);
  host.requestUpdate();
}
