/**
 * The calls chunk, /w/calls.<hash>.js: the call panel and WebRTC, loaded by the extras only
 * when a call starts or rings, so neither the component nor the extras carry it. A classic
 * script, it hands its panel to the page's `<edge-chat>` extras.
 */
import css from "./calls.css";
import { CallPanel } from "./panel";

const host = document.querySelector("edge-chat");
if (host?.extras && !host.extras.calls.panel) {
  const style = document.createElement("style");
  style.textContent = css;
  host.renderRoot.prepend(style);
  host.extras.calls.panel = new CallPanel(host);
  host.requestUpdate();
}
