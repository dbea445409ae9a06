/**
 * `text` in at most `max` characters (UTF-16 code units), an ellipsis saying where it was cut:
 * for limits set by others (Telegram's 4,096), or kept to keep a row or a frame small.
 *
 * @example cutText("a long sentence", 7) // "a long…"
 */
export function cutText(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
