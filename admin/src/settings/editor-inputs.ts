/**
 * Inputs of the nested settings editors (auto-replies): each is labelled, carries its field
 * path as `id` and `data-field` (see field-paths.ts), shows the server's message for that
 * path beneath it, and writes its value back through `set` then calls `ed.changed()`.
 * Text is written on `input`; numbers, times and dates on `change`, so a half-typed value
 * is never redrawn under the cursor (their `input` only marks the draft unsaved, so the
 * save bar does not change size under a pointer on its way to Save). A read-only form disables them all with its <fieldset>.
 */
import { html, nothing, type TemplateResult } from "lit";
import { fieldError, invalid } from "../ui/fields";
import type { Editing } from "./autoreply-model";

interface TextOptions {
  type?: "text" | "number" | "time" | "date" | "url";
  hint?: string;
  /** id of a <datalist> of suggestions. */
  list?: string;
  max?: number;
  min?: number;
  maxlength?: number;
  placeholder?: string;
  /** Label for screen readers only (the row shows what it is). */
  hiddenLabel?: boolean;
  multiline?: number;
}

/** The server's message for `path`, or nothing. */
export function errorAt(ed: Editing, path: string): TemplateResult | typeof nothing {
  return fieldError(ed.errors, path);
}

/** A labelled text, number, time or date input (or a textarea with `multiline: rows`). */
export function textField(
  ed: Editing,
  path: string,
  label: string,
  value: string | number,
  set: (v: string) => void,
  o: TextOptions = {},
) {
  const a = invalid(ed.errors, path);
  const hintId = o.hint ? `hint-${path}` : "";
  const described = [a.describedBy, hintId].filter(Boolean).join(" ");
  const onEdit = (e: Event) => {
    set((e.target as HTMLInputElement).value);
    ed.changed();
  };
  const lazy = o.type === "number" || o.type === "time" || o.type === "date";
  const control = o.multiline
    ? html`<textarea id=${path} data-field=${path} rows=${o.multiline} maxlength=${o.maxlength ?? 2000} .value=${String(value)}
        aria-invalid=${a.invalid} aria-describedby=${described} @input=${onEdit}></textarea>`
    : html`<input id=${path} data-field=${path} type=${o.type ?? "text"} .value=${String(value)}
        list=${o.list ?? nothing} min=${o.min ?? nothing} max=${o.max ?? nothing} maxlength=${o.maxlength ?? nothing}
        placeholder=${o.placeholder ?? nothing} aria-invalid=${a.invalid} aria-describedby=${described}
        @input=${lazy ? () => ed.changed() : onEdit} @change=${lazy ? onEdit : null}>`;
  return html`<label for=${path} class=${o.hiddenLabel ? "sr-only" : ""}>${label}</label>${control}
    ${o.hint ? html`<p class="hint" id=${hintId}>${o.hint}</p>` : nothing}${fieldError(ed.errors, path)}`;
}

/** A checkbox with its label on the right. */
export function checkField(
  ed: Editing,
  id: string,
  label: string,
  checked: boolean,
  set: (v: boolean) => void,
  field?: string,
) {
  return html`<label class="inline" for=${id}><input type="checkbox" id=${id} data-field=${field ?? nothing} .checked=${checked}
    @change=${(e: Event) => {
      set((e.target as HTMLInputElement).checked);
      ed.changed();
    }}>${label}</label>`;
}

/** A labelled select of [value, text] pairs. */
export function selectField(
  ed: Editing,
  path: string,
  label: string,
  value: string,
  options: Array<[string, string]>,
  set: (v: string) => void,
) {
  const a = invalid(ed.errors, path);
  return html`<label for=${path}>${label}</label>
    <select id=${path} data-field=${path} .value=${value} aria-invalid=${a.invalid} aria-describedby=${a.describedBy}
      @change=${(e: Event) => {
        set((e.target as HTMLSelectElement).value);
        ed.changed();
      }}>
      ${options.map(([v, text]) => html`<option value=${v} ?selected=${v === value}>${text}</option>`)}
    </select>${fieldError(ed.errors, path)}`;
}
