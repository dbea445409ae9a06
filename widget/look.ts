/** The site's look (`config.look`): colours that stay readable, and the loader's copy of it. */
import type { CachedLook } from "./storage";
import type { WidgetConfig } from "./session";

/** Black or white, whichever reads better on `hex` (WCAG contrast). */
export function textOn(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const l = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? "#111111" : "#ffffff";
}

/** What the loader reads to draw the launcher in the site's look on the next page. */
export function cachedLook(look: WidgetConfig["look"]): CachedLook {
  // Fields left undefined are left out of the JSON.
  return {
    c: look.color,
    f: textOn(look.color),
    l: look.position === "left" ? 1 : undefined,
    t: look.launcherText || undefined,
  };
}
