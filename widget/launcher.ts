/**
 * The launcher button's look, shared by the loader (which draws it at once, without Lit) and
 * the component (which takes it over), so the hand-over changes no pixel. Colours come from
 * `--edgechat-color` (the page's theme) or `--_c` (the site's setting, set on the host).
 */
export const LAUNCHER_CSS =
  ".launcher{position:fixed;z-index:2147483000;bottom:20px;right:20px;display:flex;align-items:center;gap:8px;" +
  "height:56px;padding:0 16px;border:0;border-radius:28px;cursor:pointer;" +
  "background:var(--edgechat-color,var(--_c,#2563eb));color:var(--edgechat-on-color,var(--_f,#fff));" +
  "font:600 15px var(--edgechat-font,system-ui,sans-serif);box-shadow:0 4px 14px #0004}" +
  ":host([left]) .launcher{right:auto;left:20px}" +
  ".launcher svg{width:24px;fill:currentColor}";

/** A speech bubble, 24×24. */
export const CHAT_ICON = "M3 4h18v13H9l-5 4v-4H3z";
