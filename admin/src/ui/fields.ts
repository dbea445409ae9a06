/**
 * Form helpers: an input's field-level message from the server (`fields` of the error
 * envelope, keyed by path like "look.color"), wired with aria-invalid and aria-describedby.
 */
import { html, nothing, type TemplateResult } from "lit";
import { ApiFailure } from "../api";
import { serverText, t } from "../i18n";

export type FieldErrors = Record<string, string>;

/** The message under an input, or nothing. */
export function fieldError(errors: FieldErrors, path: string): TemplateResult | typeof nothing {
  const message = errors[path];
  return message ? html`<p class="field-error" id=${`err-${path}`} role="alert">${serverText(message)}</p>` : nothing;
}

/** Attributes to spread by hand: aria-invalid and aria-describedby for `path`. */
export function invalid(errors: FieldErrors, path: string): { invalid: "true" | "false"; describedBy: string } {
  return { invalid: errors[path] ? "true" : "false", describedBy: errors[path] ? `err-${path}` : "" };
}

/**
 * What a failed save shows: field messages where the form has the field, and the
 * general message otherwise (`known` lists the form's field paths).
 */
export function failureOf(
  err: unknown,
  known: (path: string) => boolean,
): { fields: FieldErrors; message: string | null } {
  if (!(err instanceof ApiFailure)) return { fields: {}, message: t("errors.unexpected") };
  const fields: FieldErrors = {};
  const loose: string[] = [];
  for (const [path, msg] of Object.entries(err.fields)) known(path) ? (fields[path] = msg) : loose.push(msg);
  const message = Object.keys(fields).length && !loose.length ? null : serverText(loose[0] ?? err.message);
  return { fields, message };
}

/** The general error line of a form. */
export function formError(message: string | null): TemplateResult | typeof nothing {
  return message ? html`<p class="form-error" role="alert">${message}</p>` : nothing;
}
