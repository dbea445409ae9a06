/** The widget's languages: one catalogue per language, picked once per page. */
import { enChat, enEngage, enExtras, type ChatTexts, type EngageTexts, type ExtrasTexts } from "./en";
import { ruChat, ruEngage, ruExtras } from "./ru";

export type { ChatTexts, EngageTexts, ExtrasTexts };
export type Locale = "en" | "ru";

// Each bundle uses one of these maps; the other is dropped from it.
const chatTexts: Record<Locale, ChatTexts> = { en: enChat, ru: ruChat };
const extrasTexts: Record<Locale, ExtrasTexts> = { en: enExtras, ru: ruExtras };

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

/** The component's texts in `locale`. */
export function catalogue(locale: Locale): ChatTexts {
  return chatTexts[locale];
}

/** The extras bundle's texts in `locale`. */
export function extrasCatalogue(locale: Locale): ExtrasTexts {
  return extrasTexts[locale];
}

/** The engage bundle's texts in `locale`. */
export function engageCatalogue(locale: Locale): EngageTexts {
  return locale === "ru" ? ruEngage : enEngage;
}
