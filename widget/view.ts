/**
 * Small render helpers of the chat window: icons, avatars and message bubbles. Text goes
 * in as Lit text bindings (and links through `linkify`), never as HTML.
 */
import { html, nothing, type TemplateResult } from "lit";
import { linkify, safeHref } from "./links";

export const CLOSE_ICON = "M6 4.6 4.6 6l6 6-6 6L6 19.4l6-6 6 6 1.4-1.4-6-6 6-6L18 4.6l-6 6z";
export const SEND_ICON = "M3 20.5 21 12 3 3.5V10l12 2-12 2z";
/** Three dots, one above the other. */
export const MORE_ICON =
  "M12 4a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm0 6a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm0 6a2 2 0 1 0 0 4 2 2 0 0 0 0-4z";

export const icon = (d: string) => html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d=${d}></path></svg>`;

/** The team's picture if the site has one, else the name's first letter. Decorative either way. */
export function avatar(name: string, url?: string): TemplateResult {
  const src = url && safeHref(url);
  return src
    ? html`<img class="avatar" src=${src} alt="" />`
    : html`<span class="avatar" aria-hidden="true">${name.slice(0, 1).toUpperCase()}</span>`;
}

/**
 * One message of the log: who, what, when (epoch ms and as shown), whether it is the
 * visitor's own (no avatar then), its delivery state (sending, sent, read), and its files
 * as the extras bundle draws them.
 */
export function bubble(
  name: string,
  text: string,
  picture?: TemplateResult,
  at?: number,
  time?: string,
  state?: string,
  files?: unknown,
): TemplateResult {
  return html`<li class="msg ${picture ? "them" : "me"}" part="message">
    ${picture ?? nothing}
    <div class="body">
      <div class="bubble">
        <p class="meta"><span>${name}</span>${at ? html`<time datetime=${new Date(at).toISOString()}>${time}</time>` : nothing}</p>
        <p class="text" dir="auto">${linkify(text)}</p>${files}
      </div>
      ${state ? html`<p class="state">${state}</p>` : nothing}
    </div>
  </li>`;
}
