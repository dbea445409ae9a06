/**
 * The component's styles: the launcher's (shared with the loader) and the panel's
 * (styles.css, minified into the bundle by widget/build.mjs).
 */
import { unsafeCSS } from "lit";
import { LAUNCHER_CSS } from "./launcher";
import panel from "./styles.css";

export const styles = unsafeCSS(LAUNCHER_CSS + panel);
