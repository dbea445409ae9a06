/**
 * Placing a server's field messages in a form of nested lists. The server names the field
 * by a dotted path (`schedule.week.mon.0.to`, `rules.2.periods.1`) and prefixes the message
 * with it ("schedule.week.mon.0.to: ends before it starts…"). Each input and each group of
 * inputs carries its path in `data-field`; a message goes to the deepest one that exists.
 */
import type { FieldErrors } from "../ui/fields";

/** The message without its leading "path: ". */
export function withoutPath(path: string, message: string): string {
  return message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message;
}

/** The nearest path, from `path` up, that `has` knows; null when none does. */
export function anchorOf(path: string, has: (path: string) => boolean): string | null {
  const parts = path.split(".");
  while (parts.length) {
    const candidate = parts.join(".");
    if (has(candidate)) return candidate;
    parts.pop();
  }
  return null;
}

/**
 * Moves field messages to the fields a form shows (`root` is searched for `data-field`);
 * what has no place comes back as `loose`, for the form's general line.
 * @example
 * placeErrors({ "rules.0.periods.1": "rules.0.periods.1: unknown period x" }, root)
 * // { fields: { "rules.0.periods": "unknown period x" }, loose: null }
 */
export function placeErrors(errors: FieldErrors, root: ParentNode): { fields: FieldErrors; loose: string | null } {
  const has = (p: string) => root.querySelector(`[data-field="${CSS.escape(p)}"]`) !== null;
  const fields: FieldErrors = {};
  let loose: string | null = null;
  for (const [path, message] of Object.entries(errors)) {
    const anchor = anchorOf(path, has);
    const text = withoutPath(path, message);
    if (anchor) fields[anchor] ??= text;
    else loose ??= path === "_" ? text : `${path}: ${text}`;
  }
  return { fields, loose };
}

/** After the form has redrawn: shows the first message and focuses the input it is about, if any. */
export function focusFirstInvalid(root: ParentNode): void {
  root.querySelector(".field-error, .form-error")?.scrollIntoView({ block: "center" });
  root.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus({ preventScroll: true });
}
