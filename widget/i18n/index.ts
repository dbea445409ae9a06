/** The widget's languages: one catalogue per language, picked once per page. */
import { en, type Catalogue } from "./en";
import { ru } from "./ru";

export type { Catalogue };
export type Locale = "en" | "ru";

const catalogues: Record<Locale, Catalogue> = { en, ru };

/** The language tag's supported base language, e.g. "ru-RU" → "ru"; undefined if unsupported. */
export function supported(tag: string | null | undefined): Locale | undefined {
  const base = tag?.slice(0, 2).toLowerCase();
  return base === "en" || base === "ru" ? base : undefined;
}

/**
 * Picks the language: the CMS plugin's explicit choice, then the page's `<html lang>` (a
 * multilingual shop sets it per page), then the site's setting, then English.
 */
export function pickLocale(explicit?: string, pageLang?: string, siteLocale?: string): Locale {
  return supported(explicit) ?? supported(pageLang) ?? supported(siteLocale) ?? "en";
}

/** The texts of `locale`. */
export function catalogue(locale: Locale): Catalogue {
  return catalogues[locale];
}
