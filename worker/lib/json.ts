/** JSON checks that must run before `JSON.parse` and the schemas see a text from outside. */

/**
 * True when arrays and objects in `text` nest deeper than `max`. Schemas recurse as deep as
 * the value, so a few thousand levels of `[` would overflow the stack; one pass over the
 * text (skipping strings) refuses it first.
 */
export function jsonDepthOver(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92)
        i++; // backslash: skip the escaped character
      else if (ch === 34) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 91 || ch === 123) {
      if (++depth > max) return true;
    } else if (ch === 93 || ch === 125) depth--;
  }
  return false;
}
