/** Styles of the admin's modal dialogs (native <dialog> with showModal: focus stays inside, Esc closes). */
import { css } from "lit";

export const dialogStyles = css`
  dialog {
    border: 1px solid var(--ec-border); border-radius: 12px; padding: 20px; width: min(480px, calc(100vw - 24px));
    background: var(--ec-surface); color: var(--ec-text); box-shadow: 0 12px 40px rgb(0 0 0 / .25);
  }
  /* h3: the dialogs live inside components whose own h2 is their title. */
  dialog h3 { font-size: 18px; }
  dialog::backdrop { background: rgb(0 0 0 / .4); }
  dialog .actions { display: flex; gap: 8px; justify-content: flex-end; margin-top: 16px; flex-wrap: wrap; }
  dialog code { font: 13px/1.4 ui-monospace, monospace; background: var(--ec-hover); border-radius: 6px; padding: 1px 6px; overflow-wrap: anywhere; }
`;
