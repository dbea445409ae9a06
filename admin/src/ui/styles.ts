/** Styles shared by the admin's components: controls, field messages, badges, focus rings. */
import { css } from "lit";

export const base = css`
  :host { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ec-text); box-sizing: border-box; }
  *, *::before, *::after { box-sizing: inherit; }
  h1, h2, h3 { margin: 0 0 8px; line-height: 1.25; }
  h2 { font-size: 18px; }
  h3 { font-size: 15px; }
  p { margin: 0 0 8px; }
  button, input, select, textarea { font: inherit; color: inherit; }
  button {
    border: 1px solid var(--ec-border); background: var(--ec-surface); border-radius: 8px;
    padding: 6px 12px; cursor: pointer; min-height: 34px;
  }
  button:hover { background: var(--ec-hover); }
  button.primary { background: var(--ec-accent); border-color: var(--ec-accent); color: #fff; }
  button.primary:hover { filter: brightness(1.08); }
  button.danger { color: var(--ec-danger); }
  button.link { border: 0; background: none; padding: 4px; color: var(--ec-accent); min-height: 0; }
  button:disabled { opacity: .55; cursor: default; }
  :focus-visible { outline: 2px solid var(--ec-focus); outline-offset: 2px; }
  input, select, textarea {
    border: 1px solid var(--ec-border); border-radius: 8px; padding: 7px 10px; background: var(--ec-surface); width: 100%;
  }
  input[type="checkbox"], input[type="radio"] { width: auto; }
  input[type="color"] { padding: 2px; height: 36px; width: 64px; }
  [aria-invalid="true"] { border-color: var(--ec-danger); }
  label { display: block; font-weight: 600; margin: 12px 0 4px; }
  label.inline { display: flex; gap: 8px; align-items: center; font-weight: 400; }
  .field-error { color: var(--ec-danger); font-size: 13px; margin: 4px 0 0; }
  .form-error { color: var(--ec-danger); background: var(--ec-danger-bg); border-radius: 8px; padding: 8px 12px; margin: 8px 0; }
  .ok { color: var(--ec-ok); }
  .muted { color: var(--ec-muted); }
  .hint { color: var(--ec-muted); font-size: 13px; margin-top: 4px; }
  .badge {
    display: inline-block; min-width: 20px; padding: 0 6px; border-radius: 10px; font-size: 12px; line-height: 20px;
    text-align: center; background: var(--ec-accent); color: #fff; font-weight: 600;
  }
  .badge.soft { background: var(--ec-hover); color: var(--ec-text); }
  .row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
  .grow { flex: 1; min-width: 0; }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 8px; border-bottom: 1px solid var(--ec-border); vertical-align: middle; }
  th { font-weight: 600; color: var(--ec-muted); font-size: 13px; }
`;
