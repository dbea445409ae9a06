/**
 * The engage bundle, /w/engage.<hash>.js: a proactive message or greeting beside the
 * launcher. The extras load it only when the session answer carries an offer, so pages
 * without one never fetch it. A classic script: it finds the page's `<edge-chat>`.
 */
import css from "./engage.css";
import { OfferCard } from "./offer";

const host = document.querySelector("edge-chat");
const offer = host?.chat.session?.config.engage;
if (host && offer) {
  const style = document.createElement("style");
  style.textContent = css;
  host.renderRoot.prepend(style);
  new OfferCard(host, offer).start();
}
